/**
 * The exercise runner against learner files that break in every way a
 * learner's file can break (checker/test/fixtures/05-broken/): each must be
 * reported as a failure that says what happened and where - never as a pass,
 * never as a hang - and no exercise process may outlive its run.
 */
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult } from '../../core/result.js';
import { freePort, startLocalEngines, type LocalEngines } from '../../engines/local.js';
import type { CacheEndpoints } from '../../engines/endpoints.js';
import { checksFor } from '../../../labs/index.js';
import { LOAD_HINT, runExercise, type RunExerciseOptions } from '../../runner/run-exercise.js';
import { renderCheck } from '../../render/terminal.js';
import { makeChalk } from '../../cli/terminal.js';
import { describeResults, repoPath, runningExerciseChildren } from '../gate/support.js';

const EXERCISE = '01-redis-basics';
const CHECK_IDS = ((await checksFor(5))?.exercises[EXERCISE] ?? []).map((c) => c.id);
const fixture = (name: string) => repoPath(`checker/test/fixtures/05-broken/${name}`);
const label = (name: string) => `checker/test/fixtures/05-broken/${name}`;
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** 1-based line of the first line of a fixture containing `needle`. */
function lineOf(name: string, needle: string): number {
  const index = readFileSync(fixture(name), 'utf8')
    .split('\n')
    .findIndex((line) => line.includes(needle));
  if (index < 0) throw new Error(`${needle} is not in ${name}`);
  return index + 1;
}

let engines: LocalEngines | undefined;
let endpoints: CacheEndpoints;

beforeAll(async () => {
  engines = await startLocalEngines();
  endpoints = engines.endpoints;
});

afterAll(async () => {
  await engines?.stop();
});

afterEach(() => {
  expect(runningExerciseChildren(), 'an exercise process was left running').toEqual([]);
});

async function run(name: string, options: Partial<RunExerciseOptions> = {}): Promise<{ results: CheckResult[]; all: string }> {
  const { results } = await runExercise({ labId: 5, exerciseId: EXERCISE, file: fixture(name), endpoints, ...options });
  return { results, all: describeResults(results) };
}

/**
 * A file that does not load: every check fails (the kit gate's rule), the
 * reason is on the first check only, with a hint about loading rather than
 * the check's own, and the rendered run shows the reason once.
 */
function expectSaidOnce(results: CheckResult[], all: string, reason: RegExp, name: string): void {
  for (const r of results) expect(r.status, all).toBe('fail');
  const [first, ...rest] = results;
  expect(first.message, all).toMatch(reason);
  expect(first.hint).toBe(LOAD_HINT);
  for (const r of rest) {
    expect(r.message, all).toBe(`not run: ${label(name)} did not load (the reason is under the first check of this exercise)`);
    expect(r.hint, all).toBeUndefined();
  }
  const rendered = results.map((r) => renderCheck(makeChalk({ noColor: true }), r)).join('\n');
  expect(rendered.split(first.message).length - 1, rendered).toBe(1);
  expect(rendered.match(/hint:/g), rendered).toHaveLength(1);
}

function expectNoPass(results: CheckResult[], all: string): void {
  expect(
    results.filter((r) => r.status === 'pass').map((r) => r.id),
    `a broken file passed:\n${all}`,
  ).toEqual([]);
}

