/** Reference solution for Lab 2, exercise 3: sticky reads after a user's own write. */
import type { ReplicaContext } from '../../../checker/exercise-api.js';

export interface SessionRouter {
  write<Row = Record<string, unknown>>(userId: string, sql: string, params?: unknown[]): Promise<Row[]>;
  read<Row = Record<string, unknown>>(userId: string, sql: string, params?: unknown[]): Promise<Row[]>;
}

export function createSessionRouter(ctx: ReplicaContext): SessionRouter {
  const lastWrite = new Map<string, number>();
  return {
    async write(userId, sql, params) {
      const rows = await ctx.primary.query(sql, params);
      lastWrite.set(userId, Date.now());
      return rows as never;
    },
    read(userId, sql, params) {
      const wrote = lastWrite.get(userId);
      const sticky = wrote !== undefined && Date.now() - wrote < ctx.stickyMs;
      return sticky ? ctx.primary.query(sql, params) : ctx.replica.query(sql, params);
    },
  };
}
