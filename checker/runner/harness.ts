/**
 * What every lab's checks build on: calls into the learner's module under a
 * time limit, and the ways a check ends (failed, skipped). Each lab's own
 * harness (what its checks see of the engines) extends LearnerCalls in the
 * lab's folder.
 */
import { relative } from 'node:path';
import { callWithTimeout, LearnerError } from './learner-call.js';

export class CheckFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckFailed';
  }
}

/** Ends a check as `skipped`: it cannot be judged on this target (say why and where it can). */
export class CheckSkipped extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckSkipped';
  }
}

/** Fails the check with `message` unless `condition` holds. */
export function ensure(condition: unknown, message: string): asserts condition {
  if (!condition) throw new CheckFailed(message);
}

export type Attempt<T> = { ok: true; value: T } | { ok: false; error: LearnerError };

/** Calls into the learner's module: every lab's harness builds on this. */
export class LearnerCalls {
  constructor(
    readonly module: Record<string, unknown>,
    readonly file: string,
    readonly callTimeoutMs = 3_000,
  ) {}

  get fileLabel(): string {
    return relative(process.cwd(), this.file);
  }

  private fn(name: string): (...args: unknown[]) => unknown {
    const value = this.module[name];
    if (typeof value !== 'function') {
      throw new LearnerError(`${this.fileLabel} does not export a function named ${name}`);
    }
    return value as (...args: unknown[]) => unknown;
  }

  /** Calls a learner function; a throw or a hang becomes a LearnerError. */
  async call<T = unknown>(name: string, ...args: unknown[]): Promise<T> {
    const fn = this.fn(name);
    return callWithTimeout(name, () => fn(...args) as Promise<T>, this.file, this.callTimeoutMs);
  }

  /** Calls a learner function with its own time limit (for functions meant to run a while). */
  async callFor<T = unknown>(timeoutMs: number, name: string, ...args: unknown[]): Promise<T> {
    const fn = this.fn(name);
    return callWithTimeout(name, () => fn(...args) as Promise<T>, this.file, timeoutMs);
  }

  /** Calls a function the learner's code returned (a method of a router, say) under the same rules. */
  async invoke<T = unknown>(label: string, thunk: () => Promise<T> | T): Promise<T> {
    return callWithTimeout(label, thunk, this.file, this.callTimeoutMs);
  }

  /** Like call, but hands back the learner's error instead of throwing it. */
  async attempt<T = unknown>(name: string, ...args: unknown[]): Promise<Attempt<T>> {
    try {
      return { ok: true, value: await this.call<T>(name, ...args) };
    } catch (err) {
      if (err instanceof LearnerError) return { ok: false, error: err };
      throw err;
    }
  }

  async dispose(): Promise<void> {}
}

export interface ExerciseCheck<H = LearnerCalls> {
  id: string;
  name: string;
  hint: string;
  /** How long this check may take, when it must outlast the run's usual limit (say, a give-up after 30 s). */
  timeoutMs?: number;
  /** Resolves to the pass message; throws CheckFailed or LearnerError to fail. */
  run(h: H): Promise<string>;
}
