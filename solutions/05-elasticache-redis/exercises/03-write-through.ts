/** Reference solution for exercise 3: write-through, database first. */
import type { LabContext, User } from '../../../checker/exercise-api.js';

export async function saveUser(ctx: LabContext, user: User): Promise<void> {
  await ctx.db.query('INSERT INTO users (id, name, email) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE name = VALUES(name), email = VALUES(email)', [
    user.id,
    user.name,
    user.email,
  ]);
  const entry: User = { id: user.id, name: user.name, email: user.email };
  await ctx.redis.set(`user:${user.id}`, JSON.stringify(entry), 'EX', ctx.ttlSeconds);
}
