/**
 * The kit gate for Lab 4 (load steps, a ramp, the resume from pause), against
 * a real mariadbd: every starting file fails every check with a message,
 * every solution passes, each wrong implementation below is rejected by the
 * check that names its defect, every check is made to fail by at least one of
 * them, the ramp measurement of a passing run is what the checker's Db saw,
 * and the capacity is read from CloudWatch only on the AWS target.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { lab04 } from '../../../labs/04-aurora-serverless/lab.js';
import { checksFor } from '../../../labs/index.js';
import { capacitySampler, MEASURED_RAMP } from '../../checks/04-aurora-serverless/session.js';
import type { Endpoints } from '../../engines/endpoints.js';
import { startLocalDatabase, type LocalDatabase } from '../../engines/local.js';
import type { RampMeasurement } from '../../load/ramp-chart.js';
import { runExercise } from '../../runner/run-exercise.js';
import {
  checksToRun,
  expectEveryCheckFails,
  expectEveryCheckPasses,
  expectRejectedPrecisely,
  itAgreesWithMetadata,
  repoPath,
  runningExerciseChildren,
  solutionFile,
  startingFile,
  type PassingChecks,
  type WrongImplementation,
} from './support.js';

const sampleServerlessCapacity = vi.hoisted(() => vi.fn(async () => 2.5));
vi.mock('../../aws/serverless-capacity.js', () => ({ sampleServerlessCapacity }));

const lab = lab04;
const registered = (await checksFor(lab.id))?.exercises ?? {};
const starting = (id: string) => startingFile(lab, id);
const solution = (id: string) => solutionFile(lab, id);

interface WrongCase extends WrongImplementation {
  fixture: string;
}

/** Checks the wrong implementations below pass (see checksToRun). */
const PASSING: PassingChecks = {
  '04.01': ['04.01.fresh-params', '04.01.duration'],
  '04.02': ['04.02.steps-grow', '04.02.capacity-per-step'],
  '04.03': ['04.03.gives-up', '04.03.clock-at-first-attempt'],
};

