/**
 * The `Db` an exercise receives: a thin layer over a real connection that
 * counts what the learner's code sends and can be told to fail, so checks
 * judge behaviour (how many queries, what happens on a failed write).
 */
import type { Connection } from 'mysql2/promise';
import type { Db } from '../exercise-api.js';

export interface DbFaults {
  failReads?: number;
  failWrites?: number;
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

export class CountingDb implements Db {
  reads = 0;
  writes = 0;
  readonly statements: string[] = [];

  constructor(
    private readonly conn: Connection,
    public faults: DbFaults = {},
  ) {}

  async query<Row = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<Row[]> {
    if (typeof sql !== 'string') throw new TypeError('db.query(sql, params) expects the SQL text as its first argument');
    this.statements.push(sql);
    if (WRITE.test(sql)) {
      this.writes += 1;
      if (this.faults.failWrites && this.faults.failWrites > 0) {
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
    const [rows] = await this.conn.query(sql, params);
    return (Array.isArray(rows) ? rows : [rows]) as Row[];
  }

  resetCounts(): void {
    this.reads = 0;
    this.writes = 0;
    this.statements.length = 0;
  }
}
