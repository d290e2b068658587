/**
 * What a Lab 5 check sees: the learner's module, the checker's own view of
 * Redis and the database (to read TTLs and rows from the servers), and a way
 * to call the learner's functions with a fresh, instrumented context.
 */
import type { Redis } from 'ioredis';
import type { Connection } from 'mysql2/promise';
import type { LabContext } from '../../exercise-api.js';
import { CountingDb, type DbFaults } from '../../runner/counting-db.js';
import { unreachableRedis } from '../../runner/connect.js';
import { LearnerCalls, type ExerciseCheck as AnyExerciseCheck } from '../../runner/harness.js';

export { CheckFailed, CheckSkipped, ensure } from '../../runner/harness.js';

export interface ContextOptions {
  ttlSeconds?: number;
  redisDown?: boolean;
  faults?: DbFaults;
}

export interface Instrumented {
  ctx: LabContext;
  db: CountingDb;
}

export const DEFAULT_TTL_SECONDS = 45;

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

/** A Lab 5 check: it runs against Lab 5's Harness. */
export type ExerciseCheck = AnyExerciseCheck<Harness>;

export function describeTtl(pttl: number): string {
  if (pttl === -2) return 'the key does not exist';
  if (pttl === -1) return 'the key has no TTL, so it would live forever';
  return `TTL ${(pttl / 1000).toFixed(1)} s`;
}
