import { setTimeout as sleep } from 'node:timers/promises';
import { ensure, type ExerciseCheck } from '../harness.js';
import { cached, expectBoundedTtl, expireNow, requireCacheFill, sameUser, sampleUser } from './shared.js';
import { show } from '../../show-value.js';

const id = (name: string) => `05.02.${name}`;

export const cacheAsideChecks: ExerciseCheck[] = [
  {
    id: id('first-read'),
    name: 'the first read goes to the database and fills the cache',
    hint: 'On a miss: run the query, then SET user:<id> to JSON.stringify(user) with EX ctx.ttlSeconds.',
    async run(h) {
      const { ctx, db } = h.context();
      const user = await h.call('getUser', ctx, 1);
      ensure(sameUser(user, sampleUser(1)), `getUser(ctx, 1) returned ${show(user)}, expected ${show(sampleUser(1))} from the users table`);
      ensure(db.reads >= 1, 'the first getUser(1) on an empty cache sent no query to the database: where did the user come from?');
      ensure(db.reads === 1, `the first getUser(1) on an empty cache sent ${db.reads} queries to the database; a miss runs the loader once`);
      const entry = await cached(h, 'user:1');
      ensure(entry !== undefined, 'after the first getUser(1), user:1 is not in Redis: the cache is never filled');
      ensure(sameUser(entry, sampleUser(1)), `user:1 in Redis holds ${show(entry)}, expected the user row as JSON`);
      return `1 database query, then user:1 cached`;
    },
  },
  {
    id: id('repeat-read'),
    name: 'repeat reads come from Redis, not the database',
    hint: 'GET user:<id> first and return JSON.parse of it on a hit; do not keep your own in-memory copy.',
    async run(h) {
      const { ctx, db } = h.context();
      await h.call('getUser', ctx, 1);
      db.resetCounts();
      for (let i = 0; i < 3; i += 1) await h.call('getUser', ctx, 1);
      // A refresh started after the hit was returned (stale-while-revalidate) reaches the database a moment later.
      await sleep(150);
      ensure(
        db.reads === 0,
        `3 repeat reads of user 1 sent ${db.reads} queries to the database; expected 0 (a hit returns JSON.parse of the entry and runs no loader, not even in the background)`,
      );
      await h.redis.set('user:1', JSON.stringify({ ...sampleUser(1), name: 'Served From Redis' }), 'EX', 60);
      const fromCache = (await h.call('getUser', ctx, 1)) as { name?: string } | null;
      ensure(
        fromCache?.name === 'Served From Redis',
        `after the checker changed user:1 in Redis, getUser(1) returned ${show(fromCache)}: the value is not read from Redis (an in-process copy?)`,
      );
      await h.redis.del('user:1');
      db.resetCounts();
      await h.call('getUser', ctx, 1);
      ensure(db.reads >= 1, 'after user:1 was deleted from Redis, getUser(1) did not query the database: it answers from somewhere other than the cache');
      return '0 database queries for 3 repeat reads, and the value comes from Redis';
    },
  },
  {
    id: id('ttl-bounded'),
    name: 'cache entries get a TTL between 90% and 100% of ctx.ttlSeconds',
    hint: "SET key value 'EX' ctx.ttlSeconds - never a fixed number of your own; jitter may subtract up to a tenth, never add.",
    async run(h) {
      const first = h.context({ ttlSeconds: 45 });
      await h.call('getUser', first.ctx, 1);
      const pttl = await expectBoundedTtl(h, 'user:1', 45, undefined, true);
      const second = h.context({ ttlSeconds: 12 });
      await h.call('getUser', second.ctx, 2);
      await expectBoundedTtl(h, 'user:2', 12, undefined, true);
      return `TTL ${Math.round(pttl / 1000)} s with ctx.ttlSeconds = 45, and it follows ctx.ttlSeconds`;
    },
  },
  {
    id: id('unknown-id'),
    name: 'an unknown id returns null and is not cached forever',
    hint: 'Return null when the query finds no row; if you cache the miss, give it a TTL too.',
    async run(h) {
      await requireCacheFill(h);
      const { ctx } = h.context();
      const missing = await h.call('getUser', ctx, 999_999);
      ensure(missing === null || missing === undefined, `getUser(ctx, 999999) returned ${show(missing)} for an id that is not in the table; expected null`);
      const pttl = await h.pttl('user:999999');
      ensure(pttl !== -1, 'the miss for user 999999 was cached with no TTL: if that user signs up, they stay invisible forever');
      if (pttl > 0) await expectBoundedTtl(h, 'user:999999', ctx.ttlSeconds);
      await h.sql.query('INSERT INTO users (id, name, email) VALUES (999999, ?, ?)', ['Late Signup', 'late@example.com']);
      if (pttl > 0) await expireNow(h, 'user:999999');
      const found = (await h.call('getUser', ctx, 999_999)) as { name?: string } | null;
      ensure(found?.name === 'Late Signup', `after user 999999 was created (and any cached miss expired), getUser returned ${show(found)}`);
      return pttl > 0 ? `miss cached for ${Math.round(pttl / 1000)} s, then the new user is found` : 'null, nothing cached, and the new user is found later';
    },
  },
  {
    id: id('refill-after-expiry'),
    name: 'after the entry expires the next read refills it',
    hint: 'Nothing special to write: a miss after expiry is just another miss. Check that the miss path always SETs.',
    async run(h) {
      const { ctx, db } = h.context();
      await h.call('getUser', ctx, 5);
      ensure((await h.pttl('user:5')) !== -2, 'getUser(5) did not put user:5 in the cache');
      await h.sql.query('UPDATE users SET name = ? WHERE id = 5', ['User 5 (renamed)']);
      await expireNow(h, 'user:5');
      db.resetCounts();
      const fresh = (await h.call('getUser', ctx, 5)) as { name?: string } | null;
      ensure(fresh?.name === 'User 5 (renamed)', `after user:5 expired, getUser(5) returned ${show(fresh)} instead of the row now in the database`);
      ensure(db.reads >= 1, 'after user:5 expired, getUser(5) did not query the database');
      const entry = (await cached(h, 'user:5')) as { name?: string } | undefined;
      ensure(entry?.name === 'User 5 (renamed)', `after the refill, user:5 in Redis holds ${show(entry)}`);
      await expectBoundedTtl(h, 'user:5', ctx.ttlSeconds);
      return 'the expired entry was reloaded from the database and cached again with a TTL';
    },
  },
  {
    id: id('redis-down'),
    name: 'with Redis unreachable, getUser still answers from the database',
    hint: 'Wrap the GET and the SET in try/catch: a cache outage should slow reads down, not break them.',
    async run(h) {
      await requireCacheFill(h);
      const { ctx, db } = h.context({ redisDown: true });
      const outcome = await h.attempt('getUser', ctx, 2);
      ensure(outcome.ok, `with Redis unreachable, ${outcome.ok ? '' : outcome.error.message}: a cache outage must degrade to the database, not fail`);
      ensure(sameUser(outcome.value, sampleUser(2)), `with Redis unreachable getUser(2) returned ${show(outcome.value)}, expected user 2 from the database`);
      ensure(db.reads >= 1, 'with Redis unreachable getUser(2) did not query the database');
      return 'served user 2 from the database while Redis was down (degraded, not failed)';
    },
  },
  {
    id: id('errors-not-cached'),
    name: 'a failed database read is not cached and reaches the caller',
    hint: 'Only SET after the loader resolved; a loader that throws leaves the cache untouched and its error reaches the caller (do not turn it into null).',
    async run(h) {
      await requireCacheFill(h);
      const broken = h.context({ faults: { failReads: 1 } });
      const outcome = await h.attempt('getUser', broken.ctx, 3);
      const entry = await h.redis.get('user:3');
      ensure(entry === null, `after a failed database read, user:3 was cached as ${show(entry)}: never cache a failure, only SET after the loader succeeded`);
      ensure(
        !outcome.ok,
        `the database read failed but getUser(3) resolved to ${show(outcome.ok ? outcome.value : undefined)}: let the loader's error reach the caller (a user that exists is not null)`,
      );
      const { ctx } = h.context();
      const user = await h.call('getUser', ctx, 3);
      ensure(sameUser(user, sampleUser(3)), `once the database recovered, getUser(3) returned ${show(user)}: the failed read was cached`);
      return 'the error reached the caller, nothing was cached, and the next read returned user 3';
    },
  },
  {
    id: id('generic-helper'),
    name: 'cacheAside(ctx, key, loader) runs the loader only on a miss',
    hint: 'getUser should be a one-liner on top of cacheAside; the speed-up measurement uses cacheAside on a heavy query.',
    async run(h) {
      const { ctx } = h.context();
      let calls = 0;
      const report = { rows: [{ country: 'DE', revenue: 1234.5 }], generatedBy: 'loader' };
      const loader = async () => {
        calls += 1;
        return report;
      };
      const first = await h.call('cacheAside', ctx, 'report:revenue', loader);
      const second = await h.call('cacheAside', ctx, 'report:revenue', loader);
      ensure(JSON.stringify(first) === JSON.stringify(report), `cacheAside returned ${show(first)} on a miss, expected the loader's value`);
      ensure(JSON.stringify(second) === JSON.stringify(report), `cacheAside returned ${show(second)} on a hit, expected the cached value`);
      ensure(calls === 1, `the loader ran ${calls} times for two calls with the same key; expected once`);
      await expectBoundedTtl(h, 'report:revenue', ctx.ttlSeconds);
      return 'loader ran once for two calls; report:revenue cached with a TTL';
    },
  },
];
