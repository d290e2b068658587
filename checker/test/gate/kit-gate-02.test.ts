/**
 * Lab 2's red-team gate, against a real primary and replica: each wrong
 * implementation below (most from a blind red team) is rejected by the check
 * that names its defect while another check of its exercise passes, and right
 * implementations in styles the reference does not use pass every check. The
 * starting files and the solutions are judged in kit-gate-replication.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checksFor } from '../../../labs/index.js';
import type { Endpoints } from '../../engines/endpoints.js';
import { replicationEndpoints, startReplicatedMysql } from '../../engines/replicated-mysql.js';
import { runExercise } from '../../runner/run-exercise.js';
import {
  expectEveryCheckPasses,
  expectRejectedPrecisely,
  POOL_SIZE,
  repoPath,
  ResourcePool,
  runningExerciseChildren,
  type WrongImplementation,
} from './support.js';

const EXERCISES: Record<string, string> = { '01': '01-read-write-router', '02': '02-lag-probe', '03': '03-read-your-writes' };
/** A check each wrong fixture of the exercise passes, run with the one that rejects it (so the defect is singled out, quickly). */
const PASSING: Record<string, string> = { '01': '02.01.reads-to-replica', '02': '02.02.marker-round-trip', '03': '02.03.others-read-replica' };

interface WrongCase extends WrongImplementation {
  /** File in checker/test/fixtures/02-wrong/; its first two digits name the exercise. */
  fixture: string;
  /** The check that passes alongside, when the exercise's usual one does not. */
  passing?: string;
}

