/** Lab 5's engines in the exercise process: Redis and the database, for the checker and for learner code. */
import type { Redis } from 'ioredis';
import type { Connection } from 'mysql2/promise';
import { resetCache, resetDatabase } from '../../../labs/05-elasticache-redis/seed.js';
import { forLearner, redisForLearner, type Endpoints } from '../../engines/endpoints.js';
import { connectMysql, connectRedis } from '../../runner/connect.js';
import { Harness } from './harness.js';
import { measureCacheSpeedup } from './measure.js';
import { EnginesUnreachable, type LabSession } from '../session.js';

export async function openLab05(endpoints: Endpoints): Promise<LabSession<Harness>> {
  let redis: Redis;
  let learnerRedis: Redis;
  let sql: Connection;
  let learnerSql: Connection;
  if (!endpoints.redis) throw new EnginesUnreachable('Lab 5 needs a Redis endpoint, and none was given.');
  try {
    [redis, learnerRedis] = await Promise.all([connectRedis(endpoints.redis), connectRedis(redisForLearner(endpoints.redis))]);
  } catch (err) {
    const { host, port } = endpoints.redis;
    throw new EnginesUnreachable(`Could not reach Redis at ${host}:${port} (${endpoints.target} target): ${(err as Error).message}`);
  }
  try {
    [sql, learnerSql] = await Promise.all([connectMysql(endpoints.mysql), connectMysql(forLearner(endpoints.mysql))]);
    await resetDatabase(sql);
  } catch (err) {
    redis.disconnect();
    learnerRedis.disconnect();
    const { host, port } = endpoints.mysql;
    throw new EnginesUnreachable(`Could not reach the database at ${host}:${port} (${endpoints.target} target): ${(err as Error).message}`);
  }
  return {
    harness: (module, file, callTimeoutMs) => new Harness(module, file, redis, sql, learnerRedis, learnerSql, callTimeoutMs),
    async reset() {
      await resetCache(redis);
      await resetDatabase(sql);
    },
    async measure(harness, name) {
      if (name !== 'cache-speedup') throw new Error(`Lab 5 has no measurement named ${name}`);
      await resetCache(redis);
      await resetDatabase(sql);
      return measureCacheSpeedup(harness);
    },
    async close() {
      redis.disconnect();
      learnerRedis.disconnect();
      await Promise.allSettled([sql.end(), learnerSql.end()]);
    },
  };
}
