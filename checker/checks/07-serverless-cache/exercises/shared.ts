/** Helpers the Lab 7 checks share: the seed's users, and what an answer must hold. */
import { sampleUser } from '../../../../labs/07-serverless-cache/seed.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { CheckFailed, ensure } from '../../../runner/harness.js';
import { show } from '../../show-value.js';
import type { Answer, FunctionHarness } from '../function-harness.js';

export { sampleUser };

export interface UserShape {
  id: number;
  name: string;
  email: string;
}

export function sameUser(actual: unknown, expected: UserShape): boolean {
  if (!actual || typeof actual !== 'object') return false;
  const a = actual as Record<string, unknown>;
  return Number(a.id) === expected.id && a.name === expected.name && a.email === expected.email;
}

/** The answer is 200 with { user, source }, the user and (when given) the source as expected. */
export function expectUserAnswer(label: string, answer: Answer, user: UserShape, source?: 'cache' | 'database'): void {
  ensure(answer.status === 200, `${label} answered ${answer.status} ${show(answer.body)}; expected 200 with user ${user.id}`);
  ensure(sameUser(answer.body?.user, user), `${label} answered the user ${show(answer.body?.user)}, expected ${show(user)}`);
  const got = answer.body?.source;
  ensure(got === 'cache' || got === 'database', `${label} answered "source": ${show(got)}; expected "cache" or "database"`);
  if (source)
    ensure(
      got === source,
      `${label} answered "source": ${show(got)}, expected "${source}"${source === 'cache' ? ' (the entry was in Redis)' : ' (the entry was not in Redis)'}`,
    );
}

/** What a TTL may have run down between the learner's SET and the checker's PTTL (a loaded machine included). */
const TTL_READ_SLACK_MS = 1_000;

/** The TTL exists, is within the bound, and at least half of it (jitter yes, a wrong unit no). */
export async function expectBoundedTtl(h: FunctionHarness, key: string, ttlSeconds: number): Promise<number> {
  const pttl = await h.redis.pttl(key);
  ensure(
    pttl !== -2,
    `${key} is not in the cache right after the request that should have filled it (on a cold start too: is the client connected before its first command?)`,
  );
  ensure(pttl !== -1, `${key} has no TTL, so it would live forever: SET it with 'EX', CACHE_TTL_SECONDS`);
  ensure(pttl <= ttlSeconds * 1000, `${key} has a TTL of ${Math.round(pttl / 1000)} s, above CACHE_TTL_SECONDS = ${ttlSeconds} s`);
  // Half the TTL is allowed; the time between the learner's SET and this read is tolerated on top.
  const half = (ttlSeconds * 1000) / 2;
  if (pttl < ttlSeconds * 100) {
    throw new CheckFailed(
      `${key} has a TTL of ${(pttl / 1000).toFixed(3)} s, far below CACHE_TTL_SECONDS = ${ttlSeconds} s (EX takes seconds, PX milliseconds)`,
    );
  }
  ensure(
    pttl >= half - TTL_READ_SLACK_MS,
    `${key} has a TTL of ${(pttl / 1000).toFixed(3)} s, below half of CACHE_TTL_SECONDS = ${ttlSeconds} s: jitter may shorten a TTL to half, no further`,
  );
  return pttl;
}

/** Lets a key expire on the server, as if its TTL had run out. */
export async function expireNow(h: FunctionHarness, key: string): Promise<void> {
  await h.redis.pexpire(key, 1);
  await sleep(15);
}

/** Puts the seed row of a user in the cache, as an earlier read would have. */
export async function primeCachedUser(h: FunctionHarness, id: number, user: UserShape = sampleUser(id)): Promise<void> {
  await h.redis.set(`user:${id}`, JSON.stringify(user), 'EX', 60);
}

/** Some checks mean something only once the handler caches at all (else "works with Redis down" passes by accident). */
export async function requireCacheFill(h: FunctionHarness, id = 1): Promise<void> {
  await h.get(h.lambda(), id);
  if ((await h.redis.exists(`user:${id}`)) === 0) {
    throw new CheckFailed(`cannot be judged yet: GET /users/${id} does not fill the cache (user:${id} is missing after a read)`);
  }
}

export const ms = (value: number) => `${Math.round(value)} ms`;
