/** Reference solution for Lab 2, exercise 3: sticky reads after a user's own write. */
import type { ReplicaContext } from '../../../checker/exercise-api.js';

/** What a query resolves to: a read's rows; for a write, mysql2's result ({ affectedRows, insertId }) in an array. */
export type Rows = Record<string, unknown>[];

export interface SessionRouter {
  write(userId: string, sql: string, params?: unknown[]): Promise<Rows>;
  read(userId: string, sql: string, params?: unknown[]): Promise<Rows>;
}

export function createSessionRouter(ctx: ReplicaContext): SessionRouter {
  const lastWrite = new Map<string, number>();
  return {
    async write(userId: string, sql: string, params?: unknown[]): Promise<Rows> {
      const rows = await ctx.primary.query(sql, params);
      lastWrite.set(userId, Date.now());
      return rows;
    },
    async read(userId: string, sql: string, params?: unknown[]): Promise<Rows> {
      const wrote = lastWrite.get(userId);
      const sticky = wrote !== undefined && Date.now() - wrote < ctx.stickyMs;
      return sticky ? ctx.primary.query(sql, params) : ctx.replica.query(sql, params);
    },
  };
}
