/**
 * The kit gate for the labs that run on a primary and a replica (Labs 1-3),
 * generated from their metadata: every starting file fails every check with
 * a message, every solution passes every check, and each wrong
 * implementation below is rejected by the check that names its defect.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checksFor, labs } from '../../../labs/index.js';
import type { Endpoints } from '../../engines/endpoints.js';
import { replicationEndpoints, startReplicatedMysql } from '../../engines/replicated-mysql.js';
import { runExercise } from '../../runner/run-exercise.js';
import {
  checksToRun,
  expectEveryCheckFails,
  expectEveryCheckPasses,
  expectRejectedPrecisely,
  itAgreesWithMetadata,
  POOL_SIZE,
  ResourcePool,
  repoPath,
  runningExerciseChildren,
  solutionFile,
  startingFile,
  type PassingChecks,
  type WrongImplementation,
} from './support.js';

const replicationLabs = labs.filter((l) => l.status === 'ready' && l.localTopology === 'primary-and-replica');

interface WrongCase extends WrongImplementation {
  lab: number;
  exercise: string;
  fixture: string;
}

/** Lab 1's red-team cases: checker/test/fixtures/01-wrong/<file>, rejected by check 01.<exercise>.<check>. */
function lab1Wrong(exercise: string, cases: Array<[string, string, RegExp]>): WrongCase[] {
  return cases.map(([file, check, message]) => ({ lab: 1, exercise, fixture: `01-wrong/${file}`, check: `01.${exercise.slice(0, 2)}.${check}`, message }));
}

/** Right Lab 1 files in styles the solutions do not use (checker/test/fixtures/01-right/, first two digits = exercise): every check passes. */
const LAB1_RIGHT = ['01-transaction-bulk-values.ts', '01-rows-as-array-promise-chain.ts', '02-driver-timeouts-timer-loop.ts', '02-fixed-delay-abort-signal.ts'];

/** Checks the wrong implementations below pass (see checksToRun). */
const PASSING: PassingChecks = {
  '01.01': ['01.01.table-created', '01.01.connects'],
  '01.02': ['01.02.probe-live', '01.02.new-connection'],
  '02.01': ['02.01.writes-to-primary', '02.01.errors-reach-caller'],
  '02.02': ['02.02.insert-refused', '02.02.unique-tokens'],
  '02.03': ['02.03.fresh-router', '02.03.others-read-replica'],
};