const WRONG: WrongCase[] = [
  {
    fixture: '01-swallows-errors.ts',
    check: '04.01.counts-errors',
    message: /runStep under-reports errors: the checker made \d+ of \d+ queries fail \(every 7th\), and runStep reported 0/,
  },
  {
    fixture: '01-retries-errors.ts',
    check: '04.01.counts-errors',
    message: /under-reports errors: .* reported \d+\. Count every failed query as an error: never swallow or retry it/,
  },
  {
    fixture: '01-sequential-workers.ts',
    check: '04.01.concurrent',
    message: /with 5 workers, at most 1 query was in flight at a time: the workers ran one after another/,
  },
  { fixture: '01-reports-one-worker.ts', check: '04.01.counts-operations', message: /runStep reported \d+ operations, but its workers sent \d+ queries/ },
  {
    fixture: '01-does-not-wait.ts',
    check: '04.01.duration',
    // Seen either as queries in flight at the return or, when none happens to be, as queries that start after it.
    message: /(runStep returned while \d+ queries were still running:|runStep had returned at [\d,]+ ms: its workers were still running -) await every worker/,
  },
  {
    fixture: '02-flat-ramp.ts',
    check: '04.02.steps-grow',
    message: /every step ran 3 queries at once \(3, 3, 3\): the ramp does not grow; .* 3, 6, 9 workers/,
  },
  {
    fixture: '02-last-step-not-awaited.ts',
    check: '04.02.step-durations',
    message: /rampLoad returned while \d+ queries were still running: await the last step|queries were still starting after rampLoad had returned/,
  },
  {
    fixture: '02-short-steps.ts',
    check: '04.02.step-durations',
    message: /step 1 sent queries for \d{3} ms \(first to last query started\); each step should last plan\.stepMs = 1,000 ms/,
  },
  {
    fixture: '02-drops-capacity.ts',
    check: '04.02.capacity-per-step',
    message: /step 1 reports capacity nothing, but ctx\.sampleCapacity\(\) returned 0\.5 right after it/,
  },
  {
    fixture: '03-wrong-moment.ts',
    check: '04.03.waits-for-resume',
    message:
      /measureResume reported \d+ ms, but from the first connection attempt to the first answer the cluster took 1,[2-9]\d\d ms: start the clock before the first attempt/,
    failsEverywhere: true,
  },
  {
    fixture: '03-hard-coded.ts',
    check: '04.03.follows-the-hold',
    message: /measureResume reported 1,200 ms for a resume that took 2,3\d\d ms from the first attempt to the first answer: measure it every time/,
  },
  {
    fixture: '03-single-attempt.ts',
    check: '04.03.retries-refused',
    message: /measureResume gave up after 1 attempt, all refused while the cluster was resuming .*keep trying until a connection works/,
    passing: '04.03.clock-at-first-attempt',
  },
  // Found by the blind red team (redteam-04): each proves a rejection added for it.
  {
    fixture: '01-reused-params.ts',
    check: '04.01.fresh-params',
    message: /the first \d+ queries carried only 1 different parameter lists: call ctx\.workload\.params\(\) for every query/,
  },
  {
    fixture: '01-staggered-start.ts',
    check: '04.01.concurrent',
    message: /the 5 workers all had a query in flight only [\d,]+ ms after the first query, when the first answers took 250 ms: start every worker at once/,
  },
  {
    fixture: '01-capped-workers.ts',
    check: '04.01.many-workers',
    message: /with 40 workers, at most 16 queries were in flight at once: run all 40 workers, without a cap/,
  },
  {
    fixture: '01-elapsed-is-duration.ts',
    check: '04.01.duration',
    message: /runStep reported elapsedMs 1,200 ms, but its workers ran [\d,]+ ms from the first query sent to the last answered/,
  },
  {
    fixture: '01-counts-carried-over.ts',
    check: '04.01.counts-errors',
    message:
      /runStep reported \d+ operations, but its workers sent \d+ queries in this call \(\d+ more in earlier calls\): start the counts at 0 in every call/,
  },
  {
    fixture: '02-zero-for-no-capacity.ts',
    check: '04.02.capacity-per-step',
    message: /step 2 reports capacity 0, but ctx\.sampleCapacity\(\) returned undefined \(nothing to read\) right after it: keep it undefined/,
  },
  {
    fixture: '02-waits-before-sampling.ts',
    check: '04.02.capacity-per-step',
    message: /the capacity after step 1 was read [\d,]+ ms after the step's last query had ended: read it right after each step, without waiting/,
  },
  {
    fixture: '02-stops-on-errors.ts',
    check: '04.02.steps-grow',
    message: /rampLoad stopped after step \d of 3, in which \d+ queries failed: a step with errors is part of the ramp/,
    passing: '04.02.second-ramp',
  },
  {
    fixture: '02-skips-last-step.ts',
    check: '04.02.steps-grow',
    message: /rampLoad ran 2 of 3 steps and returned their results: step k runs for every k from 1 to plan\.steps \(the last step included\)/,
    failsEverywhere: true,
  },
  {
    fixture: '02-history-across-calls.ts',
    check: '04.02.second-ramp',
    message: /the second rampLoad call, with a plan of 2 steps, returned 5 step results: return only this call's steps/,
  },
  {
    fixture: '02-capped-at-64.ts',
    check: '04.02.second-ramp',
    message: /ran 36, 64 queries at once; step k should run k x plan\.workersPerStep = 36, 72 workers, with no cap/,
  },
  { fixture: '03-ping-not-select.ts', check: '04.03.waits-for-resume', message: /measureResume's connections never ran SELECT 1 \(they sent ping\)/ },
  {
    fixture: '03-overlapping-attempts.ts',
    check: '04.03.waits-for-resume',
    message: /measureResume had \d+ connection attempts waiting at once: start the next attempt only once the previous one has failed/,
  },
  {
    fixture: '03-no-pause.ts',
    check: '04.03.retries-refused',
    message: /measureResume tried again \d+ ms after a refused attempt .*wait a little \(100-200 ms\)/,
  },
  {
    fixture: '03-no-connect-timeout.ts',
    check: '04.03.connect-timeout',
    message: /measureResume's first attempt waited [\d,]+ ms for a resuming cluster, but ctx\.connectTimeoutMs was 400 ms: pass connectTimeout/,
  },
  {
    fixture: '03-failed-select-left-open.ts',
    check: '04.03.retries-failed-select',
    message: /measureResume left 1 connection open after SELECT 1 failed on one: end \(or destroy\) the connection of a failed attempt too/,
  },
  {
    fixture: '03-pause-before-first.ts',
    check: '04.03.clock-at-first-attempt',
    message: /in 4 short resumes measureResume reported at least \d+ ms more than the time from its first attempt to the answer of SELECT 1/,
  },
  {
    fixture: '03-returns-at-give-up.ts',
    check: '04.03.gives-up',
    message: /measureResume returned [\d.]+ though the cluster never answered: when ctx\.giveUpMs \(1,500 ms\) passes without an answer, throw/,
  },
];

/** Right implementations in styles the reference solutions do not use (checker/test/fixtures/04-right/, first two digits = exercise). */
const RIGHT = ['01-promise-chain-workers.ts', '02-reduce-chain-omits-undefined.ts', '03-callback-api.ts', '03-recursive-execute.ts'];

let database: LocalDatabase;
let endpoints: Endpoints;

beforeAll(async () => {
  database = await startLocalDatabase();
  endpoints = database.endpoints;
});

afterAll(async () => {
  await database?.stop();
  expect(runningExerciseChildren()).toEqual([]);
});

describe('lab 4: metadata, registry and files agree', () => {
  itAgreesWithMetadata(lab, registered);

  it('names the ramp as the measurement after a pass', async () => {
    expect((await checksFor(lab.id))?.measurement).toMatchObject({ exercise: '02-ramp', name: 'load-ramp' });
  });

  it('makes every check fail with at least one wrong implementation', () => {
    const covered = new Set(WRONG.map((w) => w.check));
    expect(
      Object.values(registered)
        .flat()
        .map((c) => c.id)
        .filter((id) => !covered.has(id)),
    ).toEqual([]);
  });
});

describe('lab 4: the capacity reading', () => {
  it('is undefined on the local target, without loading the CloudWatch reader', async () => {
    sampleServerlessCapacity.mockClear();
    expect(await capacitySampler({ target: 'local', mysql: endpoints.mysql })()).toBeUndefined();
    expect(sampleServerlessCapacity).not.toHaveBeenCalled();
  });

  it('asks CloudWatch (sampleServerlessCapacity) for the deployed cluster on the AWS target', async () => {
    const aws = { region: 'eu-west-1', clusterId: 'lab04-cluster' };
    expect(await capacitySampler({ target: 'aws', mysql: endpoints.mysql, aws })()).toBe(2.5);
    expect(sampleServerlessCapacity).toHaveBeenCalledWith(aws);
  });
});

describe('lab 4 gate (real mariadbd)', () => {
  for (const exercise of lab.exercises) {
    const ids = () => (registered[exercise.id] ?? []).map((c) => c.id);

    it(`${exercise.id}: the starting file fails every check, with a message`, async () => {
      const { results } = await runExercise({ labId: lab.id, exerciseId: exercise.id, file: starting(exercise.id), endpoints });
      expectEveryCheckFails(results, ids(), /not written yet: it still throws the starting TODO/);
    });

    it(`${exercise.id}: the solution passes every check`, async () => {
      const { results } = await runExercise({ labId: lab.id, exerciseId: exercise.id, file: solution(exercise.id), endpoints });
      expectEveryCheckPasses(results, ids());
    });
  }

  it('measures the ramp from what the checker saw: growing steps, throughput per step, capacity skipped locally', async () => {
    const events: string[] = [];
    const run = await runExercise({
      labId: lab.id,
      exerciseId: '02-ramp',
      file: solution('02-ramp'),
      endpoints,
      only: [],
      measure: 'load-ramp',
      onEvent: (e) => events.push(e),
    });
    // The CLI's progress line follows the ramp step by step.
    expect(events.filter((e) => e.startsWith('progress:'))).toEqual(
      [1, 2, 3].map((k) => expect.stringMatching(new RegExp(`^progress:\\[[#.]{20}\\]\\s+\\d+% step ${k} of 3$`))),
    );
    const m = run.measurement as RampMeasurement;
    const plan = MEASURED_RAMP.local;
    expect(m.target).toBe('local');
    expect(m.plan).toEqual(plan);
    expect(m.steps.map((s) => s.workers)).toEqual([1, 2, 3].map((k) => k * plan.workersPerStep));
    for (const s of m.steps) {
      expect(s.operations).toBeGreaterThan(0);
      expect(s.errors).toBe(0);
      expect(Math.abs(s.elapsedMs - plan.stepMs)).toBeLessThan(300);
      expect(s.opsPerSecond).toBeCloseTo((s.operations * 1000) / s.elapsedMs, -2);
      expect(s.capacity).toBeUndefined();
      expect(s.p50Ms).toBeGreaterThan(0);
      expect(s.p95Ms).toBeGreaterThanOrEqual(s.p50Ms!);
    }
    expect(m.capacity).toBe('skipped');
    expect(m.capacityNote).toMatch(/skipped, needs AWS/);
  });
});

describe('wrong implementations of Lab 4 are rejected precisely', () => {
  for (const c of WRONG) {
    it(`${c.fixture} is rejected by ${c.check}`, async () => {
      const exercise = lab.exercises.find((e) => e.id.startsWith(c.fixture.slice(0, 2)))!;
      const { results } = await runExercise({
        labId: lab.id,
        exerciseId: exercise.id,
        file: repoPath(`checker/test/fixtures/04-wrong/${c.fixture}`),
        endpoints,
        only: checksToRun(c, PASSING),
      });
      expectRejectedPrecisely(results, c);
    });
  }
});

describe('right implementations of Lab 4 in other styles pass every check', () => {
  for (const fixture of RIGHT) {
    it(`${fixture} passes every check`, async () => {
      const exercise = lab.exercises.find((e) => e.id.startsWith(fixture.slice(0, 2)))!;
      const { results } = await runExercise({ labId: lab.id, exerciseId: exercise.id, file: repoPath(`checker/test/fixtures/04-right/${fixture}`), endpoints });
      expectEveryCheckPasses(
        results,
        (registered[exercise.id] ?? []).map((c) => c.id),
      );
    });
  }
});
