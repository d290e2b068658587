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
/** Beyond the 1 s a caller without the lock may wait: its cache reads, its database read, a loaded machine. */
const WAIT_SLACK_MS = 300;
/** The value the checker puts in a lock to play a caller that took it after the winner's lock expired. */
const OTHER_HOLDER = 'another-caller-took-it-after-yours-expired';

/** A command Redis received (MONITOR), from the function or from one of its scripts. */
interface Seen {
  args: string[];
  source: string;
}

interface Herd {
  answers: Answer[];
  reads: number;
  /** PTTL of lock:user:<id> while the database was held (-2: no such key). */
  lockPttl: number;
  /** With `watch`: the commands Redis received about user:<id> and lock:user:<id>, in order. */
  seen: Seen[];
}

interface HerdOptions {
  /** Watch Redis with MONITOR (the checker's own connection) while the herd runs. */
  watch?: boolean;
  /** Runs while the database is held and the lock should be taken. */
  whileHeld?: () => Promise<void>;
}

/** N concurrent GETs of one uncached user, each in its own warm environment, while the database is slow. */
async function herd(h: FunctionHarness, size: number, userId: number, options: HerdOptions = {}): Promise<Herd> {
  const fn = h.lambda();
  if (fn.environmentCount < size) await fn.provision(size - fn.environmentCount);
  await h.sql.query('TRUNCATE TABLE mysql.general_log');
  const keys = new Set([`user:${userId}`, `lock:user:${userId}`]);
  const seen: Seen[] = [];
  const monitor = options.watch ? await h.redis.monitor() : undefined;
  monitor?.on('monitor', (_time: string, args: string[], source: string) => {
    if (args.some((a) => keys.has(a))) seen.push({ args, source });
  });
  const table = await h.holdUsersTable();
  let answers: Answer[];
  let lockPttl: number;
  try {
    const requests = Promise.all(Array.from({ length: size }, () => h.get(fn, userId)));
    requests.catch(() => {});
    await sleep(SLOW_DB_MS / 2);
    lockPttl = await h.redis.pttl(`lock:user:${userId}`);
    await options.whileHeld?.();
    await sleep(SLOW_DB_MS / 2);
    await table.release();
    answers = await requests;
    // MONITOR reports asynchronously: let the last commands arrive.
    if (monitor) await sleep(100);
  } finally {
    await table.release();
    monitor?.disconnect();
  }
  return { answers, reads: await h.userReads(), lockPttl, seen };
}

const command = (s: Seen) => s.args[0]?.toLowerCase() ?? '';
const DELETES = new Set(['del', 'unlink', 'getdel']);
const describeSeen = (s: Seen) => `${s.args.join(' ')}${s.source === 'lua' ? ' (in a script)' : ''}`;

