import { setTimeout as sleep } from 'node:timers/promises';
import { CACHE_TTL_SECONDS, LOCK_TTL_MAX_MS, LOCK_WAIT_MAX_MS } from '../../../../labs/07-serverless-cache/function-env.js';
import { CheckFailed, ensure, type ExerciseCheck } from '../../../runner/harness.js';
import type { Answer, FunctionHarness } from '../function-harness.js';
import { expectBoundedTtl, expectUserAnswer, ms, sampleUser } from './shared.js';

const id = (name: string) => `07.04.${name}`;
/** How long the checker keeps the users table locked: the database "takes" this long to answer. */
const SLOW_DB_MS = 400;
/** Every caller of a herd, and the caller behind a stale lock, answers within this (round trip, warm environments). */
const ANSWER_BOUND_MS = 2_000;
const HERD_SIZES = [3, 5];

interface Herd {
  answers: Answer[];
  reads: number;
  /** PTTL of lock:user:<id> while the database was held (-2: no such key). */
  lockPttl: number;
}

/** N concurrent GETs of one uncached user, each in its own warm environment, while the database is slow. */
async function herd(h: FunctionHarness, size: number, userId: number): Promise<Herd> {
  const fn = h.lambda();
  if (fn.environmentCount < size) await fn.provision(size - fn.environmentCount);
  await h.sql.query('TRUNCATE TABLE mysql.general_log');
  const table = await h.holdUsersTable();
  let answers: Answer[];
  let lockPttl: number;
  try {
    const requests = Promise.all(Array.from({ length: size }, () => h.get(fn, userId)));
    requests.catch(() => {});
    await sleep(SLOW_DB_MS / 2);
    lockPttl = await h.redis.pttl(`lock:user:${userId}`);
    await sleep(SLOW_DB_MS / 2);
    await table.release();
    answers = await requests;
  } finally {
    await table.release();
  }
  return { answers, reads: await h.userReads(), lockPttl };
}

/** One herd size per check: each provisions only the environments the previous one did not (they stay warm). */
function herdCheck(size: number, userId: number): ExerciseCheck<FunctionHarness> {
  return {
    id: id(size === HERD_SIZES[0] ? 'one-query' : `one-query-${size}`),
    name: `a herd of ${size} concurrent misses sends exactly one query to the database`,
    hint: 'Concurrent requests run in different environments: take a Redis lock (SET lock:user:<id> token NX PX 3000); only the winner queries; the rest re-read the cache.',
    async run(h) {
      const { answers, reads } = await herd(h, size, userId);
      for (const a of answers) expectUserAnswer(`one of ${size} concurrent GET /users/${userId}`, a, sampleUser(userId));
      const slowest = Math.max(...answers.map((a) => a.invocation.roundTripMs));
      ensure(reads === 1, `${size} concurrent GET /users/${userId} on a cold key sent ${reads} queries for users to the database; expected exactly 1 (the others wait for the cache)`);
      ensure(slowest <= ANSWER_BOUND_MS, `of ${size} concurrent GET /users/${userId}, the slowest answered after ${ms(slowest)}; every caller must answer within ${ms(ANSWER_BOUND_MS)}`);
      return `${size} callers: 1 query, slowest answer after ${ms(slowest)}`;
    },
  };
}

export const herdProtectionChecks: ExerciseCheck<FunctionHarness>[] = [
  {
    id: id('read-through'),
    name: 'a miss reads the database and fills the cache; the next GET is a hit',
    hint: 'The read-through of exercise 02 stays: GET user:<id>, on a miss read the row and SET it with EX CACHE_TTL_SECONDS.',
    async run(h) {
      const fn = h.lambda();
      expectUserAnswer('GET /users/1 on an empty cache', await h.get(fn, 1), sampleUser(1), 'database');
      await expectBoundedTtl(h, 'user:1', CACHE_TTL_SECONDS);
      expectUserAnswer('the next GET /users/1', await h.get(fn, 1), sampleUser(1), 'cache');
      return 'database, then cache, with a bounded TTL';
    },
  },
  ...HERD_SIZES.map((size, i) => herdCheck(size, 101 + i)),
  {
    id: id('lock-expires'),
    name: 'the herd lock is lock:user:<id> with a TTL of at most 5 s',
    hint: `SET lock:user:<id> <token> NX PX <ms> with ms <= ${LOCK_TTL_MAX_MS}: a holder that crashes must not block the key for ever.`,
    async run(h) {
      const { lockPttl } = await herd(h, HERD_SIZES[0] ?? 3, 120);
      ensure(lockPttl !== -2, `while ${HERD_SIZES[0]} callers waited on a slow database, lock:user:120 did not exist: take the lock under that key with SET NX PX`);
      ensure(lockPttl !== -1, 'lock:user:120 has no TTL: if its holder crashes, every later miss for that user waits on a lock nobody will release');
      ensure(lockPttl <= LOCK_TTL_MAX_MS, `lock:user:120 has a TTL of ${ms(lockPttl)}; at most ${ms(LOCK_TTL_MAX_MS)}`);
      const left = await h.redis.pttl('lock:user:120');
      ensure(left === -2 || (left > 0 && left <= LOCK_TTL_MAX_MS), `after the herd, lock:user:120 is left with ${left === -1 ? 'no TTL' : `PTTL ${left}`}`);
      return `lock:user:120 held with a ${ms(lockPttl)} TTL left while the database was slow`;
    },
  },
  {
    id: id('stale-lock'),
    name: 'a lock left by a crashed caller delays a GET by at most 1 s',
    hint: `Without the lock, re-read the cache every few tens of ms for at most ${LOCK_WAIT_MAX_MS} ms, then read the database yourself.`,
    async run(h) {
      const fn = h.lambda();
      await h.get(fn, 1);
      for (const userId of [130, 131]) {
        await h.redis.set(`lock:user:${userId}`, 'a-caller-that-crashed', 'PX', 10_000);
        let answer: Answer;
        try {
          answer = await h.get(fn, userId);
        } catch (err) {
          throw new CheckFailed(`with lock:user:${userId} left behind by a crashed caller: ${(err as Error).message}`);
        }
        expectUserAnswer(`GET /users/${userId} while lock:user:${userId} is held by a crashed caller`, answer, sampleUser(userId));
        const took = answer.invocation.roundTripMs;
        ensure(took <= ANSWER_BOUND_MS, `with lock:user:${userId} held by a crashed caller, GET /users/${userId} answered after ${ms(took)}; at most ${ms(ANSWER_BOUND_MS)} (stop waiting after ${ms(LOCK_WAIT_MAX_MS)})`);
      }
      return `answered within ${ms(ANSWER_BOUND_MS)} although the lock was never released`;
    },
  },
];
