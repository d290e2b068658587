/**
 * One execution environment of the local Lambda runtime (see lambda-local.ts):
 * loads the function's module once (the init phase), then runs invocations
 * one at a time as the parent sends them. Console output is sent back as the
 * invocation's log lines, the way Lambda ships them to CloudWatch Logs.
 */
import { pathToFileURL } from 'node:url';
import { format } from 'node:util';
import type { EnvMessage, RuntimeMessage } from './lambda-protocol.js';

const send = (message: EnvMessage) => {
  if (process.send) process.send(message);
};

let currentRequest: string | undefined;
function captureConsole(): void {
  const record = (...args: unknown[]) => send({ type: 'log', requestId: currentRequest, line: format(...args) });
  console.log = record;
  console.info = record;
  console.warn = record;
  console.error = record;
  console.debug = record;
}

/** A rejection or throw nobody awaited: Lambda's Node runtime ends the environment for it. */
function fatal(err: unknown): void {
  send({ type: 'crash', requestId: currentRequest, error: describe(err, 'Runtime.UnhandledPromiseRejection') });
  setTimeout(() => process.exit(1), 20);
}
process.on('unhandledRejection', fatal);
process.on('uncaughtException', fatal);
// The runtime went away without closing this environment: nothing is left to serve.
process.on('disconnect', () => process.exit(0));

function describe(err: unknown, fallbackType: string): { errorType: string; errorMessage: string; stack?: string[] } {
  if (err instanceof Error) {
    return {
      errorType: err.name && err.name !== 'Error' ? err.name : fallbackType === 'Runtime.UnhandledPromiseRejection' ? fallbackType : 'Error',
      errorMessage: err.message,
      stack: err.stack
        ?.split('\n')
        .slice(1, 8)
        .map((l) => l.trim()),
    };
  }
  return { errorType: fallbackType, errorMessage: String(err) };
}

type Handler = (event: unknown, context: unknown, callback?: (err: unknown, result?: unknown) => void) => unknown;
let handler: Handler | undefined;

/** `file` is the handler's module as the checker compiled it; `source` the learner's file it came from. */
async function init(file: string, source: string, exportName: string): Promise<void> {
  captureConsole();
  send({ type: 'booted' });
  const started = performance.now();
  try {
    const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    const fn = module[exportName] ?? (module.default as Record<string, unknown> | undefined)?.[exportName];
    if (typeof fn !== 'function') {
      send({ type: 'init-failed', error: { errorType: 'Runtime.HandlerNotFound', errorMessage: `${source} does not export a function named ${exportName}` } });
      return;
    }
    handler = fn as Handler;
    send({ type: 'ready', initMs: performance.now() - started });
  } catch (err) {
    send({ type: 'init-failed', error: describe(err, 'Runtime.ImportModuleError') });
  }
}

async function invoke(message: Extract<RuntimeMessage, { type: 'invoke' }>): Promise<void> {
  if (!handler) return;
  currentRequest = message.requestId;
  const context = {
    ...message.context,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, message.deadline - Date.now()),
    done: () => undefined,
    succeed: () => undefined,
    fail: () => undefined,
  };
  const started = performance.now();
  try {
    const fn = handler;
    const result = await new Promise<unknown>((resolve, reject) => {
      // Callback-style handlers (three parameters) answer through the callback; async ones through their promise.
      const returned = fn(message.event, context, (err, value) => (err ? reject(err) : resolve(value)));
      if (fn.length < 3 || (returned && typeof (returned as Promise<unknown>).then === 'function')) Promise.resolve(returned).then(resolve, reject);
    });
    const durationMs = performance.now() - started;
    // Lambda serialises the answer as JSON; what does not survive JSON is lost on the way.
    const payload = result === undefined ? undefined : JSON.stringify(result);
    send({ type: 'result', requestId: message.requestId, payload, durationMs, memoryMb: Math.round(process.memoryUsage().rss / 1048576) });
  } catch (err) {
    send({
      type: 'result',
      requestId: message.requestId,
      error: describe(err, 'Error'),
      durationMs: performance.now() - started,
      memoryMb: Math.round(process.memoryUsage().rss / 1048576),
    });
  } finally {
    currentRequest = undefined;
  }
}

process.on('message', (message: RuntimeMessage) => {
  if (message.type === 'init') void init(message.file, message.source, message.handler);
  else if (message.type === 'invoke') void invoke(message);
});
