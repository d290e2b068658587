/**
 * What a check sees: the learner's module, the checker's own view of Redis
 * and the database (to read TTLs and rows from the servers), and a way to call
 * the learner's functions with a fresh, instrumented context.
 */
import type { Redis } from 'ioredis';
import type { Connection } from 'mysql2/promise';
import { relative } from 'node:path';
import type { LabContext } from '../exercise-api.js';
import { CountingDb, type DbFaults } from './counting-db.js';
import { unreachableRedis } from './connect.js';
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

/** @deprecated Use `ensure`: this name shadowed vitest's `expect` in tests. */
export const expect: typeof ensure = ensure;

export interface ContextOptions {
  ttlSeconds?: number;
  redisDown?: boolean;
  faults?: DbFaults;
}

export interface Instrumented {
  ctx: LabContext;
  db: CountingDb;
}

export type Attempt<T> = { ok: true; value: T } | { ok: false; error: LearnerError };

export const DEFAULT_TTL_SECONDS = 45;

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

export class Harness extends LearnerCalls {
  private readonly extraClients: Redis[] = [];

  constructor(
    module: Record<string, unknown>,
    file: string,
    /** The checker's own Redis connection, never handed to learner code. */
    readonly redis: Redis,
    /** The checker's own database connection. */
    readonly sql: Connection,
    /** A Redis connection for learner code. */
    private readonly learnerRedis: Redis,
    /** A database connection for learner code, wrapped per context. */
    private readonly learnerSql: Connection,
    callTimeoutMs = 3_000,
  ) {
    super(module, file, callTimeoutMs);
  }

  context(options: ContextOptions = {}): Instrumented {
    let redis = this.learnerRedis;
    if (options.redisDown) {
      redis = unreachableRedis();
      this.extraClients.push(redis);
    }
    const db = new CountingDb(this.learnerSql, options.faults ?? {});
    return { db, ctx: { redis, db, ttlSeconds: options.ttlSeconds ?? DEFAULT_TTL_SECONDS } };
  }

  /** Milliseconds left on a key as the server sees it (-1 no TTL, -2 no key). */
  async pttl(key: string): Promise<number> {
    return this.redis.pttl(key);
  }

  async row<Row>(sql: string, params: unknown[] = []): Promise<Row | undefined> {
    const [rows] = await this.sql.query(sql, params);
    return (rows as Row[])[0];
  }

  async dispose(): Promise<void> {
    for (const client of this.extraClients) client.disconnect();
  }
}

export interface ExerciseCheck<H = Harness> {
  id: string;
  name: string;
  hint: string;
  /** Resolves to the pass message; throws CheckFailed or LearnerError to fail. */
  run(h: H): Promise<string>;
}

export function describeTtl(pttl: number): string {
  if (pttl === -2) return 'the key does not exist';
  if (pttl === -1) return 'the key has no TTL, so it would live forever';
  return `TTL ${(pttl / 1000).toFixed(1)} s`;
}
