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
import { startLocalAuroraCluster } from '../../engines/aurora-local.js';
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

const lab = findLab(3) as LabMeta;

/** Checks the wrong implementations below pass (see checksToRun). */
const PASSING: PassingChecks = {
  '03.01': ['03.01.reader-endpoint', '03.01.writer-endpoint'],
  '03.02': ['03.02.writes-on-writer', '03.02.endpoint-back-later'],
  '03.03': ['03.03.finds-writer', '03.03.queries-the-writer'],
};

const WRONG: Array<WrongImplementation & { exercise: string; fixture: string }> = [
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
    message: /findWriter said labs-instance-1 \(the old writer: read the topology on every call, through an instance endpoint/,
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
  // Red team 03's wrong variants, each rejected by the check that probes its defect.
  {
    exercise: '01-who-answered',
    fixture: '01-own-identity-sql.ts',
    check: '03.01.runs-identity-sql',
    message: /identify sent "SELECT CONCAT\('labs-instance-'.* instead of ctx\.identitySql/,
  },
  {
    exercise: '01-who-answered',
    fixture: '01-no-connect-timeout.ts',
    check: '03.01.unreachable',
    message: /identify was still waiting .* an endpoint that never answers, with ctx\.timeoutMs = 500/,
  },
  {
    exercise: '01-who-answered',
    fixture: '01-leaks-on-error.ts',
    check: '03.01.closes-on-failure',
    message: /3 calls to identify whose query failed left \d+ connection\(s\) open/,
  },
  {
    exercise: '02-read-write-split',
    fixture: '02-caches-reads.ts',
    check: '03.02.reads-on-readers',
    message: /3 s after the writer added a row .* not be answered from memory/,
  },
  {
    exercise: '02-read-write-split',
    fixture: '02-rows-and-fields.ts',
    check: '03.02.reads-on-readers',
    message: /read\(ctx\.identitySql\) resolved to mysql2's \[rows, fields\] pair/,
    passing: '03.02.endpoint-back-later',
  },
  {
    exercise: '02-read-write-split',
    fixture: '02-notices-loss-late.ts',
    check: '03.02.next-call-after-loss',
    message: /the first write\(\) after the writer connection was dropped while idle failed/,
  },
  {
    exercise: '02-read-write-split',
    fixture: '02-keeps-failed-connect.ts',
    check: '03.02.endpoint-back-later',
    message: /write\(\) still failed once the cluster endpoint answered again/,
  },
  {
    exercise: '02-read-write-split',
    fixture: '02-keeps-timed-out-connection.ts',
    check: '03.02.gives-up-in-time',
    message: /the write\(\) after a statement timed out failed too/,
  },
  {
    exercise: '02-read-write-split',
    fixture: '02-leaks-concurrent-first-use.ts',
    check: '03.02.close',
    message: /after two writes and two reads at once, .* connection\(s\) were still open/,
  },
  {
    exercise: '03-topology-aware',
    fixture: '03-remembers-writer.ts',
    check: '03.03.finds-new-writer',
    message: /findWriter said labs-instance-1 \(the old writer: read the topology on every call/,
  },
  {
    exercise: '03-topology-aware',
    fixture: '03-rows-and-fields.ts',
    check: '03.03.queries-the-writer',
    message: /query\(ctx\.identitySql\) resolved to mysql2's \[rows, fields\] pair/,
  },
  {
    exercise: '03-topology-aware',
    fixture: '03-asks-first-instance-only.ts',
    check: '03.03.finds-writer-past-dead-instances',
    message: /with labs-instance-1 and the cluster endpoint refusing connections, findWriter failed/,
  },
  {
    exercise: '03-topology-aware',
    fixture: '03-guesses-writer.ts',
    check: '03.03.no-writer-found',
    message: /findWriter said .*labs-instance-1.* while no instance answered: it must reject, not guess/,
  },
  {
    exercise: '03-topology-aware',
    fixture: '03-trusts-topology.ts',
    check: '03.03.stale-topology',
    message: /with the topology naming labs-instance-2 \(read-only\) as the writer, query\(\) was answered by labs-instance-2, a reader/,
  },
  {
    exercise: '03-topology-aware',
    fixture: '03-keeps-read-only-connection.ts',
    check: '03.03.drops-read-only-connection',
    message: /after labs-instance-1 turned read-only \(its connections kept\), the second INSERT failed too/,
  },
  {
    exercise: '03-topology-aware',
    fixture: '03-no-statement-timeout.ts',
    check: '03.03.gives-up-in-time',
    message: /query\(\) was still waiting .* for a statement that never answers, with ctx\.timeoutMs = 1000/,
  },
  {
    exercise: '03-topology-aware',
    fixture: '03-find-writer-leaks.ts',
    check: '03.03.closes-connections',
    message: /3 calls to findWriter left \d+ connection\(s\) open/,
  },
];

/** Right variants in styles the reference solutions do not use (checker/test/fixtures/03-right/, first two digits = exercise): every check passes. */
const RIGHT = ['01-promise-chain-destroy.ts', '02-pool-per-endpoint.ts', '03-checks-before-every-statement.ts', '03-stateless.ts'];

let clusters: ResourcePool<Endpoints>;

beforeAll(async () => {
  clusters = await ResourcePool.start<Endpoints>(POOL_SIZE, async () => {
    const cluster = await startLocalAuroraCluster();
    return { value: { target: 'local', mysql: cluster.endpoints.writer, cluster: cluster.endpoints }, stop: () => cluster.stop() };
  });
});

afterAll(async () => {
  await clusters?.stop();
  expect(runningExerciseChildren()).toEqual([]);
});

const starting = (id: string) => startingFile(lab, id);
const solution = (id: string) => solutionFile(lab, id);
const registered = (await checksFor(3))?.exercises ?? {};

describe('lab 3: metadata, registry and files agree', () => {
  itAgreesWithMetadata(lab, registered);
});

describe.concurrent('lab 3 gate (real writer and two readers)', () => {
  for (const exercise of lab.exercises) {
    const ids = (registered[exercise.id] ?? []).map((c) => c.id);

    it(`${exercise.id}: the starting file fails every check, with a message`, async () => {
      const { results } = await clusters.with((endpoints) => runExercise({ labId: 3, exerciseId: exercise.id, file: starting(exercise.id), endpoints }));
      expectEveryCheckFails(results, ids);
    });

    it(`${exercise.id}: the solution passes every check`, async () => {
      const { results } = await clusters.with((endpoints) => runExercise({ labId: 3, exerciseId: exercise.id, file: solution(exercise.id), endpoints }));
      expectEveryCheckPasses(results, ids);
    });
  }
});

describe.concurrent('wrong implementations of Lab 3 are rejected precisely', () => {
  for (const c of WRONG) {
    it(`${c.fixture} is rejected by ${c.check}`, async () => {
      const { results } = await clusters.with((endpoints) =>
        runExercise({
          labId: 3,
          exerciseId: c.exercise,
          file: repoPath(`checker/test/fixtures/03-wrong/${c.fixture}`),
          endpoints,
          only: checksToRun(c, PASSING),
        }),
      );
      expectRejectedPrecisely(results, c);
    });
  }

  for (const fixture of RIGHT) {
    it(`${fixture} (right) passes every check`, async () => {
      const exercise = lab.exercises.find((e) => e.id.startsWith(fixture.slice(0, 2)))!;
      const { results } = await clusters.with((endpoints) =>
        runExercise({ labId: 3, exerciseId: exercise.id, file: repoPath(`checker/test/fixtures/03-right/${fixture}`), endpoints }),
      );
      expectEveryCheckPasses(
        results,
        (registered[exercise.id] ?? []).map((c) => c.id),
      );
    });
  }

  it('every Lab 3 check is made to fail by the starting files or a wrong implementation', () => {
    const covered = new Set([...WRONG.map((w) => w.check)]);
    const all = Object.values(registered).flatMap((checks) => checks.map((c) => c.id));
    // The starting files fail every check (tested above); the wrong implementations single out these.
    expect(covered.size).toBeGreaterThanOrEqual(20);
    for (const id of covered) expect(all).toContain(id);
  });
});
