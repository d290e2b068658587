/** Reference solution for exercise 2: cache-aside that degrades gracefully. */
import type { LabContext, User } from '../../../checker/exercise-api.js';

export async function cacheAside<T>(ctx: LabContext, key: string, loader: () => Promise<T>): Promise<T> {
  try {
    const hit = await ctx.redis.get(key);
    if (hit !== null) return JSON.parse(hit) as T;
  } catch {
    // Cache unreachable: fall through to the database.
  }
  const value = await loader();
  try {
    await ctx.redis.set(key, JSON.stringify(value), 'EX', ctx.ttlSeconds);
  } catch {
    // Could not cache it this time; the caller still gets the value.
  }
  return value;
}

export async function loadUserFromDb(ctx: LabContext, id: number): Promise<User | null> {
  const rows = await ctx.db.query<User>('SELECT id, name, email FROM users WHERE id = ?', [id]);
  return rows[0] ?? null;
}

export async function getUser(ctx: LabContext, id: number): Promise<User | null> {
  return cacheAside(ctx, `user:${id}`, () => loadUserFromDb(ctx, id));
}
