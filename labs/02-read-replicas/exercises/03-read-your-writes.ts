/**
 * Lab 2, exercise 3: read-your-writes for a user session.
 *
 * Meant to fail until you complete it. Right after a user saves something,
 * the replica may not have it yet, and the user would see their change
 * "disappear". Fix it per user: for ctx.stickyMs after a user's write, send
 * that user's reads to the primary; everyone else keeps reading the replica,
 * and so does the user once the window has passed.
 *
 * Run: npm run check -- 2 --exercise 03
 */
import type { ReplicaContext } from '../../../checker/exercise-api.js';

export interface SessionRouter {
  write<Row = Record<string, unknown>>(userId: string, sql: string, params?: unknown[]): Promise<Row[]>;
  read<Row = Record<string, unknown>>(userId: string, sql: string, params?: unknown[]): Promise<Row[]>;
}

export function createSessionRouter(ctx: ReplicaContext): SessionRouter {
  return {
    async write(userId, sql, params) {
      throw new Error('TODO: run the write on ctx.primary and remember when this user wrote');
    },
    async read(userId, sql, params) {
      throw new Error("TODO: within ctx.stickyMs of this user's last write read ctx.primary, otherwise ctx.replica");
    },
  };
}
