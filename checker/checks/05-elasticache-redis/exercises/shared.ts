/** Helpers the Lab 5 exercise checks share: the lab's data as the servers hold it. */
import { setTimeout as sleep } from 'node:timers/promises';
import { sampleUser } from '../../../../labs/05-elasticache-redis/seed.js';
import type { User } from '../../../exercise-api.js';
import { CheckFailed, CheckSkipped, describeTtl, ensure, type Harness } from '../harness.js';
import { show } from '../../show-value.js';

export { sampleUser };

export function sameUser(actual: unknown, expected: User): boolean {
  if (!actual || typeof actual !== 'object') return false;
  const a = actual as Record<string, unknown>;
  return Number(a.id) === expected.id && a.name === expected.name && a.email === expected.email;
}

/** The cached entry for a key, parsed; undefined when the key is missing. */
export async function cached(h: Harness, key: string): Promise<unknown> {
  const type = await h.redis.type(key);
  if (type === 'none') return undefined;
  ensure(type === 'string', `${key} is a Redis ${type}, not a string: store JSON.stringify(value) with SET so every reader (getUser's JSON.parse) can read it`);
  const raw = await h.redis.get(key);
  if (raw === null) return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    throw new CheckFailed(`${key} holds ${show(raw)}, which is not JSON: store JSON.stringify(value) so every reader can parse it`);
  }
}

/** The lab's TTL window: at most ctx.ttlSeconds, at least this share of it (jitter may subtract up to a tenth, never add). */
export const TTL_FLOOR = 0.9;
/** Allowed below the floor: whole-second rounding of a jittered TTL, and the time between the SET and the checker's PTTL. */
const ROUNDING_MS = 1_000;

/**
 * The TTL must exist and stay within ctx.ttlSeconds. With `inWindow`, it must
 * also be at least 90% of it (the lesson's jitter): a TTL set in milliseconds
 * by mistake (PX) or a small fixed one makes the cache useless.
 */
export async function expectBoundedTtl(
  h: Harness,
  key: string,
  ttlSeconds: number,
  fix = "pass 'EX', ctx.ttlSeconds to SET",
  inWindow = false,
): Promise<number> {
  const pttl = await h.pttl(key);
  ensure(
    pttl !== -2,
    inWindow
      ? `${key} is not in the cache right after it was written: it never was, or its TTL ran out at once (PX takes milliseconds; EX takes seconds)`
      : `${key} is not in the cache`,
  );
  ensure(pttl !== -1, `${key} has no TTL, so it would live forever: ${fix}`);
  ensure(pttl <= ttlSeconds * 1000, `${key} has a TTL of ${Math.round(pttl / 1000)} s, above the lab's bound of ctx.ttlSeconds = ${ttlSeconds} s`);
  if (inWindow) {
    ensure(
      pttl >= ttlSeconds * 1000 * TTL_FLOOR - ROUNDING_MS,
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

/** A command Redis received (MONITOR): its words and the client that sent it (`lua` inside a script). */
export interface Seen {
  args: string[];
  source: string;
}

/**
 * The commands about `keys` Redis receives while `action` runs, seen by the
 * checker's own MONITOR connection. ElastiCache offers no MONITOR: there the
 * check is skipped.
 */
export async function watchCommands(h: Harness, keys: string[], action: () => Promise<void>): Promise<Seen[]> {
  const wanted = new Set(keys);
  const seen: Seen[] = [];
  let monitor: Awaited<ReturnType<Harness['redis']['monitor']>>;
  try {
    monitor = await h.redis.monitor();
  } catch (err) {
    throw new CheckSkipped(
      `needs Redis MONITOR, which this server refuses (${(err as Error).message}): judged on the local target (npm run check -- 5 --target local)`,
    );
  }
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    const name = args[0]?.toLowerCase();
    if (name === 'multi' || name === 'exec' || name === 'discard' || args.some((a) => wanted.has(a))) seen.push({ args, source });
  });
  try {
    await action();
    // MONITOR reports asynchronously: let the last commands arrive.
    await sleep(100);
  } finally {
    monitor.disconnect();
  }
  return seen;
}

/**
 * Holds every client's write commands for `ms` (CLIENT PAUSE WRITE; reads go
 * on), so a write the learner's code sends but does not await is still
 * pending when its function resolves. ElastiCache refuses CLIENT PAUSE: there
 * the check is skipped (call it once before the learner's code runs, so the
 * refusal never reaches their code).
 */
export async function pauseWrites(h: Harness, ms: number): Promise<void> {
  try {
    await h.redis.call('CLIENT', 'PAUSE', String(ms), 'WRITE');
  } catch (err) {
    throw new CheckSkipped(
      `needs CLIENT PAUSE, which this server refuses (${(err as Error).message}): judged on the local target (npm run check -- 5 --target local)`,
    );
  }
}

export async function unpauseWrites(h: Harness): Promise<void> {
  await h.redis.call('CLIENT', 'UNPAUSE').catch(() => undefined);
}

/**
 * Waits until `changed()` holds or `ms` pass; true if it held. Used inside a
 * held database write: whatever the learner's code does to the cache before
 * its write returns shows up here.
 */
export async function cacheChangesWithin(ms: number, changed: () => Promise<boolean>): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await changed()) return true;
    await sleep(10);
  }
  return changed();
}
