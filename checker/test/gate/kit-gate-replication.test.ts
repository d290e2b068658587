/**
 * The kit gate for the labs that run on a primary and a replica (Labs 1-3),
 * generated from their metadata: every starting file fails every check with
 * a message, every solution passes every check, and each wrong
 * implementation below is rejected by the check that names its defect.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checksFor, labs } from '../../../labs/index.js';
import type { Endpoints } from '../../engines/endpoints.js';
import { startReplicatedMysql, type ReplicatedMysql } from '../../engines/replicated-mysql.js';
import { runExercise } from '../../runner/run-exercise.js';
import {
  expectEveryCheckFails,
  expectEveryCheckPasses,
  expectRejectedPrecisely,
  itAgreesWithMetadata,
  repoPath,
  runningExerciseChildren,
  solutionFile,
  startingFile,
  type WrongImplementation,
} from './support.js';

const replicationLabs = labs.filter((l) => l.status === 'ready' && l.localTopology === 'primary-and-replica');

interface WrongCase extends WrongImplementation {
  lab: number;
  exercise: string;
  fixture: string;
}

const WRONG: WrongCase[] = [
  {
    lab: 1,
    exercise: '02-failover-probe',
    fixture: '01-wrong/02-miscounts-downtime.ts',
    check: '01.02.measures-outage',
    message: /s without service; the outage lasted .* more than 0\.5 s/,
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
    message: /did not return within|waited \d+ ms for a server that never answers/,
  },
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

let pair: ReplicatedMysql;
let endpoints: Endpoints;

beforeAll(async () => {
  pair = await startReplicatedMysql();
  endpoints = {
    target: 'local',
    mysql: pair.endpoint,
    replication: {
      primary: { ...pair.primary.endpoint, serverId: pair.primary.serverId },
      replica: { ...pair.replica.endpoint, serverId: pair.replica.serverId },
      admin: { user: 'root', password: '' },
    },
  };
});

afterAll(async () => {
  await pair?.stop();
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

  describe(`lab ${lab.id} gate (real primary and replica)`, () => {
    for (const exercise of lab.exercises) {
      const ids = (registered[exercise.id] ?? []).map((c) => c.id);

      it(`${exercise.id}: the starting file fails every check, with a message`, async () => {
        const { results } = await runExercise({ labId: lab.id, exerciseId: exercise.id, file: startingFile(lab, exercise.id), endpoints });
        expectEveryCheckFails(results, ids);
      });

      it(`${exercise.id}: the solution passes every check`, async () => {
        const { results } = await runExercise({ labId: lab.id, exerciseId: exercise.id, file: solutionFile(lab, exercise.id), endpoints });
        expectEveryCheckPasses(results, ids);
      });
    }
  });
}

describe('wrong implementations of Labs 1 and 2 are rejected precisely', () => {
  for (const c of WRONG) {
    it(`${c.fixture} is rejected by ${c.check}`, async () => {
      const { results } = await runExercise({
        labId: c.lab,
        exerciseId: c.exercise,
        file: repoPath(`checker/test/fixtures/${c.fixture}`),
        endpoints,
        callTimeoutMs: 3_000,
      });
      expectRejectedPrecisely(results, c);
    });
  }
});