/** How the function took lock:user:<id>: one SET with NX and an expiry, or the defect MONITOR shows. */
function lockTakenAtomically(seen: Seen[], lockKey: string): string | undefined {
  for (const s of seen) {
    if (s.args[1] !== lockKey) continue;
    const name = command(s);
    const flags = s.args.slice(3).map((a) => a.toLowerCase());
    if (name === 'setnx')
      return `the function took ${lockKey} with SETNX (${describeSeen(s)}), which sets no expiry: a holder that crashes before its EXPIRE leaves a lock that never expires; take it with ONE command, SET ${lockKey} <token> NX PX <ms>`;
    if (['expire', 'pexpire', 'expireat', 'pexpireat'].includes(name))
      return `the function gave ${lockKey} its TTL in a separate ${name.toUpperCase()} (${describeSeen(s)}): a holder that crashes between the two commands leaves a lock that never expires; take it with ONE command, SET ${lockKey} <token> NX PX <ms>`;
    if (name === 'set' && !(flags.includes('nx') && (flags.includes('px') || flags.includes('ex'))))
      return `the function wrote ${lockKey} with ${describeSeen(s)}, without both NX and PX: take it with SET ${lockKey} <token> NX PX <ms>, so only one caller wins and the lock expires by itself`;
  }
  return undefined;
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
      ensure(
        reads === 1,
        `${size} concurrent GET /users/${userId} on a cold key sent ${reads} queries for users to the database; expected exactly 1 (the others wait for the cache)`,
      );
      ensure(
        slowest <= ANSWER_BOUND_MS,
        `of ${size} concurrent GET /users/${userId}, the slowest answered after ${ms(slowest)}; every caller must answer within ${ms(ANSWER_BOUND_MS)}`,
      );
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
    name: 'the herd lock is lock:user:<id>, taken with one SET NX PX, with a TTL of at most 5 s',
    hint: `One command, SET lock:user:<id> <token> NX PX <ms> with ms <= ${LOCK_TTL_MAX_MS} (not SETNX then EXPIRE): a holder that crashes must not block the key for ever.`,
    async run(h) {
      const { lockPttl, seen } = await herd(h, HERD_SIZES[0] ?? 3, 120, { watch: true });
      ensure(
        lockPttl !== -2,
        `while ${HERD_SIZES[0]} callers waited on a slow database, lock:user:120 did not exist: take the lock under that key with SET NX PX`,
      );
      ensure(lockPttl !== -1, 'lock:user:120 has no TTL: if its holder crashes, every later miss for that user waits on a lock nobody will release');
      ensure(lockPttl <= LOCK_TTL_MAX_MS, `lock:user:120 has a TTL of ${ms(lockPttl)}; at most ${ms(LOCK_TTL_MAX_MS)}`);
      const defect = lockTakenAtomically(seen, 'lock:user:120');
      if (defect) throw new CheckFailed(defect);
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
      const handlerMs: number[] = [];
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
        ensure(
          took <= ANSWER_BOUND_MS,
          `with lock:user:${userId} held by a crashed caller, GET /users/${userId} answered after ${ms(took)}; at most ${ms(ANSWER_BOUND_MS)} (stop waiting after ${ms(LOCK_WAIT_MAX_MS)})`,
        );
        handlerMs.push(answer.invocation.report.durationMs);
      }
      // The quicker of the two, so one slow moment of a loaded machine does not count as waiting too long.
      const waited = Math.min(...handlerMs);
      ensure(
        waited <= LOCK_WAIT_MAX_MS + WAIT_SLACK_MS,
        `with lock:user:130 and lock:user:131 held by a crashed caller, each GET spent at least ${ms(waited)} in the handler (REPORT Duration): a caller without the lock re-reads the cache for at most ${ms(LOCK_WAIT_MAX_MS)}, then reads the database itself`,
      );
      return `answered within ${ms(ANSWER_BOUND_MS)} (${ms(waited)} in the handler) although the lock was never released`;
    },
  },
  {
    id: id('lock-released'),
    name: 'the winner deletes its lock after filling the cache, and only while the lock holds its token',
    hint: 'After SET user:<id>, delete the lock in one Lua script: if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) end.',
    async run(h) {
      const { seen, lockPttl } = await herd(h, HERD_SIZES[0] ?? 3, 140, { watch: true });
      if (lockPttl === -2)
        throw new CheckFailed('cannot be judged yet: while the database was slow, lock:user:140 did not exist (take the lock with SET NX PX)');
      const left = await h.redis.pttl('lock:user:140');
      ensure(
        left === -2,
        `after the herd for user 140 answered, lock:user:140 is still there (PTTL ${left} ms): once user:140 is filled, the winner deletes its lock, or every miss for that user waits on it until it expires`,
      );
      const filled = seen.findIndex((s) => ['set', 'setex', 'psetex'].includes(command(s)) && s.args[1] === 'user:140');
      const released = seen.findIndex((s) => DELETES.has(command(s)) && s.args[1] === 'lock:user:140');
      ensure(
        released === -1 || filled === -1 || filled < released,
        `the winner deleted lock:user:140 (${describeSeen(seen[released] as Seen)}) before it filled user:140: a miss arriving in between takes the lock and queries the database again; SET the cache first, then delete the lock`,
      );
      let before: string | null = null;
      const single = await herd(h, 1, 141, {
        async whileHeld() {
          before = await h.redis.get('lock:user:141');
          // As if the winner's lock had expired during its slow read and another caller had taken it.
          if (before !== null) await h.redis.set('lock:user:141', OTHER_HOLDER, 'PX', 10_000);
        },
      });
      expectUserAnswer('GET /users/141', single.answers[0] as Answer, sampleUser(141));
      if (before === null)
        throw new CheckFailed('cannot be judged yet: while the database was slow, lock:user:141 did not exist (take the lock with SET NX PX)');
      const after = await h.redis.get('lock:user:141');
      ensure(
        after === OTHER_HOLDER,
        `while GET /users/141 waited on a slow database, its lock expired and another caller took lock:user:141 (the checker set it to another token); when the winner finished, that caller's lock was ${after === null ? 'deleted' : `replaced by ${after}`}: delete the lock only if it still holds your token (compare and delete in one Lua script)`,
      );
      return 'the lock is deleted after the cache is filled, and a lock another caller took is left alone';
    },
  },
];
