/**
 * The `Db` an exercise receives: a thin layer over a real connection that
 * counts what the learner's code sends and can be told to fail, so checks
 * judge behaviour (how many queries, what happens on a failed write).
 */
import type { Connection } from 'mysql2/promise';
import type { Db } from '../exercise-api.js';
import { exposeOnly } from './peer.js';

export interface DbFaults {
  failReads?: number;
  failWrites?: number;
  /** When set, only writes matching it count towards failWrites (e.g. the INSERT, not a DELETE before it). */
  failWritesMatching?: RegExp;
  /** Runs just before a write reaches the database (used to observe ordering). */
  beforeWrite?: (sql: string) => Promise<void>;
}

const WRITE = /^\s*(insert|update|delete|replace)\b/i;

export class SimulatedDbError extends Error {
  readonly code = 'ER_LOCK_WAIT_TIMEOUT';
  readonly errno = 1205;
  constructor(kind: string) {
    super(`Lock wait timeout exceeded; try restarting transaction (simulated ${kind} failure injected by the checker)`);
    this.name = 'DatabaseError';
  }
}

const preparable = (v: unknown) => v === null || ['string', 'number', 'bigint', 'boolean'].includes(typeof v) || v instanceof Date || Buffer.isBuffer(v);

/**
 * The connection runs with mysql2's per-query stack capture off (it costs
 * about a tenth of a query); the error is rebuilt here instead, where the
 * async stack still leads back to the learner's line.
 */
function fromCallSite(err: unknown): Error {
  if (!(err instanceof Error)) return new Error(String(err));
  const rebuilt = new Error(err.message);
  rebuilt.name = err.name;
  for (const key of ['code', 'errno', 'sqlState', 'sqlMessage'] as const) {
    if (key in err) (rebuilt as unknown as Record<string, unknown>)[key] = (err as unknown as Record<string, unknown>)[key];
  }
  return rebuilt;
}

export class CountingDb implements Db {
  reads = 0;
  writes = 0;

  constructor(
    private readonly conn: Connection,
    public faults: DbFaults = {},
  ) {
    // Learner code in its own process gets a stub with this one method: the counts and faults stay here.
    exposeOnly(this, ['query']);
  }

  async query<Row = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<Row[]> {
    if (typeof sql !== 'string') throw new TypeError('db.query(sql, params) expects the SQL text as its first argument');
    if (WRITE.test(sql)) {
      this.writes += 1;
      if (this.faults.failWrites && this.faults.failWrites > 0 && (this.faults.failWritesMatching?.test(sql) ?? true)) {
        this.faults.failWrites -= 1;
        throw new SimulatedDbError('write');
      }
      await this.faults.beforeWrite?.(sql);
    } else {
      this.reads += 1;
      if (this.faults.failReads && this.faults.failReads > 0) {
        this.faults.failReads -= 1;
        throw new SimulatedDbError('read');
      }
    }
    try {
      // Prepared statements are the fast path; arrays (IN (?) lists) need the text protocol's expansion.
      const [rows] = params.length > 0 && params.every(preparable) ? await this.conn.execute(sql, params as never) : await this.conn.query(sql, params);
      return (Array.isArray(rows) ? rows : [rows]) as Row[];
    } catch (err) {
      throw fromCallSite(err);
    }
  }

  resetCounts(): void {
    this.reads = 0;
    this.writes = 0;
  }
}
