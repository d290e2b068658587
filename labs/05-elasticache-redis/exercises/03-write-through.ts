/**
 * Exercise 3: write-through.
 *
 * Meant to fail until you complete it: saveUser writes the database but never
 * the cache, so the next read goes to the database (or serves an old entry).
 * Make it write the cache too, in the right order:
 *   1. Write the database and await it. If it fails, let the error reach the
 *      caller and leave the cache alone (no SET, no DEL: the old entry is still
 *      right).
 *   2. Then SET user:<id> to JSON.stringify(user) EX ctx.ttlSeconds - the same
 *      format getUser (exercise 2) reads, with a TTL between 90% and 100% of
 *      ctx.ttlSeconds - and await it, so saveUser resolves only once the cache
 *      holds the new value. If that SET fails after the database succeeded,
 *      throwing or swallowing the error are both accepted (not judged).
 *
 * Run: npm run check -- 5 --exercise 03
 */
import type { LabContext, User } from '../../../checker/exercise-api.js';

/** Creates or updates `user` in the database and in the cache. */
export async function saveUser(ctx: LabContext, user: User): Promise<void> {
  await ctx.db.query('INSERT INTO users (id, name, email) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE name = VALUES(name), email = VALUES(email)', [
    user.id,
    user.name,
    user.email,
  ]);
  // TODO: write the cache entry user:<id> now that the database has the row.
}
