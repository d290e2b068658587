/** Reference solution for exercise 5: sliding sessions and an expiring leaderboard. */
import type { LabContext } from '../../../checker/exercise-api.js';

export type Session = Record<string, unknown>;

export async function createSession(ctx: LabContext, sessionId: string, data: Session): Promise<void> {
  await ctx.redis.set(`session:${sessionId}`, JSON.stringify(data), 'EX', ctx.ttlSeconds);
}

export async function getSession(ctx: LabContext, sessionId: string): Promise<Session | null> {
  // GETEX reads and renews in one round trip; on a missing key it does nothing.
  const raw = await ctx.redis.getex(`session:${sessionId}`, 'EX', ctx.ttlSeconds);
  return raw === null ? null : (JSON.parse(raw) as Session);
}

export async function addScore(ctx: LabContext, board: string, player: string, points: number): Promise<void> {
  const key = `leaderboard:${board}`;
  await ctx.redis.multi().zincrby(key, points, player).expire(key, ctx.ttlSeconds).exec();
}

export async function topPlayers(ctx: LabContext, board: string, n: number): Promise<Array<{ player: string; score: number }>> {
  // ZRANGE 0 n-1 would be 0 -1 for n = 0: the whole board. The top 0 is nobody.
  if (n < 1) return [];
  const flat = await ctx.redis.zrange(`leaderboard:${board}`, 0, n - 1, 'REV', 'WITHSCORES');
  const top: Array<{ player: string; score: number }> = [];
  for (let i = 0; i < flat.length; i += 2) top.push({ player: flat[i], score: Number(flat[i + 1]) });
  return top;
}
