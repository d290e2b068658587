/**
 * Lab 2, exercise 1: a read/write router.
 *
 * Meant to fail until you complete it: the router below still throws its
 * starting TODO. Reads (SELECT, SHOW) go to the replica, everything else to
 * the primary - a replica refuses writes with error 1290 (read-only), and
 * sending reads to the primary wastes the replica you pay for.
 *
 * What the checks judge:
 * - A read is a statement whose FIRST keyword is SELECT or SHOW, in any
 *   letter case, after any leading spaces, tabs or newlines (and with any of
 *   them after the keyword). Everything else goes to the primary: INSERT
 *   (INSERT ... SELECT too), UPDATE, DELETE, REPLACE, CREATE, DROP...
 * - query(sql, params) keeps the Db shape: it sends the statement once, with
 *   its params, to that one server, and resolves to that server's answer
 *   once it has answered (no cache, no second try elsewhere, even when a
 *   read finds no rows), or rejects with the server's error.
 * - Each router uses the ctx it was made with (no state shared between
 *   createRouter calls).
 * The checks send no statement that starts with a comment, a parenthesis,
 * WITH or EXPLAIN, and no SELECT ... FOR UPDATE: route those as you see fit.
 *
 * Run: npm run check -- 2 --exercise 01
 */
import type { ReplicaContext } from '../../../checker/exercise-api.js';

/** What a query resolves to: a read's rows; for a write, mysql2's result ({ affectedRows, insertId }) in an array. */
export type Rows = Record<string, unknown>[];

export interface Router {
  query(sql: string, params?: unknown[]): Promise<Rows>;
}

export function createRouter(ctx: ReplicaContext): Router {
  return {
    async query(sql: string, params?: unknown[]): Promise<Rows> {
      throw new Error('TODO: send SELECT/SHOW to ctx.replica and every other statement to ctx.primary');
    },
  };
}
