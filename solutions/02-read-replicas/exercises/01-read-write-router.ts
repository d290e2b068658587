/** Reference solution for Lab 2, exercise 1: route by statement. */
import type { ReplicaContext } from '../../../checker/exercise-api.js';

export interface Router {
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
}

const READ = /^\s*(select|show)\b/i;

export function createRouter(ctx: ReplicaContext): Router {
  return {
    query(sql, params) {
      return READ.test(sql) ? ctx.replica.query(sql, params) : ctx.primary.query(sql, params);
    },
  };
}
