/**
 * Runs one exercise's checks in a child process and turns whatever happens
 * (results, a crash, a hang, a file that does not compile) into results.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CheckResult } from '../core/result.js';
import { redact, redactResult, secretsOf } from '../core/redact.js';
import { onStop, throwIfStopped } from '../core/stop-signals.js';
import type { Endpoints } from '../engines/endpoints.js';
import type { ChildMessage, RunRequest } from './protocol.js';
import { labModulePath, loadLabChecks } from './lab-module.js';
import { relative } from 'node:path';

const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');
/** Refuses learner imports of solutions/ and of the checker's internals (see import-guard-hooks.mjs). */
const IMPORT_GUARD = fileURLToPath(new URL('./import-guard.mjs', import.meta.url));
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** After the exercise process exits, how long its pipes may take to deliver their last bytes. */
const PIPE_GRACE_MS = 300;
/** Set in the environment of each exercise process, and so of anything it starts. */
const RUN_TAG = 'DTL_EXERCISE_RUN';

export interface RunExerciseOptions {
  labId: number;
  /** The lab's plug-in module (default: the checker/checks folder whose name starts with the lab's number). */
  labModule?: string;
  exerciseId: string;
  /** Absolute path of the file to check (learner's, solution or a test fixture). */
  file: string;
  endpoints: Endpoints;
  callTimeoutMs?: number;
  /** How long one check may take before the runner stops the process. */
  checkTimeoutMs?: number;
  only?: string[];
  /** A measurement to run with the learner's code after the checks (see LabSession.measure). */
  measure?: string;
  onResult?: (result: CheckResult) => void;
  /** Events the child announces during a measurement (e.g. "probe-started"). */
  onEvent?: (name: string) => void;
}

export interface ExerciseRun {
  results: CheckResult[];
  measurement?: unknown;
}

export async function runExercise(options: RunExerciseOptions): Promise<ExerciseRun> {
  const labModule = options.labModule ?? labModulePath(options.labId);
  const labChecks = labModule ? await loadLabChecks(labModule) : undefined;
  const checks = (labChecks?.exercises[options.exerciseId] ?? []).filter((c) => !options.only || options.only.includes(c.id));
  const callTimeoutMs = options.callTimeoutMs ?? 3_000;
  const checkTimeoutMs = options.checkTimeoutMs ?? callTimeoutMs + 12_000;
  const label = relative(REPO_ROOT, options.file);
  const secrets = secretsOf(options.endpoints);
  const results = new Map<string, CheckResult>();
  let measurement: unknown;
  let current: string | undefined;
  let stopReason: { status: 'fail' | 'error'; message: string } | undefined;
  let loadFailed = false;

  const tag = randomUUID();
  // Its own process group: whatever the learner's code starts belongs to it and is killed with it,
  // and a Ctrl-C at the terminal reaches the checker, which then stops it.
  const child = fork(CHILD, [], {
    cwd: REPO_ROOT,
    execArgv: ['--import', TSX, '--import', IMPORT_GUARD],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: { ...process.env, NODE_OPTIONS: '', [RUN_TAG]: tag },
    detached: true,
  });
  const releaseStop = onStop(() => {
    endGroup(child, tag);
    closePipes(child);
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr = (stderr + String(chunk)).slice(-4_000);
  });
  child.stdout?.resume();

  const finished = new Promise<void>((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const arm = (ms: number, why: () => { status: 'fail' | 'error'; message: string }) => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        stopReason = why();
        child.kill('SIGKILL');
      }, ms);
    };
    arm(30_000, () => ({ status: 'error', message: `The exercise runner did not start within 30 s while loading ${label}.` }));
    child.on('message', (message: ChildMessage) => {
      switch (message.type) {
        case 'loading':
          arm(checkTimeoutMs, () => ({
            status: 'fail',
            message: `loading ${label} did not finish within ${Math.round(checkTimeoutMs / 1000)} s: does code at the top level of the file loop or wait forever?`,
          }));
          break;
        case 'start':
          current = message.id;
          arm(checkTimeoutMs, () => ({
            status: 'fail',
            message: `did not finish within ${Math.round(checkTimeoutMs / 1000)} s, so the checker stopped it: a loop that never ends blocks everything (${label})`,
          }));
          break;
        case 'result': {
          const result = redactResult(message.result, secrets);
          results.set(result.id, result);
          options.onResult?.(result);
          current = undefined;
          arm(checkTimeoutMs, () => ({ status: 'error', message: `The exercise runner stopped answering after a check (${label}).` }));
          break;
        }
        case 'load-failed':
          stopReason = { status: 'fail', message: redact(message.message, secrets) };
          loadFailed = true;
          break;
        case 'environment':
          stopReason = { status: 'error', message: redact(message.message, secrets) };
          break;
        case 'event':
          options.onEvent?.(message.name);
          break;
        case 'measurement':
          measurement = secrets.length > 0 && message.data !== undefined ? JSON.parse(redact(JSON.stringify(message.data), secrets)) : message.data;
          arm(60_000, () => ({ status: 'error', message: 'The measurement did not finish within 60 s.' }));
          break;
        case 'done':
          // The child exits by itself; if learner code keeps it alive, it is stopped.
          arm(3_000, () => stopReason ?? { status: 'fail', message: 'the exercise process did not exit after its checks' });
          break;
      }
    });
    child.on('exit', () => {
      clearTimeout(timer);
      endGroup(child, tag);
      // Its last words may still be in the pipe; a grandchild outside the group may hold the pipe open for ever.
      const giveUp = setTimeout(() => {
        closePipes(child);
        resolve();
      }, PIPE_GRACE_MS);
      child.once('close', () => {
        clearTimeout(giveUp);
        resolve();
      });
    });
  });
  child.send({
    labId: options.labId,
    labModule: labModule ?? '',
    exerciseId: options.exerciseId,
    file: options.file,
    endpoints: options.endpoints,
    callTimeoutMs,
    only: options.only,
    measure: options.measure,
  } satisfies RunRequest);
  await finished;
  releaseStop();
  // A run cut short by Ctrl-C is not judged: the child was killed by the stop, not by the learner's code.
  throwIfStopped();

  if (loadFailed && stopReason) return { measurement, results: notLoaded(checks, options.exerciseId, label, stopReason.message) };

  return {
    measurement,
    results: checks.map((check) => {
      const got = results.get(check.id);
      if (got) return got;
      const base = { id: check.id, name: check.name, hint: check.hint, group: options.exerciseId, durationMs: 0 };
      if (stopReason && check.id === current) {
        return { ...base, status: stopReason.status, message: stopReason.message };
      }
      if (stopReason) {
        const message = current ? `not run: the check "${nameOf(checks, current)}" had to be stopped first. ${stopReason.message}` : stopReason.message;
        return { ...base, status: stopReason.status, message };
      }
      const lastWords = stderr
        .trim()
        .split('\n')
        .filter((line) => line.trim() && !/^Node\.js v\d/.test(line) && !/^\s+at /.test(line))
        .slice(-1)[0];
      return {
        ...base,
        status: 'fail' as const,
        message: `not run: the exercise process ended early (does ${label} call process.exit?)${lastWords ? ` - ${lastWords}` : ''}`,
      };
    }),
  };
}

