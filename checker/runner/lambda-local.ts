/**
 * A local stand-in for the AWS Lambda runtime, close enough that a handler
 * behaves here as it does deployed:
 *
 * - each execution environment is its own Node process (tsx, so TypeScript
 *   handlers load unchanged) that imports the module once: the init phase;
 * - an environment runs one invocation at a time; a concurrent invocation
 *   finds no idle environment and gets a new one (a cold start), so
 *   concurrency = environments, exactly like Lambda's scaling;
 * - an invocation past the function's timeout kills its environment (the next
 *   invocation there is a cold start again), as Lambda does;
 * - the environment sees only the function's variables plus Lambda's own
 *   (AWS_LAMBDA_FUNCTION_NAME, AWS_REGION, ...), not the caller's;
 * - each invocation reports what Lambda's REPORT line says: duration, billed
 *   duration, memory, and the init duration on a cold start.
 *
 * It names no lab: a lab's checks build a LocalFunction from its handler file
 * and the variables its stack would set.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { rmSync } from 'node:fs';
import { onStop } from '../core/stop-signals.js';
import { compileKitScript, compileLearnerFile, CompileRefused } from './compile.js';
import { confinedExecArgv } from './confinement.js';
import { IMPORT_GUARD } from './learner-process.js';
import { describeCompileRefusal } from './load-error.js';
import type { ContextData, EnvMessage, LambdaError } from './lambda-protocol.js';

const ENV_SCRIPT = fileURLToPath(new URL('./lambda-env.ts', import.meta.url));
/** Lambda gives the init phase (the module's top level) 10 s; past it the environment is discarded. */
const INIT_LIMIT_MS = 10_000;
/** Starting Node and the TypeScript loader before the init phase: not the function's time, but not for ever either. */
const BOOT_LIMIT_MS = 60_000;
/** Variables of the caller an environment still needs to run at all (and the exercise run's tag, so a stray one is found). */
const INHERITED = ['PATH', 'TMPDIR', 'LANG', 'DTL_EXERCISE_RUN'];

export interface FunctionConfig {
  /** Absolute path of the handler's module. */
  file: string;
  /** Exported function to call (Lambda's handler setting after the dot). Default "handler". */
  handler?: string;
  functionName: string;
  /** The function's environment variables, as the stack sets them. */
  environment: Record<string, string>;
  /** Per-invocation limit (Lambda's Timeout), in milliseconds. */
  timeoutMs: number;
  memoryMb?: number;
  region?: string;
  /** Most environments at once (reserved concurrency); further concurrent invocations are throttled. */
  maxConcurrency?: number;
}

export type InvocationStatus = 'success' | 'error' | 'timeout' | 'crash' | 'init-error' | 'throttled';

export interface InvocationReport {
  requestId: string;
  status: InvocationStatus;
  /** Time inside the handler, as Lambda's Duration. */
  durationMs: number;
  billedMs: number;
  memoryMb: number;
  maxMemoryUsedMb: number;
  /** Set on a cold start: how long importing the module took (Lambda's Init Duration). */
  initMs?: number;
  /** Set on a cold start: starting the environment's process as well as the init (what a caller waits for on top). */
  startMs?: number;
  coldStart: boolean;
  /** Which environment ran it (1, 2, ... in order of creation). */
  environment: number;
}

export interface Invocation {
  /** The handler's answer, parsed from JSON as the Invoke API returns it. */
  payload?: unknown;
  /** Set when the function failed (Lambda's FunctionError): a throw, a timeout, a crash or an init failure. */
  error?: LambdaError;
  /** What the function printed during this invocation. */
  logs: string[];
  report: InvocationReport;
  /** The REPORT line Lambda would write for it. */
  reportLine: string;
  /** From the call to the answer, as the caller saw it (start-up included on a cold start). */
  roundTripMs: number;
}

