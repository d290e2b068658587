/**
 * Lab 4's LoadDb slow tail: queries started near the end of a step answer
 * late, and "near the end" is counted from the first query the checker saw
 * (where the learner's clock starts), not from when the checker made the call.
 * Answered by the checker itself (withoutServer), so no engine is needed.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { LoadDb } from '../../checks/04-aurora-serverless/load-db.js';

const settings = { host: '127.0.0.1', port: 1, user: 'nobody', password: '', database: 'none' };

describe('LoadDb slow tail', () => {
  let db: LoadDb | undefined;
  afterEach(async () => {
    await db?.close();
  });

  it('counts the tail from the first query, however late the first query comes', async () => {
    db = new LoadDb(settings, { withoutServer: true });
    db.slowTail = { fromMs: 150, untilMs: 600 };
    // The learner's process received the call late: its first query comes 350 ms after the checker set the tail.
    await sleep(350);
    const first = performance.now();
    await db.query('SELECT 1');
    expect(performance.now() - first).toBeLessThan(100);
    // Still before the tail on the learner's clock, though past it on the checker's: answered at once.
    const second = performance.now();
    await db.query('SELECT 1');
    expect(performance.now() - second).toBeLessThan(100);
    await sleep(Math.max(0, first + 160 - performance.now()));
    const inTail = performance.now();
    await db.query('SELECT 1');
    const answeredAt = performance.now();
    expect(inTail - first).toBeGreaterThanOrEqual(150);
    expect(answeredAt - first).toBeGreaterThanOrEqual(595);
  });
});