const WRONG: WrongCase[] = [
  {
    fixture: '01-split-on-space.ts',
    check: '02.01.reads-to-replica',
    message: /"Select @@server_id AS id" through the router was answered by the primary/,
    passing: '02.01.writes-to-primary',
  },
  {
    fixture: '01-show-forgotten.ts',
    check: '02.01.show-to-replica',
    message: /"SHOW VARIABLES LIKE 'server_id'" through the router was answered by the primary/,
  },
  { fixture: '01-caches-reads.ts', check: '02.01.every-read-asks-replica', message: /3 identical reads through the router reached the replica 1 times/ },
  {
    fixture: '01-falls-back-on-empty.ts',
    check: '02.01.every-read-asks-replica',
    message: /sent "SELECT email FROM users WHERE name = \?" to the primary too: a read that finds no rows/,
  },
  {
    fixture: '01-drops-read-params.ts',
    check: '02.01.params-passed',
    message: /sent "SELECT email FROM users WHERE name = \?" to the replica with params \[\], not the caller's \["Grace"\]/,
  },
  { fixture: '01-write-not-awaited.ts', check: '02.01.writes-to-primary', message: /resolved before the primary had answered the INSERT/ },
  {
    fixture: '01-substring-match.ts',
    check: '02.01.other-statements-to-primary',
    message: /sent "INSERT INTO users \(name, email\) SELECT .*" to the replica, which refused it/,
  },
  { fixture: '01-write-whitelist.ts', check: '02.01.other-statements-to-primary', message: /sent "REPLACE INTO users .*" to the replica, which refused it/ },
  {
    fixture: '01-swallows-errors.ts',
    check: '02.01.errors-reach-caller',
    message: /resolved to \[\] for "INSERT INTO users \(nickname\) .*", which the primary refuses/,
  },
  {
    fixture: '01-module-singleton.ts',
    check: '02.01.own-context',
    message: /a router made from a second context sent 0 of its 2 statements to that context's handles/,
  },
  {
    fixture: '02-deletes-all-markers.ts',
    check: '02.02.marker-round-trip',
    message: /deleted 2 of the checker's own markers/,
    passing: '02.02.insert-refused',
  },
  { fixture: '02-any-marker.ts', check: '02.02.measures-held-back-replica', message: /matching any marker rather than its own token/ },
  { fixture: '02-server-clocks.ts', check: '02.02.measures-held-back-replica', message: /the replica's clock was an hour ahead\): time it on your own clock/ },
  { fixture: '02-token-from-clock.ts', check: '02.02.unique-tokens', message: /of 4 probes started at the same moment, one failed .*Duplicate entry/ },
  { fixture: '02-swallows-insert-error.ts', check: '02.02.insert-refused', message: /was still polling 5 s after the primary refused its marker/ },
  { fixture: '02-returns-on-timeout.ts', check: '02.02.gives-up', message: /returned 5000 after [5-7]\.\d s although replication was stopped/ },
  {
    fixture: '02-fixed-give-up.ts',
    check: '02.02.gives-up',
    message: /still polling \d+\.\d s after it was called, with replication stopped and ctx\.giveUpMs = 5000: give up after ctx\.giveUpMs/,
  },
  { fixture: '02-interval-left-running.ts', check: '02.02.gives-up', message: /gave up, yet \d+ more polls reached the replica/ },
  { fixture: '03-one-shot-sticky.ts', check: '02.03.own-write-read-on-primary', message: /ada's read 400 ms after her write .* was answered by the replica/ },
  { fixture: '03-drops-sticky-params.ts', check: '02.03.own-write-read-on-primary', message: /reached the primary without the caller's params/ },
  {
    fixture: '03-replica-first.ts',
    check: '02.03.sees-own-update',
    message: /her read returned \[\{"email":"ada@example\.com"\}\]: she does not see her own change/,
  },
  {
    fixture: '03-window-slides-on-reads.ts',
    check: '02.03.window-ends',
    message: /800 ms after her write, with ctx\.stickyMs = 600, ada was answered by the primary/,
  },
  { fixture: '03-whole-seconds.ts', check: '02.03.window-ends', message: /800 ms after her write, with ctx\.stickyMs = 600, ada was answered by the primary/ },
  { fixture: '03-first-write-only.ts', check: '02.03.last-write-counts', message: /the window runs from her last write/ },
  { fixture: '03-timer-per-write.ts', check: '02.03.last-write-counts', message: /the window runs from her last write/ },
  {
    fixture: '03-write-routes-by-keyword.ts',
    check: '02.03.writes-to-primary',
    message: /write\('grace', 'SELECT @@server_id \.\.\.'\) was answered by the replica/,
  },
  { fixture: '03-module-level-map.ts', check: '02.03.fresh-router', message: /because of her write through another router/ },
];

/** Right implementations in styles the reference does not use (checker/test/fixtures/02-right/, first two digits = exercise). */
const RIGHT = [
  '01-comment-scanner.ts',
  '01-first-token-set.ts',
  '02-clock-after-insert.ts',
  '02-race-with-cleared-timer.ts',
  '03-stamp-sent-and-returned.ts',
  '03-stamp-in-finally.ts',
];

let pairs: ResourcePool<Endpoints>;
const registered = (await checksFor(2))?.exercises ?? {};

beforeAll(async () => {
  pairs = await ResourcePool.start<Endpoints>(POOL_SIZE, async () => {
    const pair = await startReplicatedMysql();
    return { value: replicationEndpoints(pair), stop: () => pair.stop() };
  });
});

afterAll(async () => {
  await pairs?.stop();
  expect(runningExerciseChildren()).toEqual([]);
});

describe.concurrent('Lab 2: wrong implementations are rejected by the check that names their defect', () => {
  it('every Lab 2 check is made to fail by a fixture here (or, for the two named, in kit-gate-replication.test.ts)', () => {
    const rejecting = new Set([...WRONG.map((c) => c.check), '02.01.updates-and-deletes', '02.03.others-read-replica']);
    const all = Object.values(registered).flatMap((checks) => checks.map((c) => c.id));
    expect(all.filter((id) => !rejecting.has(id))).toEqual([]);
  });

  for (const c of WRONG) {
    const exercise = EXERCISES[c.fixture.slice(0, 2)];
    it(`${c.fixture} is rejected by ${c.check}`, { timeout: 90_000 }, async () => {
      const { results } = await pairs.with((endpoints) =>
        runExercise({
          labId: 2,
          exerciseId: exercise,
          file: repoPath(`checker/test/fixtures/02-wrong/${c.fixture}`),
          endpoints,
          only: [c.check, c.passing ?? PASSING[c.fixture.slice(0, 2)]],
        }),
      );
      expectRejectedPrecisely(results, c);
    });
  }
});

describe.concurrent('Lab 2: right implementations in other styles pass every check', () => {
  for (const fixture of RIGHT) {
    const exercise = EXERCISES[fixture.slice(0, 2)];
    it(`${fixture} passes every check of ${exercise}`, { timeout: 120_000 }, async () => {
      const { results } = await pairs.with((endpoints) =>
        runExercise({ labId: 2, exerciseId: exercise, file: repoPath(`checker/test/fixtures/02-right/${fixture}`), endpoints }),
      );
      expectEveryCheckPasses(
        results,
        (registered[exercise] ?? []).map((c) => c.id),
      );
    });
  }
});