interface Environment {
  number: number;
  child: ChildProcess;
  busy: boolean;
  alive: boolean;
  invocations: number;
  maxMemoryMb: number;
  initMs: number;
  startMs: number;
  /** Set while an invocation runs: hands each message of this environment to it. */
  listener?: (message: EnvMessage) => void;
  exited: Promise<void>;
  /** What the module printed during init, handed to the first invocation's logs. */
  pendingLogs?: string[];
}

export class LocalFunction {
  private readonly environments = new Set<Environment>();
  private created = 0;
  private closed = false;
  private readonly releaseStop: () => void;
  private readonly killAllNow = () => {
    for (const env of this.environments) env.child.kill('SIGKILL');
  };

  /** The runtime and the handler's module, compiled once for every environment (confined processes run plain JavaScript). */
  private compiled?: Promise<{ runtime: string; handler: string }>;

  constructor(readonly config: FunctionConfig) {
    this.releaseStop = onStop(() => this.killAllNow());
    process.once('exit', this.killAllNow);
  }

  /** Environments alive now (idle or busy). */
  get environmentCount(): number {
    return [...this.environments].filter((e) => e.alive).length;
  }

  /** Environments created so far (every one was a cold start). */
  get coldStarts(): number {
    return this.created;
  }

  /** Starts `count` environments ahead of traffic, like provisioned concurrency; they are warm when this resolves. */
  async provision(count: number): Promise<void> {
    const started = await Promise.allSettled(Array.from({ length: count }, () => this.startEnvironment()));
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    for (const s of started) if (s.status === 'fulfilled') s.value.busy = false;
  }

  /** Invokes the function once (RequestResponse); never throws for the function's own failures. */
  async invoke(event: unknown): Promise<Invocation> {
    if (this.closed) throw new Error(`${this.config.functionName} is closed`);
    const requestId = randomUUID();
    const began = performance.now();
    let env = [...this.environments].find((e) => e.alive && !e.busy);
    let coldStart = false;
    if (env) env.busy = true;
    else {
      if (this.config.maxConcurrency !== undefined && this.environmentCount >= this.config.maxConcurrency) {
        return this.finish(requestId, began, { status: 'throttled', durationMs: 0, memoryMb: 0, coldStart: false, environment: 0 }, [], undefined, {
          errorType: 'TooManyRequestsException',
          errorMessage: `Rate Exceeded: ${this.config.functionName} is at its concurrency limit of ${this.config.maxConcurrency}`,
        });
      }
      coldStart = true;
      try {
        env = await this.startEnvironment();
      } catch (err) {
        const error = err instanceof InitFailed ? err.error : { errorType: 'Runtime.Unknown', errorMessage: (err as Error).message };
        return this.finish(
          requestId,
          began,
          { status: 'init-error', durationMs: 0, memoryMb: 0, coldStart: true, environment: this.created },
          err instanceof InitFailed ? err.logs : [],
          undefined,
          error,
        );
      }
    }
    return this.run(env, requestId, event, began, coldStart);
  }

  /** Ends every environment: the next invocation is a cold start. */
  async recycle(): Promise<void> {
    const all = [...this.environments];
    for (const env of all) env.child.kill('SIGKILL');
    await Promise.all(all.map((e) => e.exited));
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.recycle();
    this.releaseStop();
    process.removeListener('exit', this.killAllNow);
    const compiled = await this.compiled?.catch(() => undefined);
    if (compiled) rmSync(compiled.handler, { force: true });
  }

  private scripts(): Promise<{ runtime: string; handler: string }> {
    this.compiled ??= Promise.all([compileKitScript(ENV_SCRIPT, 'lambda-env'), compileLearnerFile(this.config.file)]).then(([runtime, handler]) => ({
      runtime,
      handler,
    }));
    return this.compiled;
  }

