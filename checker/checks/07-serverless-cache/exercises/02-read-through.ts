import { CACHE_TTL_SECONDS, NEGATIVE_TTL_MAX_SECONDS } from '../../../../labs/07-serverless-cache/function-env.js';
import { CheckFailed, ensure, type ExerciseCheck } from '../../../runner/harness.js';
import { show } from '../../show-value.js';
import type { FunctionHarness } from '../function-harness.js';
import { expectBoundedTtl, expectUserAnswer, expireNow, ms, requireCacheFill, sameUser, sampleUser } from './shared.js';

const id = (name: string) => `07.02.${name}`;
/** With Redis cut off, the handler's own time (REPORT Duration) may be at most this. */
const REDIS_DOWN_BOUND_MS = 1_000;
const SHORT_TTL = 12;

export const readThroughChecks: ExerciseCheck<FunctionHarness>[] = [
  {
    id: id('first-read'),
    name: 'a miss reads the database, answers "source": "database" and fills the cache',
    hint: 'On a miss: read the row, SET user:<id> JSON.stringify(user) EX ttl, answer { user, source: "database" }.',
    async run(h) {
      const fn = h.lambda();
      const first = await h.get(fn, 1);
      expectUserAnswer('GET /users/1 on an empty cache', first, sampleUser(1), 'database');
      const reads = await h.userReads();
      ensure(reads >= 1, 'the first GET /users/1 on an empty cache sent no query for users to the database: where did the user come from?');
      let entry = await h.cached('user:1');
      if (entry === undefined) {
        await h.get(fn, 1);
        entry = await h.cached('user:1');
        ensure(entry !== undefined, 'after the first GET /users/1, user:1 is not in Redis: the cache is never filled');
        ensure(
          !first.invocation.report.coldStart,
          'after the first GET /users/1 of a new execution environment (a cold start), user:1 is not in Redis, though the next GET filled it: the first miss of every cold start goes uncached (a client with enableOfflineQueue: false fails commands sent before it has connected; keep the offline queue, or await redis.connect() at init)',
        );
        throw new CheckFailed('after the first GET /users/1, user:1 is not in Redis, though the next GET filled it: every miss must fill the cache');
      }
      ensure(sameUser(entry, sampleUser(1)), `user:1 in Redis holds ${show(entry)}, expected the user as JSON (not the driver's raw row)`);
      return 'read from the database, then user:1 cached';
    },
  },
  {
    id: id('repeat-read'),
    name: 'repeat reads answer "source": "cache" with no database query and no new connection',
    hint: 'GET user:<id> first; on a hit answer JSON.parse of it with source "cache"; keep no copy in the process; create the clients once, at the top level.',
    async run(h) {
      const fn = h.lambda();
      await h.get(fn, 1);
      await h.sql.query('TRUNCATE TABLE mysql.general_log');
      const [db, redis] = [await h.dbConnections(), await h.redisConnections()];
      for (let i = 0; i < 3; i += 1) expectUserAnswer(`repeat GET /users/1 (#${i + 1})`, await h.get(fn, 1), sampleUser(1), 'cache');
      const reads = await h.userReads();
      ensure(reads === 0, `3 repeat GET /users/1 sent ${reads} queries for users to the database; expected 0 (cache hits)`);
      const [dbOpened, redisOpened] = [(await h.dbConnections()) - db, (await h.redisConnections()) - redis];
      ensure(
        redisOpened === 0 && dbOpened === 0,
        `3 warm GET /users/1 in one execution environment opened ${redisOpened} new Redis and ${dbOpened} new database connections; expected 0: keep creating the clients once, at the top level (as in exercise 01)`,
      );
      const marked = { ...sampleUser(1), name: 'Served From Redis' };
      await h.redis.set('user:1', JSON.stringify(marked), 'EX', 60);
      expectUserAnswer('GET /users/1 after the checker changed user:1 in Redis', await h.get(fn, 1), marked, 'cache');
      await h.redis.del('user:1');
      expectUserAnswer('GET /users/1 after user:1 was deleted from Redis', await h.get(fn, 1), sampleUser(1), 'database');
      return '0 database queries for 3 repeat reads, and the answer is what Redis holds';
    },
  },
  {
    id: id('ttl-bounded'),
    name: 'entries get a TTL within CACHE_TTL_SECONDS (from the environment)',
    hint: "SET key value 'EX' Number(process.env.CACHE_TTL_SECONDS) - jitter may shorten it, never lengthen it.",
    async run(h) {
      await h.get(h.lambda(), 3);
      const pttl = await expectBoundedTtl(h, 'user:3', CACHE_TTL_SECONDS);
      await h.get(h.lambda({ ttlSeconds: SHORT_TTL }), 4);
      await expectBoundedTtl(h, 'user:4', SHORT_TTL);
      return `TTL ${Math.round(pttl / 1000)} s with CACHE_TTL_SECONDS = ${CACHE_TTL_SECONDS}, and it follows the variable (${SHORT_TTL} s)`;
    },
  },
  {
    id: id('missing-user'),
    name: 'an unknown id answers 404 and is not cached for long',
    hint: `Answer 404 when the query finds no row; if you cache the miss, give it a TTL of at most ${NEGATIVE_TTL_MAX_SECONDS} s.`,
    async run(h) {
      await requireCacheFill(h);
      const fn = h.lambda();
      const missing = await h.get(fn, 999_999);
      ensure(missing.status === 404, `GET /users/999999 (no such row) answered ${missing.status} ${show(missing.body)}; expected 404`);
      const again = await h.get(fn, 999_999);
      ensure(
        again.status === 404,
        `a second GET /users/999999 answered ${again.status} ${show(again.body)}; expected 404 again (a cached miss must still be a 404)`,
      );
      const pttl = await h.redis.pttl('user:999999');
      ensure(pttl !== -1, 'the miss for user 999999 was cached with no TTL: if that user signs up, they stay invisible forever');
      ensure(
        pttl <= NEGATIVE_TTL_MAX_SECONDS * 1000,
        `the miss for user 999999 is cached for ${Math.round(pttl / 1000)} s; at most ${NEGATIVE_TTL_MAX_SECONDS} s`,
      );
      await h.sql.query('INSERT INTO users (id, name, email) VALUES (999999, ?, ?)', ['Late Signup', 'late@example.com']);
      if (pttl > 0) await expireNow(h, 'user:999999');
      const found = await h.get(fn, 999_999);
      expectUserAnswer('GET /users/999999 after the user was created (and any cached miss expired)', found, {
        id: 999_999,
        name: 'Late Signup',
        email: 'late@example.com',
      });
      return pttl > 0
        ? `404, the miss cached for ${Math.round(pttl / 1000)} s, then the new user is found`
        : '404, nothing cached, and the new user is found later';
    },
  },
  {
    id: id('bad-id'),
    name: 'an id that is not a positive integer answers 400',
    hint: 'Check the id before any query: /^[1-9]\\d*$/ (userId() in the starting file does it).',
    async run(h) {
      const fn = h.lambda();
      for (const bad of ['abc', '0', '-4', '1.5']) {
        const answer = await h.get(fn, bad);
        ensure(answer.status === 400, `GET /users/${bad} answered ${answer.status} ${show(answer.body)}; expected 400`);
      }
      expectUserAnswer('GET /users/7', await h.get(fn, 7), sampleUser(7));
      return '400 for abc, 0, -4 and 1.5; 200 for 7';
    },
  },
  {
    id: id('redis-down'),
    name: 'with Redis unreachable, GET still answers from the database within 1 s',
    hint: 'Give ioredis short limits (connectTimeout, commandTimeout, maxRetriesPerRequest: 1) and catch cache errors: a cache outage slows reads, it does not break them.',
    async run(h) {
      await requireCacheFill(h);
      const fn = h.lambda();
      h.redisCable.outage();
      const warm = await h.get(fn, 2);
      expectUserAnswer('with Redis unreachable, GET /users/2 (a warm environment)', warm, sampleUser(2), 'database');
      ensure(
        warm.invocation.report.durationMs <= REDIS_DOWN_BOUND_MS,
        `with Redis unreachable, GET /users/2 took ${ms(warm.invocation.report.durationMs)} in the handler; at most ${ms(REDIS_DOWN_BOUND_MS)} (shorter Redis timeouts)`,
      );
      await h.coldStart();
      const cold = await h.get(fn, 3);
      expectUserAnswer('with Redis unreachable, GET /users/3 (a cold start)', cold, sampleUser(3), 'database');
      ensure(
        cold.invocation.report.durationMs <= REDIS_DOWN_BOUND_MS,
        `with Redis unreachable, GET /users/3 after a cold start took ${ms(cold.invocation.report.durationMs)} in the handler; at most ${ms(REDIS_DOWN_BOUND_MS)}`,
      );
      return `answered from the database in ${ms(warm.invocation.report.durationMs)} (warm) and ${ms(cold.invocation.report.durationMs)} (cold) with Redis down`;
    },
  },
];
