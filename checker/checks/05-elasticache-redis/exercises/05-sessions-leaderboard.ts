import { setTimeout as sleep } from 'node:timers/promises';
import { CheckFailed, describeTtl, ensure, type ExerciseCheck, type Harness } from '../harness.js';
import { expectBoundedTtl, expireNow, TTL_FLOOR } from './shared.js';
import { show } from '../../show-value.js';

const id = (name: string) => `05.05.${name}`;

const cart = { userId: 1, cart: ['book', 'lamp'] };

async function requireSessionTtl(h: Harness): Promise<void> {
  const { ctx } = h.context();
  await h.call('createSession', ctx, 'probe', cart);
  if ((await h.pttl('session:probe')) <= 0) throw new CheckFailed('cannot be judged yet: createSession does not give the session a TTL');
}

async function requireBoardTtl(h: Harness, board: string): Promise<void> {
  // A board name of its own per check, so code that remembers boards cannot fool the probe.
  const { ctx } = h.context();
  await h.call('addScore', ctx, board, 'ada', 1);
  if ((await h.pttl(`leaderboard:${board}`)) <= 0) throw new CheckFailed('cannot be judged yet: addScore does not give the leaderboard a TTL');
}

export const sessionLeaderboardChecks: ExerciseCheck[] = [
  {
    id: id('session-created'),
    name: 'a session is stored with a TTL and read back',
    hint: "SET session:<id> JSON.stringify(data) 'EX' ctx.ttlSeconds; getSession parses it.",
    async run(h) {
      const { ctx } = h.context({ ttlSeconds: 37 });
      await h.call('createSession', ctx, 's1', cart);
      await expectBoundedTtl(h, 'session:s1', 37, "SET ... 'EX', ctx.ttlSeconds", true);
      const read = await h.call('getSession', ctx, 's1');
      ensure(JSON.stringify(read) === JSON.stringify(cart), `getSession(ctx, 's1') returned ${show(read)}, expected ${show(cart)}`);
      const missing = await h.call('getSession', ctx, 'no-such-session');
      ensure(missing === null, `getSession for an unknown id returned ${show(missing)}, expected null`);
      const replaced = { userId: 2, cart: [] };
      await h.call('createSession', ctx, 's1', replaced);
      const stored = await h.redis.get('session:s1');
      ensure(
        stored !== null && JSON.stringify(JSON.parse(stored)) === JSON.stringify(replaced),
        `a second createSession(ctx, 's1', ${show(replaced)}) left session:s1 holding ${show(stored)}: createSession replaces the session (a plain SET, no NX)`,
      );
      await expectBoundedTtl(h, 'session:s1', 37, "SET ... 'EX', ctx.ttlSeconds", true);
      return 'stored with a TTL, read back intact, and replaced by a second createSession';
    },
  },
  {
    id: id('session-slides'),
    name: 'each access renews the session TTL (sliding expiration)',
    hint: 'On every getSession hit, EXPIRE the key again (or use GETEX key EX ttl).',
    async run(h) {
      const { ctx } = h.context({ ttlSeconds: 83 });
      await h.call('createSession', ctx, 's2', cart);
      await h.redis.pexpire('session:s2', 2_000);
      const before = await h.pttl('session:s2');
      await h.call('getSession', ctx, 's2');
      const after = await h.pttl('session:s2');
      ensure(
        after > 2_000,
        `the TTL did not slide: ${describeTtl(before)} before getSession and ${describeTtl(after)} after (expected ctx.ttlSeconds = 83 s again)`,
      );
      ensure(
        after >= 83_000 * TTL_FLOOR - 1_000 && after <= 83_000,
        `getSession renewed the TTL to ${describeTtl(after)}, not to ctx.ttlSeconds = 83 s (the lab allows 90% to 100% of it)`,
      );
      // Renewed on every hit, not only when the session is about to expire.
      await h.redis.pexpire('session:s2', 50_000);
      await h.call('getSession', ctx, 's2');
      const midLife = await h.pttl('session:s2');
      ensure(
        midLife >= 83_000 * TTL_FLOOR - 1_000,
        `a session with 50 s of its 83 s left still had ${describeTtl(midLife)} after getSession: renew the TTL on every hit, not only when little is left`,
      );
      return `TTL went from ${(before / 1000).toFixed(1)} s back to ${(after / 1000).toFixed(1)} s on access`;
    },
  },
  {
    id: id('expired-gone'),
    name: 'an expired session is gone and stays gone',
    hint: 'Only renew the TTL of a session that exists; a miss returns null and writes nothing.',
    async run(h) {
      await requireSessionTtl(h);
      const { ctx } = h.context();
      await h.call('createSession', ctx, 's3', cart);
      await expireNow(h, 'session:s3');
      const read = await h.call('getSession', ctx, 's3');
      ensure(read === null, `getSession returned ${show(read)} for a session that had expired`);
      const exists = await h.redis.exists('session:s3');
      ensure(exists === 0, 'getSession on an expired session wrote session:s3 back: an expired session must not come back');
      return 'expired sessions read as null and are not recreated';
    },
  },
  {
    id: id('leaderboard-order'),
    name: 'the leaderboard adds up scores and ranks the top players',
    hint: 'ZINCRBY adds to a score; for n >= 1, ZRANGE key 0 n-1 REV WITHSCORES returns the best first (Number() the scores); n < 1 returns [].',
    async run(h) {
      const { ctx } = h.context();
      for (const [player, points] of [
        ['ada', 10],
        ['grace', 25],
        ['linus', 5],
        ['ada', 20],
        ['linus', 2.5],
      ] as const) {
        await h.call('addScore', ctx, 'weekly', player, points);
      }
      const type = await h.redis.type('leaderboard:weekly');
      ensure(type === 'zset', `leaderboard:weekly is of type "${type}", expected a sorted set`);
      const top = await h.call('topPlayers', ctx, 'weekly', 2);
      const expected = [
        { player: 'ada', score: 30 },
        { player: 'grace', score: 25 },
      ];
      ensure(
        JSON.stringify(top) === JSON.stringify(expected),
        `topPlayers(ctx, 'weekly', 2) returned ${show(top)}, expected ${show(expected)} (scores as numbers, best first)`,
      );
      const all = await h.call('topPlayers', ctx, 'weekly', 5);
      const everyone = [...expected, { player: 'linus', score: 7.5 }];
      ensure(
        JSON.stringify(all) === JSON.stringify(everyone),
        `topPlayers(ctx, 'weekly', 5) on a board of 3 returned ${show(all)}, expected ${show(everyone)} (linus scored 5 + 2.5: keep fractions, Number(score))`,
      );
      const none = await h.call('topPlayers', ctx, 'weekly', 0);
      ensure(
        Array.isArray(none) && none.length === 0,
        `topPlayers(ctx, 'weekly', 0) returned ${show(none)}, expected []: ZRANGE 0 n-1 is 0 -1 for n = 0, the whole board; return [] when n < 1`,
      );
      return 'ada 30, grace 25, linus 7.5: scores accumulate, rank best first, and n = 0 asks for nobody';
    },
  },
  {
    id: id('leaderboard-ttl'),
    name: 'the leaderboard has a TTL between 90% and 100% of ctx.ttlSeconds',
    hint: 'After ZINCRBY, EXPIRE leaderboard:<name> ctx.ttlSeconds so an old board does not live forever.',
    async run(h) {
      const { ctx } = h.context({ ttlSeconds: 40 });
      await h.call('addScore', ctx, 'daily', 'ada', 3);
      const pttl = await expectBoundedTtl(h, 'leaderboard:daily', 40, 'EXPIRE the board after ZINCRBY', true);
      return `leaderboard:daily expires in ${Math.round(pttl / 1000)} s`;
    },
  },
  {
    id: id('leaderboard-ttl-renewed'),
    name: 'every addScore renews the leaderboard TTL',
    hint: 'EXPIRE the board after every ZINCRBY (no NX): an active board stays, an idle one expires ctx.ttlSeconds after its last score.',
    async run(h) {
      await requireBoardTtl(h, 'probe-renewed');
      const { ctx } = h.context({ ttlSeconds: 50 });
      await h.redis.zadd('leaderboard:season', 5, 'ada');
      await h.call('addScore', ctx, 'season', 'ada', 1);
      await expectBoundedTtl(h, 'leaderboard:season', 50, 'an existing board without a TTL must get one on the next addScore', true);
      await h.redis.pexpire('leaderboard:season', 2_000);
      await h.call('addScore', ctx, 'season', 'ada', 1);
      const after = await h.pttl('leaderboard:season');
      ensure(
        after > 25_000,
        `a new score on an active board left its TTL at ${describeTtl(after)}: set the TTL on every addScore (without NX) so the board lives while it is used`,
      );
      return 'the board TTL is renewed by every score';
    },
  },
  {
    id: id('leaderboard-expires'),
    name: 'an expired leaderboard starts again, with a TTL again',
    hint: 'Set the TTL on every addScore, not only when the board is created.',
    async run(h) {
      await requireBoardTtl(h, 'probe-expires');
      const { ctx } = h.context();
      await h.call('addScore', ctx, 'monthly', 'grace', 50);
      await expireNow(h, 'leaderboard:monthly');
      const empty = await h.call('topPlayers', ctx, 'monthly', 3);
      ensure(Array.isArray(empty) && empty.length === 0, `after leaderboard:monthly expired, topPlayers returned ${show(empty)}, expected []`);
      await sleep(5);
      await h.call('addScore', ctx, 'monthly', 'linus', 7);
      await expectBoundedTtl(h, 'leaderboard:monthly', ctx.ttlSeconds, 'EXPIRE the board on every addScore');
      const fresh = await h.call('topPlayers', ctx, 'monthly', 3);
      ensure(
        JSON.stringify(fresh) === JSON.stringify([{ player: 'linus', score: 7 }]),
        `the board that restarted after expiry holds ${show(fresh)}, expected only linus with 7`,
      );
      return 'the expired board was empty, and the new one expires too';
    },
  },
];
