/**
 * Runs one exercise's checks in the checker's own process. The learner's
 * file is loaded in a process of its own (learner-process.ts) and reached
 * only through stubs of its exports, so every count, timing and verdict is
 * made here, out of the learner's reach: their code can replace anything in
 * its own process and still not write a result.
 */
import { relative } from 'node:path';
import type { CheckResult } from '../core/result.js';
import { redact, redactResult, secretsOf } from '../core/redact.js';
import { onStop, throwIfStopped } from '../core/stop-signals.js';
import { CheckFailed, CheckSkipped, type ExerciseCheck, type LearnerCalls } from './harness.js';
import { EnginesUnreachable, type LabChecks, type LabSession } from './lab-checks.js';
import { describeThrow, LearnerError } from './learner-call.js';
import { LearnerProcess, REPO_ROOT } from './learner-process.js';
import { nameOf, notLoaded } from './not-run.js';
import type { ExerciseRun, RunExerciseOptions } from './run-exercise.js';

/** How long the learner's process may take to answer between calls before it counts as stuck in a loop. */
const ANSWER_MS = 3_000;

type Settled<T> = { kind: 'done'; value: T } | { kind: 'threw'; error: unknown } | { kind: 'timeout' };

function within<T>(ms: number, work: Promise<T>): Promise<Settled<T>> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work.then(
      (value) => ({ kind: 'done' as const, value }),
      (error: unknown) => ({ kind: 'threw' as const, error }),
    ),
    new Promise<Settled<T>>((resolve) => {
      timer = setTimeout(() => resolve({ kind: 'timeout' }), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

export async function runChecksInChecker(
  lab: LabChecks,
  checks: ExerciseCheck[],
  options: RunExerciseOptions & { callTimeoutMs: number; checkTimeoutMs: number },
): Promise<ExerciseRun> {
  const label = relative(REPO_ROOT, options.file);
  const secrets = secretsOf(options.endpoints);
  const base = (check: ExerciseCheck) => ({ id: check.id, name: check.name, hint: check.hint, group: options.exerciseId, durationMs: 0 });
  const every = (status: 'fail' | 'error', message: string): ExerciseRun => ({
    results: checks.map((check) => ({ ...base(check), status, message: redact(message, secrets) })),
  });
  const seconds = (ms: number) => Math.round(ms / 1000);

  let session: LabSession<LearnerCalls>;
  try {
    session = await lab.open(options.endpoints, { measure: options.only?.length === 0 ? options.measure : undefined });
  } catch (err) {
    return every(
      'error',
      err instanceof EnginesUnreachable ? err.message : `Could not reach the ${options.endpoints.target} engines: ${(err as Error).message}`,
    );
  }

  let host: LearnerProcess;
  try {
    host = await LearnerProcess.start();
  } catch (err) {
    await session.close().catch(() => {});
    throw err;
  }
  const releaseStop = onStop(() => host.stopNow());
  const endedEarly = () => {
    const why = host.lastWords;
    return `not run: the exercise process ended early (does ${label} call process.exit?)${why ? ` - ${why}` : ''}`;
  };
  let harness: LearnerCalls | undefined;
  try {
    // LearnerProcess gives it 30 s to start.
    if (!(await host.ready())) return every('error', `The exercise runner did not start within 30 s while loading ${label}.`);
    const loaded = await host.load(options.file, options.checkTimeoutMs);
    if (!loaded.ok) {
      if ('timedOut' in loaded) {
        return every(
          'fail',
          `loading ${label} did not finish within ${seconds(options.checkTimeoutMs)} s: does code at the top level of the file loop or wait forever?`,
        );
      }
      if (!loaded.message) return every('fail', endedEarly());
      return { results: notLoaded(checks, options.exerciseId, label, redact(loaded.message, secrets)) };
    }
    const h = session.harness(loaded.module, options.file, options.callTimeoutMs);
    harness = h;

    const results: CheckResult[] = [];
    let stopped: { check: string; message: string } | undefined;
    for (const check of checks) {
      if (stopped) {
        results.push({
          ...base(check),
          status: 'fail',
          message: `not run: the check "${nameOf(checks, stopped.check)}" had to be stopped first. ${stopped.message}`,
        });
        continue;
      }
      if (host.exited) {
        throwIfStopped();
        results.push({ ...base(check), status: 'fail', message: endedEarly() });
        continue;
      }
      const started = performance.now();
      const checkLimit = Math.max(check.timeoutMs ?? 0, options.checkTimeoutMs);
      const settled = await within(
        checkLimit,
        (async () => {
          await session.reset();
          return check.run(h);
        })(),
      );
      // Give a stray promise the moment it needs to fail, so it is blamed on this check.
      await new Promise((resolve) => setTimeout(resolve, 10));
      const drained = await host.drain(ANSWER_MS);
      let result: CheckResult;
      if (host.exited) {
        result = { ...base(check), status: 'fail', message: endedEarly() };
      } else if (!drained) {
        const limit = settled.kind === 'timeout' ? checkLimit : options.callTimeoutMs;
        const message = `did not finish within ${seconds(limit)} s, so the checker stopped it: a loop that never ends blocks everything (${label})`;
        stopped = { check: check.id, message };
        await host.stop();
        result = { ...base(check), status: 'fail', message };
      } else {
        result = judge(check, settled, checkLimit);
        if (drained.floating.length > 0 && result.status === 'pass') {
          result = {
            ...result,
            status: 'fail',
            message: `a promise was left to fail on its own (an await is missing): ${describeThrow('your code', drained.floating[0], options.file)}`,
          };
        }
        if (drained.output.length > 0) result.output = drained.output.join('\n').slice(0, 4_000);
      }
      result.durationMs = Math.round(performance.now() - started);
      // A stop signal kills the exercise process too: what this check saw afterwards is not the learner's doing.
      throwIfStopped();
      result = redactResult(result, secrets);
      results.push(result);
      options.onResult?.(result);
    }

    let measurement: unknown;
    if (options.measure && session.measure && !stopped && !host.exited) {
      const measure = session.measure.bind(session);
      const settled = await within(
        options.checkTimeoutMs,
        (async () => {
          await session.reset();
          return measure(h, options.measure!, async (name) => options.onEvent?.(name));
        })(),
      );
      if (settled.kind === 'done') measurement = settled.value;
      else if (settled.kind === 'threw') measurement = { error: (settled.error as Error).message };
      else measurement = { error: `The measurement did not finish within ${seconds(options.checkTimeoutMs)} s.` };
      if (secrets.length > 0 && measurement !== undefined) measurement = JSON.parse(redact(JSON.stringify(measurement), secrets));
    }
    return { results, measurement };
  } finally {
    releaseStop();
    await harness?.dispose().catch(() => {});
    await session.close().catch(() => {});
    await host.stop();
    // A run cut short by Ctrl-C is not judged: the process was killed by the stop, not by the learner's code.
    throwIfStopped();
  }

  function judge(check: ExerciseCheck, settled: Settled<string>, limitMs: number): CheckResult {
    const b = base(check);
    if (settled.kind === 'done') return { ...b, status: 'pass', message: settled.value };
    if (settled.kind === 'timeout') return { ...b, status: 'error', message: `The checker could not finish this check within ${seconds(limitMs)} s.` };
    const err = settled.error;
    if (err instanceof CheckSkipped) return { ...b, status: 'skipped', message: err.message };
    if (err instanceof CheckFailed || err instanceof LearnerError) return { ...b, status: 'fail', message: err.message };
    return { ...b, status: 'error', message: `The checker could not finish this check: ${(err as Error).message}` };
  }
}
