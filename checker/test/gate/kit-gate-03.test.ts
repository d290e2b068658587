/**
 * The kit gate for Lab 3 on a real local cluster (a writer and two readers):
 * every starting file fails every check with a message, every solution
 * passes, and each wrong implementation is rejected by the check that names
 * its defect.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findLab } from '../../../labs/index.js';
import type { LabMeta } from '../../core/lab.js';
import { checksFor } from '../../../labs/index.js';
import type { Endpoints } from '../../engines/endpoints.js';
import { startLocalAuroraCluster, type LocalAuroraCluster } from '../../engines/aurora-local.js';
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
} from './support.js';

const lab = findLab(3) as LabMeta;

const WRONG = [
  {
    exercise: '01-who-answered',
    fixture: '01-hard-coded.ts',
    check: '03.01.every-instance',
    message: /identify\(ctx\.instance\('labs-instance-1'\)\) said labs-instance-2/,
  },
  {
    exercise: '01-who-answered',
    fixture: '01-leaks-connections.ts',
    check: '03.01.closes-connection',
    message: /5 calls to identify left \d+ connection\(s\) open/,
  },
  {
    exercise: '02-read-write-split',
    fixture: '02-reads-on-writer.ts',
    check: '03.02.reads-on-readers',
    message: /read\(\) was answered by labs-instance-1, the writer .* reads belong on the reader endpoint/,
  },
  {
    exercise: '02-read-write-split',
    fixture: '02-never-reconnects.ts',
    check: '03.02.reconnects',
    message: /4 s after the failover .* write\(\) still failed/,
  },
  {
    exercise: '03-topology-aware',
    fixture: '03-writer-from-dns.ts',
    check: '03.03.finds-new-writer',
    message: /findWriter said labs-instance-1 \(the old writer, still behind the cluster endpoint\)/,
  },
  {
    exercise: '03-topology-aware',
    fixture: '03-never-re-resolves.ts',
    check: '03.03.follows-failover',
    message: /answered by labs-instance-1, a reader|had not reached the new writer/,
  },
  {
    exercise: '03-topology-aware',
    fixture: '03-dns-only.ts',
    check: '03.03.follows-failover',
    message: /answered by labs-instance-1, a reader: the client trusted a connection/,
  },
];

let cluster: LocalAuroraCluster;
let endpoints: Endpoints;

beforeAll(async () => {
  cluster = await startLocalAuroraCluster();
  endpoints = { target: 'local', mysql: cluster.endpoints.writer, cluster: cluster.endpoints };
});

afterAll(async () => {
  await cluster?.stop();
  expect(runningExerciseChildren()).toEqual([]);
});

const starting = (id: string) => startingFile(lab, id);
const solution = (id: string) => solutionFile(lab, id);
const registered = (await checksFor(3))?.exercises ?? {};

describe('lab 3: metadata, registry and files agree', () => {
  itAgreesWithMetadata(lab, registered);
});

describe('lab 3 gate (real writer and two readers)', () => {
  for (const exercise of lab.exercises) {
    const ids = (registered[exercise.id] ?? []).map((c) => c.id);

    it(`${exercise.id}: the starting file fails every check, with a message`, async () => {
      const { results } = await runExercise({ labId: 3, exerciseId: exercise.id, file: starting(exercise.id), endpoints });
      expectEveryCheckFails(results, ids);
    });

    it(`${exercise.id}: the solution passes every check`, async () => {
      const { results } = await runExercise({ labId: 3, exerciseId: exercise.id, file: solution(exercise.id), endpoints });
      expectEveryCheckPasses(results, ids);
    });
  }
});

describe('wrong implementations of Lab 3 are rejected precisely', () => {
  for (const c of WRONG) {
    it(`${c.fixture} is rejected by ${c.check}`, async () => {
      const { results } = await runExercise({ labId: 3, exerciseId: c.exercise, file: repoPath(`checker/test/fixtures/03-wrong/${c.fixture}`), endpoints });
      expectRejectedPrecisely(results, c);
    });
  }

  it('every Lab 3 check is made to fail by the starting files or a wrong implementation', () => {
    const covered = new Set([...WRONG.map((w) => w.check)]);
    const all = Object.values(registered).flatMap((checks) => checks.map((c) => c.id));
    // The starting files fail every check (tested above); the wrong implementations single out these.
    expect(covered.size).toBeGreaterThanOrEqual(6);
    for (const id of covered) expect(all).toContain(id);
  });
});
