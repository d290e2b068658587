/**
 * Exercise 5: TTLs that do work - a session store with sliding expiration
 * and a leaderboard that expires.
 *
 * Meant to fail until you complete it: sessions never expire, reading a
 * session does not renew it, the leaderboard lives forever and topPlayers is
 * not written yet.
 *   - createSession: SET session:<id> JSON EX ctx.ttlSeconds (a second call
 *     for the same id replaces the session)
 *   - getSession: return the parsed session (null when missing, and nothing
 *     written) and renew its TTL on every hit, so an active user is not
 *     logged out (sliding expiration)
 *   - addScore: ZINCRBY leaderboard:<board>, then EXPIRE it ctx.ttlSeconds on
 *     every call, so the board lives ctx.ttlSeconds after its last score
 *   - topPlayers: the best `n` as [{ player, score }], highest first, with
 *     numeric scores (fractions kept: Number(), not parseInt); n < 1 returns []
 * Every TTL here, as in exercises 2 and 3, is between 90% and 100% of
 * ctx.ttlSeconds. The order of equal scores is not judged.
 *
 * Run: npm run check -- 5 --exercise 05
 */
import type { LabContext } from '../../../checker/exercise-api.js';

export type Session = Record<string, unknown>;

export async function createSession(ctx: LabContext, sessionId: string, data: Session): Promise<void> {
  // TODO: give the session a TTL of ctx.ttlSeconds.
  await ctx.redis.set(`session:${sessionId}`, JSON.stringify(data));
}

export async function getSession(ctx: LabContext, sessionId: string): Promise<Session | null> {
  const raw = await ctx.redis.get(`session:${sessionId}`);
  // TODO: renew the TTL on every hit (EXPIRE, or GETEX instead of GET).
  return raw === null ? null : (JSON.parse(raw) as Session);
}

export async function addScore(ctx: LabContext, board: string, player: string, points: number): Promise<void> {
  await ctx.redis.zincrby(`leaderboard:${board}`, points, player);
  // TODO: let the leaderboard expire after ctx.ttlSeconds.
}

export async function topPlayers(ctx: LabContext, board: string, n: number): Promise<Array<{ player: string; score: number }>> {
  throw new Error('TODO: n < 1 returns []; else ZRANGE leaderboard:<board> 0 n-1 REV WITHSCORES, then pair names with numeric scores');
}