  private environmentVariables(): Record<string, string> {
    const { config } = this;
    const inherited = Object.fromEntries(INHERITED.flatMap((k) => (process.env[k] !== undefined ? [[k, process.env[k] as string]] : [])));
    return {
      ...inherited,
      ...config.environment,
      AWS_LAMBDA_FUNCTION_NAME: config.functionName,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(config.memoryMb ?? 128),
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${config.functionName}`,
      AWS_REGION: config.region ?? 'us-east-1',
      AWS_DEFAULT_REGION: config.region ?? 'us-east-1',
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
      TZ: 'UTC',
      NODE_OPTIONS: '',
    };
  }

  private async startEnvironment(): Promise<Environment> {
    this.created += 1;
    const number = this.created;
    const began = performance.now();
    let scripts: { runtime: string; handler: string };
    try {
      scripts = await this.scripts();
    } catch (err) {
      if (!(err instanceof CompileRefused)) throw err;
      // What Lambda's Node runtime reports for a handler that does not parse, or imports what is not there.
      const errorType = err.kind === 'syntax' ? 'Runtime.UserCodeSyntaxError' : 'Runtime.ImportModuleError';
      throw new InitFailed({ errorType, errorMessage: describeCompileRefusal(err, this.config.file) }, []);
    }
    // Handler code is learner code: confined, and held to the import rule, like the exercise process.
    const child = fork(scripts.runtime, [], {
      execArgv: [...confinedExecArgv(), '--import', IMPORT_GUARD],
      env: this.environmentVariables(),
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk) => {
      stderr = (stderr + String(chunk)).slice(-2_000);
    });
    const exited = new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once('exit', () => resolve());
    });
    const env: Environment = { number, child, busy: true, alive: true, invocations: 0, maxMemoryMb: 0, initMs: 0, startMs: 0, exited };
    this.environments.add(env);
    child.on('message', (message: EnvMessage) => env.listener?.(message));
    // A send to an environment that just died fails here; its 'exit' below reports the crash.
    child.on('error', () => {});
    child.once('exit', () => {
      env.alive = false;
      this.environments.delete(env);
      env.listener?.({
        type: 'crash',
        error: { errorType: 'Runtime.ExitError', errorMessage: `Runtime exited${child.exitCode !== null ? ` with error: exit status ${child.exitCode}` : ''}` },
      });
    });
    return new Promise<Environment>((resolve, reject) => {
      const logs: string[] = [];
      const giveUp = (errorMessage: string) => () => {
        child.kill('SIGKILL');
        reject(new InitFailed({ errorType: 'Runtime.InitTimeout', errorMessage }, logs));
      };
      let timer = setTimeout(giveUp(`The environment's runtime did not start within ${BOOT_LIMIT_MS / 1000} s`), BOOT_LIMIT_MS);
      env.listener = (message) => {
        if (message.type === 'log') logs.push(message.line);
        else if (message.type === 'booted') {
          clearTimeout(timer);
          timer = setTimeout(giveUp(`Init did not finish within ${INIT_LIMIT_MS / 1000} s`), INIT_LIMIT_MS);
        } else if (message.type === 'ready') {
          clearTimeout(timer);
          env.listener = undefined;
          env.initMs = message.initMs;
          env.startMs = performance.now() - began;
          env.pendingLogs = logs;
          resolve(env);
        } else if (message.type === 'init-failed' || message.type === 'crash') {
          clearTimeout(timer);
          env.listener = undefined;
          child.kill('SIGKILL');
          const lastWords = stderr
            .trim()
            .split('\n')
            .filter((l) => l.trim() && !/^\s+at /.test(l))
            .slice(-1)[0];
          const error =
            message.error.errorType === 'Runtime.ExitError' && lastWords
              ? { ...message.error, errorMessage: `${message.error.errorMessage}: ${lastWords}` }
              : message.error;
          reject(new InitFailed(error, logs));
        }
      };
      // An environment that is already going away cannot take it (EPIPE): its exit is reported instead.
      child.send({ type: 'init', file: scripts.handler, source: this.config.file, handler: this.config.handler ?? 'handler' }, (err) => void err);
    });
  }

  private run(env: Environment, requestId: string, event: unknown, began: number, coldStart: boolean): Promise<Invocation> {
    const { config } = this;
    const logs: string[] = coldStart ? [...(env.pendingLogs ?? [])] : [];
    env.pendingLogs = undefined;
    env.invocations += 1;
    const context: ContextData = {
      awsRequestId: requestId,
      functionName: config.functionName,
      functionVersion: '$LATEST',
      invokedFunctionArn: `arn:aws:lambda:${config.region ?? 'us-east-1'}:000000000000:function:${config.functionName}`,
      memoryLimitInMB: String(config.memoryMb ?? 128),
      logGroupName: `/aws/lambda/${config.functionName}`,
      logStreamName: `local/[$LATEST]env-${env.number}`,
    };
    const cold = coldStart ? { initMs: env.initMs, startMs: env.startMs } : {};
    return new Promise<Invocation>((resolve) => {
      const invokedAt = performance.now();
      const done = (status: InvocationStatus, durationMs: number, memoryMb: number, payload?: string, error?: LambdaError) => {
        clearTimeout(timer);
        env.listener = undefined;
        env.maxMemoryMb = Math.max(env.maxMemoryMb, memoryMb);
        if (status === 'success' || status === 'error') env.busy = false;
        resolve(
          this.finish(requestId, began, { status, durationMs, memoryMb: env.maxMemoryMb, coldStart, environment: env.number, ...cold }, logs, payload, error),
        );
      };
      const timer = setTimeout(() => {
        // Lambda stops the environment at the deadline; whatever the handler was doing is lost.
        env.listener = undefined;
        env.alive = false;
        env.child.kill('SIGKILL');
        done('timeout', config.timeoutMs, env.maxMemoryMb, undefined, {
          errorType: 'Sandbox.Timedout',
          errorMessage: `${requestId} Task timed out after ${(config.timeoutMs / 1000).toFixed(2)} seconds`,
        });
      }, config.timeoutMs);
      env.listener = (message) => {
        if (message.type === 'log') logs.push(message.line);
        else if (message.type === 'result' && message.requestId === requestId) {
          done(message.error ? 'error' : 'success', message.durationMs, message.memoryMb, message.payload, message.error);
        } else if (message.type === 'crash') {
          env.alive = false;
          env.child.kill('SIGKILL');
          done('crash', performance.now() - invokedAt, env.maxMemoryMb, undefined, message.error);
        }
      };
      env.child.send({ type: 'invoke', requestId, event, context, deadline: Date.now() + config.timeoutMs }, (err) => void err);
    });
  }

  private finish(
    requestId: string,
    began: number,
    report: Omit<InvocationReport, 'requestId' | 'billedMs' | 'maxMemoryUsedMb' | 'memoryMb'> & { memoryMb: number },
    logs: string[],
    payload: string | undefined,
    error?: LambdaError,
  ): Invocation {
    const full: InvocationReport = {
      ...report,
      requestId,
      billedMs: Math.max(1, Math.ceil(report.durationMs)),
      maxMemoryUsedMb: report.memoryMb,
      memoryMb: this.config.memoryMb ?? 128,
    };
    let parsed: unknown;
    if (payload !== undefined) parsed = JSON.parse(payload) as unknown;
    return { payload: error ? undefined : parsed, error, logs, report: full, reportLine: reportLine(full), roundTripMs: performance.now() - began };
  }
}

class InitFailed extends Error {
  constructor(
    readonly error: LambdaError,
    readonly logs: string[],
  ) {
    super(`${error.errorType}: ${error.errorMessage}`);
  }
}

/** "REPORT RequestId: ... Duration: 2.31 ms Billed Duration: 3 ms Memory Size: 128 MB Max Memory Used: 61 MB Init Duration: 212.40 ms" */
export function reportLine(r: InvocationReport): string {
  const parts = [
    `REPORT RequestId: ${r.requestId}`,
    `Duration: ${r.durationMs.toFixed(2)} ms`,
    `Billed Duration: ${r.billedMs} ms`,
    `Memory Size: ${r.memoryMb} MB`,
    `Max Memory Used: ${r.maxMemoryUsedMb} MB`,
  ];
  if (r.initMs !== undefined) parts.push(`Init Duration: ${r.initMs.toFixed(2)} ms`);
  if (r.status === 'timeout') parts.push('Status: timeout');
  return parts.join('\t');
}
