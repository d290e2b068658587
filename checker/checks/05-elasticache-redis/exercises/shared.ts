/** Helpers the Lab 5 exercise checks share: the lab's data as the servers hold it. */
import { setTimeout as sleep } from 'node:timers/promises';
import { sampleUser } from '../../../../labs/05-elasticache-redis/seed.js';
import type { User } from '../../../exercise-api.js';
import { CheckFailed, describeTtl, ensure, type Harness } from '../harness.js';
import { show } from '../../show-value.js';

export { sampleUser };

export function sameUser(actual: unknown, expected: User): boolean {
  if (!actual || typeof actual !== 'object') return false;
  const a = actual as Record<string, unknown>;
  return Number(a.id) === expected.id && a.name === expected.name && a.email === expected.email;
}

/** The cached entry for a key, parsed; undefined when the key is missing. */
export async function cached(h: Harness, key: string): Promise<unknown> {
  const raw = await h.redis.get(key);
  if (raw === null) return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    throw new CheckFailed(`${key} holds ${show(raw)}, which is not JSON: store JSON.stringify(value) so every reader can parse it`);
  }
}

/**
 * The TTL must exist and stay within the lab's bound. With `atLeastHalf`, it
 * must also be at least half the bound (room for jitter): a TTL set in
 * milliseconds by mistake (PX) or a tiny fixed one makes the cache useless.
 */
export async function expectBoundedTtl(
  h: Harness,
  key: string,
  ttlSeconds: number,
  fix = "pass 'EX', ctx.ttlSeconds to SET",
  atLeastHalf = false,
): Promise<number> {
  const pttl = await h.pttl(key);
  ensure(pttl !== -2, `${key} is not in the cache`);
  ensure(pttl !== -1, `${key} has no TTL, so it would live forever: ${fix}`);
  ensure(pttl <= ttlSeconds * 1000, `${key} has a TTL of ${Math.round(pttl / 1000)} s, above the lab's bound of ctx.ttlSeconds = ${ttlSeconds} s`);
  if (atLeastHalf) {
    ensure(
      pttl >= (ttlSeconds * 1000) / 2,
      `${key} has a TTL of ${(pttl / 1000).toFixed(3)} s, far below ctx.ttlSeconds = ${ttlSeconds} s: entries expire before they help (PX takes milliseconds; EX takes seconds)`,
    );
  }
  return pttl;
}

/**
 * Several checks only mean something once the cache is in use: without this,
 * a database-only getUser would pass "works when Redis is down" by accident.
 */
export async function requireCacheFill(h: Harness, id = 1): Promise<void> {
  const { ctx } = h.context();
  await h.call('getUser', ctx, id);
  const pttl = await h.pttl(`user:${id}`);
  if (pttl === -2) {
    throw new CheckFailed(`cannot be judged yet: getUser(${id}) does not fill the cache (user:${id} is missing after a read)`);
  }
}

/** Puts the seed row of a user in the cache, as an earlier cache-aside read would have. */
export async function primeCachedUser(h: Harness, userId: number): Promise<void> {
  await h.redis.set(`user:${userId}`, JSON.stringify(sampleUser(userId)), 'EX', 60);
}

/** Lets a key expire on the server, as if its TTL had run out. */
export async function expireNow(h: Harness, key: string): Promise<void> {
  await h.redis.pexpire(key, 1);
  await sleep(15);
}

export { describeTtl };
