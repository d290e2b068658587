/**
 * Lab 2, exercise 1: a read/write router.
 *
 * Meant to fail until you complete it: the router below still throws its
 * starting TODO. Reads (SELECT, SHOW) go to the replica, everything else to
 * the primary - a replica refuses writes with error 1290 (read-only), and
 * sending reads to the primary wastes the replica you pay for.
 *
 * Run: npm run check -- 2 --exercise 01
 */
import type { ReplicaContext } from '../../../checker/exercise-api.js';

export interface Router {
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
}

export function createRouter(ctx: ReplicaContext): Router {
  return {
    async query(sql, params) {
      throw new Error('TODO: send SELECT/SHOW to ctx.replica and every other statement to ctx.primary');
    },
  };
}
