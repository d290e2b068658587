/**
 * The coordination the shared synths rely on (run-once.ts): one producer per
 * run, the other workers wait for its results, and a failure or a stalled
 * producer ends the wait with a message instead of a hung test.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { awaitResult } from './run-once.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'run-once-'));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

/** Another worker's claim on the folder, as the first caller leaves it. */
const claimedElsewhere = () => mkdirSync(join(root, 'claimed'));
const never = () => {
  throw new Error('produce must not run here');
};

describe('awaitResult', () => {
  it('runs the producer for the first caller only; later callers read the same result', async () => {
    let runs = 0;
    const produce = () => {
      runs++;
      writeFileSync(join(root, 'a'), 'A');
      writeFileSync(join(root, 'b'), 'B');
    };
    const first = await awaitResult(root, 'a', produce, 1_000);
    const again = await awaitResult(root, 'a', produce, 1_000);
    const other = await awaitResult(root, 'b', produce, 1_000);
    expect(runs).toBe(1);
    expect([first, again, other]).toEqual([join(root, 'a'), join(root, 'a'), join(root, 'b')]);
  });

  it('waits while another worker produces, then returns its result without producing', async () => {
    claimedElsewhere();
    const waiting = awaitResult(root, 'a', never, 10_000);
    setTimeout(() => writeFileSync(join(root, 'a'), 'A'), 500);
    await expect(waiting).resolves.toBe(join(root, 'a'));
  });

  it("ends the wait with the producing worker's error", async () => {
    claimedElsewhere();
    writeFileSync(join(root, 'failed.txt'), 'Lab 7 handler does not bundle');
    await expect(awaitResult(root, 'a', never, 10_000)).rejects.toThrow(/failed in another test worker: Lab 7 handler does not bundle/);
  });

  it('records its own failure for the others and rethrows it', async () => {
    await expect(
      awaitResult(
        root,
        'a',
        () => {
          throw new Error('synth failed');
        },
        1_000,
      ),
    ).rejects.toThrow(/^synth failed$/);
    await expect(awaitResult(root, 'a', never, 1_000)).rejects.toThrow(/failed in another test worker: synth failed/);
  });

  it('says so when the producer finished without the asked-for result', async () => {
    await expect(awaitResult(root, 'missing', () => undefined, 1_000)).rejects.toThrow(/did not produce missing/);
  });

  it('gives up after the timeout, naming the result, when the producer stalls', async () => {
    claimedElsewhere();
    await expect(awaitResult(root, 'a', never, 600)).rejects.toThrow(/No a in .* after 0\.6 s: did the worker producing it stop\?/);
  });
});
