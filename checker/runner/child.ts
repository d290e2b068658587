/**
 * Runs one exercise's checks against the learner's file, in its own process
 * so that code which loops forever or calls process.exit cannot take the
 * checker with it. Talks to the runner over IPC (see protocol.ts).
 */
import { relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { format } from 'node:util';
import { EnginesUnreachable, type LabChecks, type LabSession } from './lab-checks.js';
import type { CheckResult } from '../core/result.js';
import { CheckFailed, CheckSkipped, type LearnerCalls } from './harness.js';
import { loadLabChecks } from './lab-module.js';
import { describeThrow, LearnerError } from './learner-call.js';
import type { ChildMessage, RunRequest } from './protocol.js';

// Kept before any learner code loads: a file that replaces process.exit cannot keep this process alive.
const exitForReal = process.exit.bind(process);

/** Rejections nobody awaited, raised by learner code while a check ran. */
let floating: unknown[] = [];
process.on('unhandledRejection', (reason) => {
  floating.push(reason);
});

const send = (message: ChildMessage) =>
  new Promise<void>((resolve) => {
    if (process.send) process.send(message, () => resolve());
    else resolve();
  });

let captured: string[] = [];
function captureConsole(): void {
  const record = (...args: unknown[]) => {
    captured.push(format(...args));
  };
  console.log = record;
  console.info = record;
  console.warn = record;
  console.error = record;
  console.debug = record;
}

/** "labs/.../02-cache-aside.ts:12:5: Expected ';' but found 'x'" from an esbuild/tsx transform error. */
export function describeLoadError(err: unknown, file: string): string {
  const label = relative(process.cwd(), file);
  const text = err instanceof Error ? err.message : String(err);
  const compile = /:(\d+):(\d+): ERROR: (.+)/.exec(text);
  if (compile) return `${label} does not compile: line ${compile[1]}, column ${compile[2]}: ${compile[3]}`;
  if (err instanceof Error && (err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') {
    return `${label} could not be loaded: ${text.split('\n')[0]}`;
  }
  return `${label} failed while loading: ${describeThrow('the module', err, file)}`;
}

async function main(request: RunRequest): Promise<void> {
  let lab: LabChecks;
  try {
    lab = await loadLabChecks(request.labModule);
  } catch (err) {
    await send({ type: 'environment', message: `The checks of lab ${request.labId} could not be loaded (${request.labModule}): ${(err as Error).message}` });
    return;
  }
  const checks = lab.exercises[request.exerciseId];
  if (!checks) {
    await send({ type: 'environment', message: `No checks are registered for lab ${request.labId} exercise ${request.exerciseId}.` });
    return;
  }
  let session: LabSession<LearnerCalls> | undefined;
  try {
    try {
      session = await lab.open(request.endpoints, { measure: request.only?.length === 0 ? request.measure : undefined });
    } catch (err) {
      await send({
        type: 'environment',
        message: err instanceof EnginesUnreachable ? err.message : `Could not reach the ${request.endpoints.target} engines: ${(err as Error).message}`,
      });
      return;
    }

    let module: Record<string, unknown>;
    await send({ type: 'loading' });
    try {
      module = (await import(pathToFileURL(request.file).href)) as Record<string, unknown>;
    } catch (err) {
      await send({ type: 'load-failed', message: describeLoadError(err, request.file) });
      return;
    }

    captureConsole();
    const harness = session.harness(module, request.file, request.callTimeoutMs);
    for (const check of checks) {
      if (request.only && !request.only.includes(check.id)) continue;
      await send({ type: 'start', id: check.id });
      captured = [];
      floating = [];
      const started = performance.now();
      const base = { id: check.id, name: check.name, hint: check.hint, group: request.exerciseId };
      let result: CheckResult;
      try {
        await session.reset();
        const message = await check.run(harness);
        result = { ...base, status: 'pass', message, durationMs: 0 };
      } catch (err) {
        if (err instanceof CheckSkipped) {
          result = { ...base, status: 'skipped', message: err.message, durationMs: 0 };
        } else if (err instanceof CheckFailed || err instanceof LearnerError) {
          result = { ...base, status: 'fail', message: err.message, durationMs: 0 };
        } else {
          result = { ...base, status: 'error', message: `The checker could not finish this check: ${(err as Error).message}`, durationMs: 0 };
        }
      }
      // Give a stray promise the moment it needs to fail, so it is blamed on this check.
      await new Promise((resolve) => setTimeout(resolve, 10));
      if (floating.length > 0 && result.status === 'pass') {
        result = {
          ...result,
          status: 'fail',
          message: `a promise was left to fail on its own (an await is missing): ${describeThrow('your code', floating[0], request.file)}`,
        };
      }
      result.durationMs = Math.round(performance.now() - started);
      if (captured.length > 0) result.output = captured.join('\n').slice(0, 4_000);
      await send({ type: 'result', result });
    }
    await harness.dispose();

    if (request.measure && session.measure) {
      try {
        await session.reset();
        const data = await session.measure(harness, request.measure, (name) => send({ type: 'event', name }));
        await send({ type: 'measurement', data });
      } catch (err) {
        await send({ type: 'measurement', data: { error: (err as Error).message } });
      }
    }
  } finally {
    await send({ type: 'done' });
    await session?.close().catch(() => {});
  }
}

let leaving = false;
// The checker went away without stopping this run (killed with -9): take the learner's processes down too.
process.on('disconnect', () => {
  if (leaving) return;
  try {
    process.kill(-process.pid, 'SIGKILL');
  } catch {
    exitForReal(0);
  }
});

process.once('message', (request: RunRequest) => {
  main(request)
    .catch(async (err) => {
      await send({ type: 'environment', message: `The exercise runner failed: ${(err as Error).message}` });
    })
    .finally(() => {
      // Learner code may leave timers or sockets open; the run is over either way.
      leaving = true;
      process.disconnect?.();
      setTimeout(() => exitForReal(0), 50).unref();
    });
});
