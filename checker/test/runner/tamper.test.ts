/**
 * The tamper suite: learner files that try to get a pass without doing the
 * work (checker/test/fixtures/05-tamper/, each names its attempt at the top).
 * The checks run in the checker's process and the learner's file in a
 * confined one of its own, reached only through stubs, so every attempt must
 * end `fail` - never `pass`, never a hang, nothing left running, nothing
 * written into the kit.
 */
import { existsSync, rmSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult } from '../../core/result.js';
import { startLocalEngines, type LocalEngines } from '../../engines/local.js';
import { runExercise } from '../../runner/run-exercise.js';
import type { CacheMeasurement } from '../../checks/05-elasticache-redis/measure.js';
import { describeResults, repoPath, runningExerciseChildren } from '../gate/support.js';

const EXERCISE = '02-cache-aside';
const fixture = (name: string) => repoPath(`checker/test/fixtures/05-tamper/${name}`);
/** Where two fixtures try to write inside the kit. */
const PROBES = [repoPath('checker/.tamper-probe'), repoPath('checker/.tamper-probe-2')];

let engines: LocalEngines | undefined;

beforeAll(async () => {
  engines = await startLocalEngines();
});

afterAll(async () => {
  await engines?.stop();
  for (const probe of PROBES) rmSync(probe, { force: true });
});

afterEach(() => {
  expect(runningExerciseChildren(), 'an exercise process was left running').toEqual([]);
  for (const probe of PROBES) expect(existsSync(probe), `${probe} was written by learner code`).toBe(false);
});

async function run(name: string): Promise<{ results: CheckResult[]; all: string; byId: Record<string, CheckResult> }> {
  const { results } = await runExercise({ labId: 5, exerciseId: EXERCISE, file: fixture(name), endpoints: engines!.endpoints });
  return { results, all: describeResults(results), byId: Object.fromEntries(results.map((r) => [r.id.replace('05.02.', ''), r])) };
}

function expectNoPass(results: CheckResult[], all: string): void {
  expect(results.length).toBeGreaterThan(0);
  for (const r of results) expect(r.status, all).toBe('fail');
}

describe('learner code cannot write its verdict', () => {
  it('replacing process.send changes nothing: the unwritten functions fail every check', async () => {
    const { results, all } = await run('replaces-process-send.ts');
    expectNoPass(results, all);
  });

  it('forged result messages followed by an exit: every check fails as "ended early"', async () => {
    const { results, all } = await run('forges-results-and-exits.ts');
    expectNoPass(results, all);
    for (const r of results) expect(r.message, all).toMatch(/^not run: the exercise process ended early/);
  });

  it("patching the TTL readers in the learner's process does not hide a missing TTL: the checker reads it from Redis", async () => {
    const { byId, all } = await run('patches-ttl-readers.ts');
    expect(byId['ttl-bounded'].status, all).toBe('fail');
    expect(byId['ttl-bounded'].message, all).toMatch(/no TTL/);
  });

  it('the Db it is given has only query(): no private connection to go around the count, no counters to reset', async () => {
    const { byId, all } = await run('uncounted-queries.ts');
    for (const id of ['first-read', 'repeat-read']) expect(byId[id].status, all).toBe('fail');
    expect(byId['first-read'].message, all).toMatch(/not in Redis|cache is never filled/);
  });

  it('call messages written by hand reach only the methods handed out: the counters cannot be reset from learner code', async () => {
    const { byId, all } = await run('calls-hidden-methods.ts');
    expect(byId['repeat-read'].status, all).toBe('fail');
    expect(byId['repeat-read'].message, all).toMatch(/^3 repeat reads of user 1 sent 3 queries/);
  });
});

describe('learner code cannot change the kit', () => {
  it('writing into the kit is refused while the file loads, and the refusal is the reason given', async () => {
    const { results, all } = await run('rewrites-the-kit.ts');
    expectNoPass(results, all);
    expect(results[0].message, all).toMatch(
      /rewrites-the-kit\.ts failed while loading: the module tried to write a file \(.*checker\/\.tamper-probe\), which exercise code may not do/,
    );
  });

  it("reading outside the kit (/proc, where redis-server's command line holds the checker's password) is refused", async () => {
    const { results, all } = await run('reads-engine-passwords.ts');
    expectNoPass(results, all);
    expect(results[0].message, all).toMatch(
      /reads-engine-passwords\.ts failed while loading: the module tried to read a file \(\/proc.*\), which exercise code may not do/,
    );
  });

  it('starting a process (to write from outside the confinement) is refused', async () => {
    const { results, all } = await run('starts-a-checker-of-its-own.ts');
    expectNoPass(results, all);
    expect(all).toMatch(/cacheAside tried to start a process, which exercise code may not do/);
  });
});

describe('the cache speed-up cannot be forged from learner code', () => {
  it('an in-process copy served after warming is timed no faster than a Redis GET', async () => {
    const { results, measurement } = await runExercise({
      labId: 5,
      exerciseId: EXERCISE,
      file: fixture('memoises-for-the-measurement.ts'),
      endpoints: engines!.endpoints,
      only: [],
      measure: 'cache-speedup',
      checkTimeoutMs: 120_000,
    });
    expect(results).toEqual([]);
    const { comparisons } = measurement as CacheMeasurement;
    expect(comparisons).toHaveLength(2);
    for (const c of comparisons) {
      expect(c.cacheOwnMs).toBeGreaterThan(0);
      expect(c.speedup).toBeCloseTo(c.database.p50 / c.cacheOwnMs, 6);
    }
    // On loopback a primary-key SELECT and a GET take about as long: no cache can read as 20x faster here.
    const pk = comparisons.find((c) => c.label.includes('primary key'))!;
    expect(pk.speedup, JSON.stringify(pk)).toBeLessThan(20);
  });
});

describe('the engines the checks read are out of learner code’s reach', () => {
  it("signing in as root to switch off the general log fails: root has this checker's password, so the hidden queries are counted", async () => {
    const { results } = await runExercise({
      labId: 7,
      exerciseId: '02-read-through',
      file: repoPath('checker/test/fixtures/07-tamper/02-hides-queries-as-root.ts'),
      endpoints: engines!.endpoints,
    });
    const all = describeResults(results);
    const repeat = results.find((r) => r.id === '07.02.repeat-read');
    expect(repeat?.status, all).toBe('fail');
    expect(repeat?.message, all).toMatch(/3 repeat GET \/users\/1 sent [1-9]\d* queries for users to the database; expected 0/);
  });
});