describe('learner files that break are reported as failures, with the reason', () => {
  it('a function that throws: every check fails naming the function, the error and the file:line', async () => {
    const name = 'throws.ts';
    const { results, all } = await run(name);
    expect(results.map((r) => r.id)).toEqual(CHECK_IDS);
    for (const r of results) {
      expect(r.status, all).toBe('fail');
      expect(r.message, all).toMatch(new RegExp(`threw .*\\(at ${escape(label(name))}:\\d+\\)$`));
    }
    const byId = Object.fromEntries(results.map((r) => [r.id, r.message]));
    expect(byId['05.01.string-stored']).toMatch(/^saveGreeting threw TypeError: Cannot read properties of undefined/);
    expect(byId['05.01.string-stored']).toContain(`${label(name)}:${lineOf(name, 'settings.prefixes!.greeting')})`);
    expect(byId['05.01.string-read']).toMatch(/^readGreeting threw RangeError: no greeting for grace/);
    expect(byId['05.01.string-read']).toContain(`:${lineOf(name, 'throw new RangeError')})`);
    expect(byId['05.01.hash-stored']).toMatch(/^saveProfile threw SyntaxError/);
    expect(byId['05.01.ttl-set']).toContain(`:${lineOf(name, 'parts[3].trim()')})`);
  });

  it('a module that throws while loading: every check fails; "failed while loading" and the line are said once', async () => {
    const name = 'throws-on-load.ts';
    const { results, all } = await run(name);
    expect(results.map((r) => r.id)).toEqual(CHECK_IDS);
    const line = lineOf(name, 'config.otp!.ttl');
    expectSaidOnce(results, all, new RegExp(`^${escape(label(name))} failed while loading: .*TypeError.*\\(at ${escape(label(name))}:${line}\\)`), name);
  });

  it('a ReferenceError while loading: every check fails; the error and its line are said once', async () => {
    const name = 'reference-error-on-load.ts';
    const { results, all } = await run(name);
    expect(results.map((r) => r.id)).toEqual(CHECK_IDS);
    const line = lineOf(name, 'otpSetings.ttl');
    expectSaidOnce(
      results,
      all,
      new RegExp(
        `^${escape(label(name))} failed while loading: the module threw ReferenceError: otpSetings is not defined \\(at ${escape(label(name))}:${line}\\)`,
      ),
      name,
    );
  });

  it('a promise that never settles: each call is abandoned after callTimeoutMs with "did not return within"', async () => {
    const started = Date.now();
    const { results, all } = await run('hangs.ts', { callTimeoutMs: 500 });
    expect(results.map((r) => r.id)).toEqual(CHECK_IDS);
    for (const r of results) {
      expect(r.status, all).toBe('fail');
      expect(r.message, all).toMatch(/^\w+ did not return within 0\.5 s: .*checker\/test\/fixtures\/05-broken\/hangs\.ts/);
    }
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('a synchronous infinite loop: the runner kills the process; the rest is reported as not run', async () => {
    const started = Date.now();
    const { results, all } = await run('infinite-loop.ts', { checkTimeoutMs: 3_000 });
    expect(Date.now() - started, 'the run should end soon after checkTimeoutMs').toBeLessThan(20_000);
    expect(results.map((r) => r.id)).toEqual(CHECK_IDS);
    expectNoPass(results, all);
    const [first, ...rest] = results;
    expect(first.status).toBe('fail');
    expect(first.message).toMatch(/^did not finish within 3 s, so the checker stopped it: .*infinite-loop\.ts/);
    for (const r of rest) {
      expect(r.status, all).toBe('fail');
      expect(r.message, all).toMatch(
        /^not run: the check "saveGreeting stores a string under greeting:<name>" had to be stopped first\. did not finish within 3 s/,
      );
    }
  });

  it('a file that does not compile: every check fails; "does not compile" and the line are said once', async () => {
    const name = 'does-not-compile.ts';
    const { results, all } = await run(name);
    expect(results.map((r) => r.id)).toEqual(CHECK_IDS);
    const line = lineOf(name, 'return ctx.redis.get(`greeting:${name}`;');
    expectSaidOnce(results, all, new RegExp(`^${escape(label(name))} does not compile: line ${line}, column \\d+: .+`), name);
  });

  it('a missing or renamed export: the checks that need it fail with "does not export a function named"', async () => {
    const only = ['05.01.hash-stored', '05.01.hash-read'];
    const { results, all } = await run('missing-export.ts', { only });
    expect(results.map((r) => r.id)).toEqual(only);
    expectNoPass(results, all);
    expect(results[0].message).toBe(`${label('missing-export.ts')} does not export a function named saveProfile`);
    expect(results[1].message).toBe(`${label('missing-export.ts')} does not export a function named readProfile`);
  });

  it('functions exported as one default object: every check fails with "does not export a function named"', async () => {
    const { results, all } = await run('default-export.ts');
    expect(results.map((r) => r.id)).toEqual(CHECK_IDS);
    for (const r of results) {
      expect(r.status, all).toBe('fail');
      expect(r.message, all).toMatch(/default-export\.ts does not export a function named \w+$/);
    }
  });

  it('process.exit(0) in learner code: the checks are reported as fail, not pass', async () => {
    const { results, all } = await run('process-exit.ts');
    expect(results.map((r) => r.id)).toEqual(CHECK_IDS);
    for (const r of results) {
      expect(r.status, all).toBe('fail');
      expect(r.message, all).toMatch(
        /^not run: the exercise process ended early \(does checker\/test\/fixtures\/05-broken\/process-exit\.ts call process\.exit\?\)/,
      );
    }
  });

  it('an unhandled rejection in learner code fails the check it happened in, with its error; the run goes on', async () => {
    const { results, all } = await run('unhandled-rejection.ts');
    expect(results.map((r) => r.id)).toEqual(CHECK_IDS);
    const stored = results.find((r) => r.id === '05.01.string-stored');
    expect(stored?.status, all).toBe('fail');
    expect(stored?.message, all).toMatch(/an await is missing.*greeting_audit.* doesn't exist/);
    expect(results.filter((r) => r.status === 'pass').length, all).toBeGreaterThan(0);
  });

  it('console output in learner code: the verdict is unchanged, and the output is kept per check', async () => {
    const { results, all } = await run('noisy.ts');
    expect(results.map((r) => r.id)).toEqual(CHECK_IDS);
    for (const r of results) expect(r.status, all).toBe('pass');
    const output = Object.fromEntries(results.map((r) => [r.id, r.output ?? '']));
    expect(output['05.01.string-stored']).toBe("NOISE saveGreeting ada { text: 'hello, Ada' }");
    expect(output['05.01.string-read']).toBe('NOISE readGreeting grace\nNOISE readGreeting grace\nNOISE readGreeting nobody');
    expect(output['05.01.hash-stored']).toContain('NOISE saveProfile 7');
    expect(output['05.01.hash-read']).toContain('NOISE readProfile 8');
    expect(output['05.01.ttl-set']).toContain('NOISE saveOneTimeCode ada');
    expect(output['05.01.ttl-read']).toContain('NOISE secondsLeft grace');
    // Output from other checks, and from loading the module, is not attributed to a check.
    expect(output['05.01.string-stored']).not.toContain('readGreeting');
    expect(Object.values(output).join('\n')).not.toContain('top-level output');
  });

  it('a file that replaces process.exit and keeps a timer alive still lets the run end', async () => {
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      run('exit-blocked.ts'),
      new Promise<'hung'>((resolve) => {
        timer = setTimeout(() => resolve('hung'), 8_000);
      }),
    ]).finally(() => clearTimeout(timer));
    if (outcome === 'hung') {
      // The runner waits for an exit that never comes: end the process it left (one we started, by pid).
      for (const pid of runningExerciseChildren()) process.kill(pid, 'SIGKILL');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(outcome, 'runExercise did not return within 8 s: the exercise process never exited').not.toBe('hung');
    if (outcome !== 'hung') expectNoPass(outcome.results, outcome.all);
  });
});

describe('unreachable engines are an environment error, not a verdict', () => {
  const solution = repoPath(`solutions/05-elasticache-redis/exercises/${EXERCISE}.ts`);

  async function runAgainst(broken: 'redis' | 'mysql'): Promise<CheckResult[]> {
    const closed = await freePort(); // nothing listens there
    const target: CacheEndpoints = structuredClone(endpoints);
    target[broken].port = closed;
    const { results } = await runExercise({ labId: 5, exerciseId: EXERCISE, file: solution, endpoints: target });
    return results;
  }

  it('Redis on a closed port: every check is an error naming Redis', async () => {
    const results = await runAgainst('redis');
    expect(results.map((r) => r.id)).toEqual(CHECK_IDS);
    for (const r of results) {
      expect(r.status, describeResults(results)).toBe('error');
      expect(r.message).toMatch(/^Could not reach Redis at 127\.0\.0\.1:\d+/);
    }
  });

  it('the database on a closed port: every check is an error naming the database', async () => {
    const results = await runAgainst('mysql');
    expect(results.map((r) => r.id)).toEqual(CHECK_IDS);
    for (const r of results) {
      expect(r.status, describeResults(results)).toBe('error');
      expect(r.message).toMatch(/^Could not reach the database at 127\.0\.0\.1:\d+/);
    }
  });
});