/**
 * Ends what is left of an exercise run: every process in its group (a
 * grandchild the learner's code started, busy or unreferenced) is killed,
 * and any that left the group.
 */
function endGroup(child: ChildProcess, tag: string): void {
  if (child.pid !== undefined) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // the group is already empty
    }
  }
  killTagged(tag);
}

/**
 * A process the learner's code started with detached: true leads a group of
 * its own; it still carries the run's tag in its environment, which is how it
 * is found (Linux; elsewhere the process group is all there is).
 */
function killTagged(tag: string): void {
  if (!existsSync('/proc/self/environ')) return;
  const marker = `${RUN_TAG}=${tag}`;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(marker)) process.kill(Number(pid), 'SIGKILL');
    } catch {
      // gone, or another user's
    }
  }
}

/** Closes our ends of its output pipes, so a grandchild that inherited them cannot keep the checker waiting. */
function closePipes(child: ChildProcess): void {
  child.stdout?.destroy();
  child.stderr?.destroy();
}

export const LOAD_HINT = 'Fix the line named above and save: every check of this exercise runs once the file loads.';

/**
 * A file that does not load (a syntax error, a ReferenceError at the top
 * level) fails every check, but says why once: under the first check, with
 * the file and line. The others are "not run" without repeating it, and
 * without their own hints, which would point at the wrong problem.
 */
function notLoaded(checks: Array<{ id: string; name: string }>, group: string, label: string, message: string): CheckResult[] {
  return checks.map((check, i) => ({
    id: check.id,
    name: check.name,
    group,
    durationMs: 0,
    status: 'fail' as const,
    ...(i === 0 ? { message, hint: LOAD_HINT } : { message: `not run: ${label} did not load (the reason is under the first check of this exercise)` }),
  }));
}

function nameOf(checks: Array<{ id: string; name: string }>, id: string): string {
  return checks.find((c) => c.id === id)?.name ?? id;
}
