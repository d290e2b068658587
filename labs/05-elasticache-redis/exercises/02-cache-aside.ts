/**
 * Exercise 2: cache-aside (lazy loading).
 *
 * Meant to fail until you complete it: getUser below goes to the database on
 * every call and cacheAside never caches. Make cacheAside:
 *   1. GET the key; on a hit return JSON.parse(value) - no database query,
 *      not even a refresh in the background.
 *   2. On a miss run loader() once, SET key JSON.stringify(value) EX ctx.ttlSeconds,
 *      return it. The TTL is the lab's one rule for every entry: between 90% and
 *      100% of ctx.ttlSeconds (EX ctx.ttlSeconds; jitter may subtract up to a
 *      tenth, never add).
 *   3. Keep answering when Redis is down: a failed GET or SET falls back to
 *      the loader (degraded, not failed). Whether you still try the SET after
 *      a failed GET is up to you.
 *   4. Never cache a failure: only SET after the loader succeeded; a loader
 *      that throws leaves the cache untouched and its error reaches the caller.
 * Then build getUser on top of it with the key user:<id>, holding the row as a
 * JSON string. An unknown id returns null; caching that null is up to you, but
 * only with a TTL (at most ctx.ttlSeconds). Read Redis every time: no copy of
 * your own in the process.
 *
 * Run: npm run check -- 5 --exercise 02
 */
import type { LabContext, User } from '../../../checker/exercise-api.js';

/** Returns the cached value for `key`, or runs `loader` and caches its result for ctx.ttlSeconds. */
export async function cacheAside<T>(ctx: LabContext, key: string, loader: () => Promise<T>): Promise<T> {
  // TODO: look in Redis first, and cache what the loader returns.
  return loader();
}

/** Reads one user from the users table; null when there is no such id. Given, no need to change. */
export async function loadUserFromDb(ctx: LabContext, id: number): Promise<User | null> {
  const rows = await ctx.db.query<User>('SELECT id, name, email FROM users WHERE id = ?', [id]);
  return rows[0] ?? null;
}

/** Returns user `id` through the cache (key user:<id>), or null when the user does not exist. */
export async function getUser(ctx: LabContext, id: number): Promise<User | null> {
  // TODO: go through cacheAside with the key user:<id> instead of straight to the database.
  return loadUserFromDb(ctx, id);
}
