/**
 * Learner code that would damage the local engines (checker/test/fixtures/05-damage/):
 * it runs with the learner's accounts, so FLUSHALL, DROP DATABASE mysql or
 * SHUTDOWN are refused as on AWS. The check that ran them fails with the
 * engine's refusal, never `error`, and the checks after it run on intact
 * engines.
 */
import mysql from 'mysql2/promise';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult } from '../../core/result.js';
import { startLocalEngines, type LocalEngines } from '../../engines/local.js';
import { connectRedis } from '../../runner/connect.js';
import { runExercise } from '../../runner/run-exercise.js';
import { describeResults, repoPath, runningExerciseChildren } from '../gate/support.js';

const EXERCISE = '01-redis-basics';
const fixture = (name: string) => repoPath(`checker/test/fixtures/05-damage/${name}`);
const SENTINEL = 'kit:sentinel';

let engines: LocalEngines | undefined;

beforeAll(async () => {
  engines = await startLocalEngines();
});

afterAll(async () => {
  await engines?.stop();
});

afterEach(() => {
  expect(runningExerciseChildren(), 'an exercise process was left running').toEqual([]);
});

async function run(name: string): Promise<{ byId: Record<string, CheckResult>; all: string; results: CheckResult[] }> {
  const { results } = await runExercise({ labId: 5, exerciseId: EXERCISE, file: fixture(name), endpoints: engines!.endpoints });
  return { results, all: describeResults(results), byId: Object.fromEntries(results.map((r) => [r.id.replace('05.01.', ''), r])) };
}

/** The engines as the checker sees them: a key of its own kept, the mysql schema there. */
async function enginesIntact(): Promise<void> {
  const redis = await connectRedis(engines!.endpoints.redis);
  const { host, port, user, password, database } = engines!.endpoints.mysql;
  const sql = await mysql.createConnection({ host, port, user, password, database });
  try {
    expect(await redis.get(SENTINEL)).toBe('kept');
    const [rows] = await sql.query('SELECT COUNT(*) AS n FROM mysql.user');
    expect(Number((rows as Array<{ n: number }>)[0].n)).toBeGreaterThan(0);
  } finally {
    redis.disconnect();
    await sql.end();
  }
}

describe('learner code cannot damage the engines', () => {
  beforeAll(async () => {
    const redis = await connectRedis(engines!.endpoints.redis);
    await redis.set(SENTINEL, 'kept');
    redis.disconnect();
  });

  it('FLUSHALL is refused (NOPERM): that check fails with the refusal, the next one passes, the cache keeps its keys', async () => {
    const { byId, results, all } = await run('flushall.ts');
    expect(byId['string-stored'].status, all).toBe('fail');
    expect(byId['string-stored'].message, all).toMatch(/NOPERM/);
    expect(byId['string-read'].status, all).toBe('pass');
    expect(
      results.filter((r) => r.status === 'error'),
      all,
    ).toEqual([]);
    await enginesIntact();
  });

  it('DROP DATABASE mysql is refused: that check fails with the access error; SHUTDOWNs are refused and the checks after them pass', async () => {
    const { byId, results, all } = await run('drop-database.ts');
    expect(byId['string-read'].status, all).toBe('fail');
    expect(byId['string-read'].message, all).toMatch(/Access denied/);
    for (const id of ['string-stored', 'hash-stored', 'hash-read', 'ttl-set', 'ttl-read']) expect(byId[id].status, `${id}\n${all}`).toBe('pass');
    expect(
      results.filter((r) => r.status === 'error'),
      all,
    ).toEqual([]);
    await enginesIntact();
  });
});
