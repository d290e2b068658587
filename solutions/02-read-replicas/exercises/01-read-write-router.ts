/** Reference solution for Lab 2, exercise 1: route by the statement's first keyword. */
import type { ReplicaContext } from '../../../checker/exercise-api.js';

/** What a query resolves to: a read's rows; for a write, mysql2's result ({ affectedRows, insertId }) in an array. */
export type Rows = Record<string, unknown>[];

export interface Router {
  query(sql: string, params?: unknown[]): Promise<Rows>;
}

const READ = /^\s*(select|show)\b/i;

export function createRouter(ctx: ReplicaContext): Router {
  return {
    async query(sql: string, params?: unknown[]): Promise<Rows> {
      return READ.test(sql) ? ctx.replica.query(sql, params) : ctx.primary.query(sql, params);
    },
  };
}
