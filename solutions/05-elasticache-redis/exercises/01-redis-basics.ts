/** Reference solution for exercise 1: strings, hashes and TTLs. */
import type { LabContext } from '../../../checker/exercise-api.js';

export async function saveGreeting(ctx: LabContext, name: string, text: string): Promise<void> {
  await ctx.redis.set(`greeting:${name}`, text);
}

export async function readGreeting(ctx: LabContext, name: string): Promise<string | null> {
  return ctx.redis.get(`greeting:${name}`);
}

export async function saveProfile(ctx: LabContext, id: number, fields: Record<string, string>): Promise<void> {
  await ctx.redis.hset(`profile:${id}`, fields);
}

export async function readProfile(ctx: LabContext, id: number): Promise<Record<string, string> | null> {
  const fields = await ctx.redis.hgetall(`profile:${id}`);
  return Object.keys(fields).length === 0 ? null : fields;
}

export async function saveOneTimeCode(ctx: LabContext, user: string, code: string, seconds: number): Promise<void> {
  await ctx.redis.set(`otp:${user}`, code, 'EX', seconds);
}

export async function secondsLeft(ctx: LabContext, user: string): Promise<number | null> {
  const ttl = await ctx.redis.ttl(`otp:${user}`);
  return ttl < 0 ? null : ttl;
}
