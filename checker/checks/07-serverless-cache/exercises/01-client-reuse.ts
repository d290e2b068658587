import { ensure, type ExerciseCheck } from '../../../runner/harness.js';
import { show } from '../../show-value.js';
import type { FunctionHarness } from '../function-harness.js';
import { expectUserAnswer, sampleUser } from './shared.js';

const id = (name: string) => `07.01.${name}`;
const WARM_INVOCATIONS = 20;
const ENVIRONMENTS = 3;
const ROUNDS = 3;
const PER_ENVIRONMENT = 2;

export const clientReuseChecks: ExerciseCheck<FunctionHarness>[] = [
  {
    id: id('get-user'),
    name: 'GET /users/{id} answers the user from the database and counts the view in Redis',
    hint: 'Answer { statusCode: 200, body: JSON.stringify({ user, source: "database" }) } and INCR views:user:<id>; 404 for no row, 400 for a bad id.',
    async run(h) {
      const fn = h.lambda();
      expectUserAnswer('GET /users/1', await h.get(fn, 1), sampleUser(1), 'database');
      await h.get(fn, 2);
      expectUserAnswer('a second GET /users/2', await h.get(fn, 2), sampleUser(2), 'database');
      const views = await h.redis.get('views:user:2');
      ensure(views === '2', `after two GET /users/2, views:user:2 in Redis is ${show(views)}; expected "2" (INCR it on every read)`);
      const missing = await h.get(fn, 999_999);
      ensure(missing.status === 404, `GET /users/999999 (no such row) answered ${missing.status} ${show(missing.body)}; expected 404`);
      const bad = await h.get(fn, 'abc');
      ensure(bad.status === 400, `GET /users/abc answered ${bad.status}; expected 400 for an id that is not a positive integer`);
      return '200 from the database with the views counted, 404 for a missing user, 400 for a bad id';
    },
  },
  {
    id: id('db-reused'),
    name: 'warm invocations reuse the database connection',
    hint: 'Create the connection (or a pool with connectionLimit: 1) at the top level of the module, not inside handler.',
    async run(h) {
      const fn = h.lambda();
      await h.get(fn, 1);
      const before = await h.dbConnections();
      for (let i = 0; i < WARM_INVOCATIONS; i += 1) await h.get(fn, 1 + i);
      const opened = (await h.dbConnections()) - before;
      ensure(
        opened === 0,
        `${WARM_INVOCATIONS} warm invocations in one execution environment opened ${opened} new database connection${opened === 1 ? '' : 's'}; expected 0: a connection per request exhausts max_connections under load (create it once, outside handler)`,
      );
      return `${WARM_INVOCATIONS} warm invocations, 0 new database connections`;
    },
  },
  {
    id: id('redis-reused'),
    name: 'warm invocations reuse the Redis connection',
    hint: 'new Redis(process.env.REDIS_URL) at the top level of the module; never in handler, and never quit() at the end of a request.',
    async run(h) {
      const fn = h.lambda();
      await h.get(fn, 1);
      const before = await h.redisConnections();
      for (let i = 0; i < WARM_INVOCATIONS; i += 1) await h.get(fn, 1 + i);
      const opened = (await h.redisConnections()) - before;
      ensure(
        opened === 0,
        `${WARM_INVOCATIONS} warm invocations in one execution environment opened ${opened} new Redis connection${opened === 1 ? '' : 's'}; expected 0 (create the client once, outside handler)`,
      );
      return `${WARM_INVOCATIONS} warm invocations, 0 new Redis connections`;
    },
  },
  {
    id: id('per-environment'),
    name: 'connections grow with execution environments, not with requests',
    hint: 'Each environment keeps its own clients; concurrent requests get new environments (cold starts), each opening its connections once.',
    async run(h) {
      const fn = h.lambda();
      await h.coldStart();
      const coldBefore = fn.coldStarts;
      const [db, redis] = [await h.dbConnections(), await h.redisConnections()];
      for (let round = 0; round < ROUNDS; round += 1) {
        const answers = await Promise.all(Array.from({ length: ENVIRONMENTS }, (_, i) => h.get(fn, 10 + i)));
        for (const [i, a] of answers.entries()) expectUserAnswer(`GET /users/${10 + i}`, a, sampleUser(10 + i));
      }
      const environments = fn.coldStarts - coldBefore;
      const dbOpened = (await h.dbConnections()) - db;
      const redisOpened = (await h.redisConnections()) - redis;
      const requests = ROUNDS * ENVIRONMENTS;
      const limit = environments * PER_ENVIRONMENT;
      ensure(
        dbOpened <= limit,
        `${requests} requests in ${environments} execution environments opened ${dbOpened} database connections; expected at most ${PER_ENVIRONMENT} per environment (${limit})`,
      );
      ensure(
        redisOpened <= limit,
        `${requests} requests in ${environments} execution environments opened ${redisOpened} Redis connections; expected at most ${PER_ENVIRONMENT} per environment (${limit})`,
      );
      ensure(
        dbOpened >= 1 && redisOpened >= 1,
        `${environments} new execution environments opened ${dbOpened} database and ${redisOpened} Redis connections: each new environment must connect to both`,
      );
      return `${requests} requests in ${environments} environments: ${dbOpened} database and ${redisOpened} Redis connections`;
    },
  },
];
