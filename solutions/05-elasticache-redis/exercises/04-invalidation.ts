/** Reference solution for exercise 4: update, then invalidate. */
import type { LabContext } from '../../../checker/exercise-api.js';

export async function updateUserEmail(ctx: LabContext, id: number, email: string): Promise<void> {
  await ctx.db.query('UPDATE users SET email = ? WHERE id = ?', [email, id]);
  await ctx.redis.del(`user:${id}`);
}
