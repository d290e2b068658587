/**
 * Exercise 4: invalidation on update.
 *
 * Meant to fail until you complete it: updateUserEmail changes the row but
 * leaves the old entry in Redis, so readers keep getting the old email until
 * the TTL runs out (a stale read). Await the UPDATE, then delete user:<id>
 * (DEL or UNLINK) and await that too - after, not before or beside it: a
 * reader that runs between a delete and the UPDATE would put the old row
 * straight back. The key must be gone when updateUserEmail resolves, on every
 * update of every user; rewriting or shortening the entry is not deleting it,
 * and other keys stay. If the UPDATE fails, let the error reach the caller.
 * (An extra delete before the UPDATE is allowed, if the one after it stays.)
 *
 * Deleting after the UPDATE does not close every race: a reader that loaded
 * the old row before the UPDATE can still SET it after your DEL. The TTL is
 * what bounds that case.
 *
 * Run: npm run check -- 5 --exercise 04
 */
import type { LabContext } from '../../../checker/exercise-api.js';

/** Changes a user's email so that no reader sees the old one afterwards. */
export async function updateUserEmail(ctx: LabContext, id: number, email: string): Promise<void> {
  await ctx.db.query('UPDATE users SET email = ? WHERE id = ?', [email, id]);
  // TODO: invalidate the cached entry user:<id>.
}
