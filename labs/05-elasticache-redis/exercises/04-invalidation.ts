/**
 * Exercise 4: invalidation on update.
 *
 * Meant to fail until you complete it: updateUserEmail changes the row but
 * leaves the old entry in Redis, so readers keep getting the old email until
 * the TTL runs out (a stale read). Delete user:<id> after the UPDATE
 * succeeded - after, not before: a reader that runs between a delete and the
 * UPDATE would put the old row straight back.
 *
 * Run: npm run check -- 5 --exercise 04
 */
import type { LabContext } from '../../../checker/exercise-api.js';

/** Changes a user's email so that no reader sees the old one afterwards. */
export async function updateUserEmail(ctx: LabContext, id: number, email: string): Promise<void> {
  await ctx.db.query('UPDATE users SET email = ? WHERE id = ?', [email, id]);
  // TODO: invalidate the cached entry user:<id>.
}
