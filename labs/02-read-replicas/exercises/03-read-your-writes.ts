/**
 * Lab 2, exercise 3: read-your-writes for a user session.
 *
 * Meant to fail until you complete it. Right after a user saves something,
 * the replica may not have it yet, and the user would see their change
 * "disappear". Fix it per user: for ctx.stickyMs after a user's LAST write,
 * send that user's reads to the primary; everyone else keeps reading the
 * replica, and so does the user once the window has passed.
 *
 * What the checks judge:
 * - write(userId, sql, params) always runs on ctx.primary, whatever the
 *   statement, and every call (re)starts that user's window.
 * - The window is ctx.stickyMs milliseconds from the user's last write
 *   (counted from when the write was sent or from when it returned, as you
 *   like); reads do not extend it. Inside it, the user's reads go to the
 *   primary only (the replica is not asked); after it, to the replica.
 * - Both methods pass the caller's params on and resolve to the server's
 *   answer.
 * - Each router keeps its own windows: a router from a new
 *   createSessionRouter(ctx) call starts with no sticky users.
 * The checks read at least 150 ms inside a window or 200 ms after it, so the
 * exact boundary, a read made while the same user's write is still running,
 * and whether a failed write starts a window are up to you.
 *
 * Run: npm run check -- 2 --exercise 03
 */
import type { ReplicaContext } from '../../../checker/exercise-api.js';

/** What a query resolves to: a read's rows; for a write, mysql2's result ({ affectedRows, insertId }) in an array. */
export type Rows = Record<string, unknown>[];

export interface SessionRouter {
  write(userId: string, sql: string, params?: unknown[]): Promise<Rows>;
  read(userId: string, sql: string, params?: unknown[]): Promise<Rows>;
}

export function createSessionRouter(ctx: ReplicaContext): SessionRouter {
  return {
    async write(userId: string, sql: string, params?: unknown[]): Promise<Rows> {
      throw new Error('TODO: run the write on ctx.primary and remember when this user wrote');
    },
    async read(userId: string, sql: string, params?: unknown[]): Promise<Rows> {
      throw new Error("TODO: within ctx.stickyMs of this user's last write read ctx.primary, otherwise ctx.replica");
    },
  };
}