const WRONG: WrongCase[] = [
  {
    lab: 1,
    exercise: '02-failover-probe',
    fixture: '01-wrong/02-miscounts-downtime.ts',
    check: '01.02.measures-outage',
    message: /s without service; its attempts show .* off by/,
  },
  // A kept connection answers from the old server whatever happens to the endpoint: even "nothing listens" looks fine.
  {
    lab: 1,
    exercise: '02-failover-probe',
    fixture: '01-wrong/02-keeps-one-connection.ts',
    check: '01.02.probe-down',
    message: /closed port returned \{"ok":true/,
  },
  {
    lab: 1,
    exercise: '02-failover-probe',
    fixture: '01-wrong/02-no-timeout.ts',
    check: '01.02.probe-timeout',
    message: /did not (return|finish) within|took \d+ ms on a server that accepts the connection and never answers/,
  },
  ...lab1Wrong('01-connect-and-query', [
    ['01-connect-ignores-timeout.ts', 'connect-timeout', /connect\(\) waited \d+ ms for an endpoint that never answers, with ctx\.timeoutMs 400/],
    ['01-connect-from-pool.ts', 'connects', /after end\(\) .* stayed open: return a connection of your own/],
    ['01-drop-and-create.ts', 'table-created', /a second createUsersTable call left 0 of the 1 stored user/],
    ['01-insert-ignore.ts', 'users-inserted', /resolved for a user whose email is already stored/],
    ['01-inserts-not-awaited.ts', 'users-inserted', /returned while \d+ of its statements were still running/],
    ['01-values-in-sql-text.ts', 'users-inserted', /put the users' values into the SQL text/],
    ['01-select-star.ts', 'users-listed', /with the fields .*created_at.*: return exactly \{ id, name, email \}/],
    ['01-list-cached.ts', 'users-listed', /after one more user was added returned 120 of the 121 users/],
  ]),
  ...lab1Wrong('02-failover-probe', [
    ['02-module-connection.ts', 'new-connection', /opened [01] connection\(s\): a probe must open a new connection on every attempt/],
    ['02-no-query-timeout.ts', 'probe-stalled-query', /took \d+ ms when the server completed the handshake and never answered SELECT @@server_id/],
    ['02-rethrows-query-errors.ts', 'probe-query-error', /probeOnce threw when SELECT @@server_id failed with error 1053/],
    ['02-retries-hide-failures.ts', 'measures-outage', /reported \d+ (attempts but opened \d+ connections|failures, but \d+ of its attempts met an outage)/],
    ['02-drops-open-outage.ts', 'open-outage', /never ended: count an outage still open at the end up to the end of the run/],
    ['02-servers-as-set.ts', 'reconnects', /for a failover and a failback, expected \[\d+,\d+,\d+\]/],
  ]),
  {
    lab: 2,
    exercise: '01-read-write-router',
    fixture: '02-wrong/01-reads-to-primary.ts',
    check: '02.01.reads-to-replica',
    message: /answered by the primary .* reads should go to the replica/,
  },
  {
    lab: 2,
    exercise: '01-read-write-router',
    fixture: '02-wrong/01-writes-to-replica.ts',
    check: '02.01.updates-and-deletes',
    message: /to the replica, which refused it \(error 1290, read-only\)/,
  },
  {
    lab: 2,
    exercise: '02-lag-probe',
    fixture: '02-wrong/02-polls-primary.ts',
    check: '02.02.measures-held-back-replica',
    message: /is it reading the primary/,
    failsEverywhere: true,
  },
  {
    lab: 2,
    exercise: '03-read-your-writes',
    fixture: '02-wrong/03-no-window.ts',
    check: '02.03.own-write-read-on-primary',
    message: /may not see her own change/,
  },
  {
    lab: 2,
    exercise: '03-read-your-writes',
    fixture: '02-wrong/03-sticky-for-everyone.ts',
    check: '02.03.others-read-replica',
    message: /only the writer should be sent to the primary/,
  },
  {
    lab: 2,
    exercise: '03-read-your-writes',
    fixture: '02-wrong/03-window-hardcoded.ts',
    check: '02.03.window-ends',
    message: /with ctx\.stickyMs = 600, ada was answered by the primary/,
  },
];

let pairs: ResourcePool<Endpoints>;

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

it('covers Labs 1 and 2', () => {
  expect(replicationLabs.map((l) => l.id)).toEqual(expect.arrayContaining([1, 2]));
});

for (const lab of replicationLabs) {
  const registered = (await checksFor(lab.id))?.exercises ?? {};

  describe(`lab ${lab.id}: metadata, registry and files agree`, () => {
    itAgreesWithMetadata(lab, registered);
  });

  describe.concurrent(`lab ${lab.id} gate (real primary and replica)`, () => {
    for (const exercise of lab.exercises) {
      const ids = (registered[exercise.id] ?? []).map((c) => c.id);

      it(`${exercise.id}: the starting file fails every check, with a message`, async () => {
        const { results } = await pairs.with((endpoints) =>
          runExercise({ labId: lab.id, exerciseId: exercise.id, file: startingFile(lab, exercise.id), endpoints }),
        );
        expectEveryCheckFails(results, ids);
      });

      it(`${exercise.id}: the solution passes every check`, async () => {
        const { results } = await pairs.with((endpoints) =>
          runExercise({ labId: lab.id, exerciseId: exercise.id, file: solutionFile(lab, exercise.id), endpoints }),
        );
        expectEveryCheckPasses(results, ids);
      });
    }
  });
}

describe.concurrent('wrong implementations of Labs 1 and 2 are rejected precisely', () => {
  for (const c of WRONG) {
    it(`${c.fixture} is rejected by ${c.check}`, async () => {
      const { results } = await pairs.with((endpoints) =>
        runExercise({
          labId: c.lab,
          exerciseId: c.exercise,
          file: repoPath(`checker/test/fixtures/${c.fixture}`),
          endpoints,
          callTimeoutMs: 3_000,
          only: checksToRun(c, PASSING),
        }),
      );
      expectRejectedPrecisely(results, c);
    });
  }
});

describe.concurrent('right Lab 1 files in other styles pass every check', () => {
  const lab1 = replicationLabs.find((l) => l.id === 1)!;
  for (const fixture of LAB1_RIGHT) {
    it(`${fixture} passes every check`, async () => {
      const exercise = lab1.exercises.find((e) => e.id.startsWith(fixture.slice(0, 2)))!;
      const ids = ((await checksFor(1))?.exercises[exercise.id] ?? []).map((c) => c.id);
      const { results } = await pairs.with((endpoints) =>
        runExercise({
          labId: 1,
          exerciseId: exercise.id,
          file: repoPath(`checker/test/fixtures/01-right/${fixture}`),
          endpoints,
          callTimeoutMs: 3_000,
        }),
      );
      expectEveryCheckPasses(results, ids);
    });
  }
});
