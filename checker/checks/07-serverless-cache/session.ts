/** Lab 7's engines in the exercise process: Redis and the database, watched by the checker and used by the learner's function. */
import type { Redis } from 'ioredis';
import type { Connection } from 'mysql2/promise';
import { functionEnvironment } from '../../../labs/07-serverless-cache/function-env.js';
import { resetCache, resetDatabase } from '../../../labs/07-serverless-cache/seed.js';
import { EndpointProxy } from '../../engines/endpoint-proxy.js';
import { forLearner, redisForLearner, type Endpoints } from '../../engines/endpoints.js';
import { connectMysql, connectRedis } from '../../runner/connect.js';
import { EnginesUnreachable, type LabSession } from '../session.js';
import { FunctionHarness } from './function-harness.js';
import { MEASUREMENT, measureCacheVsDatabase } from './measure.js';
import { clearWriteFaults } from './write-faults.js';

export async function openLab07(endpoints: Endpoints): Promise<LabSession<FunctionHarness>> {
  if (endpoints.target !== 'local') {
    throw new EnginesUnreachable('Lab 7 runs its handler checks on the local target only for now: npm run check -- 7 --target local');
  }
  if (!endpoints.redis) throw new EnginesUnreachable('Lab 7 needs a Redis endpoint, and none was given.');
  let redis: Redis;
  let sql: Connection;
  try {
    redis = await connectRedis(endpoints.redis);
  } catch (err) {
    const { host, port } = endpoints.redis;
    throw new EnginesUnreachable(`Could not reach Redis at ${host}:${port} (${endpoints.target} target): ${(err as Error).message}`);
  }
  try {
    sql = await connectMysql(endpoints.mysql);
    await resetDatabase(sql);
    // The general log is how the checker counts the statements the function sent, at the server.
    await sql.query("SET GLOBAL log_output = 'TABLE'");
    await sql.query('SET GLOBAL general_log = 1');
  } catch (err) {
    redis.disconnect();
    const { host, port } = endpoints.mysql;
    throw new EnginesUnreachable(`Could not reach the database at ${host}:${port} (${endpoints.target} target): ${(err as Error).message}`);
  }
  const redisCable = await EndpointProxy.start(endpoints.redis.port, endpoints.redis.host);
  // The exercise process imports the handler module too: give its top level the variables Lambda would.
  Object.assign(process.env, functionEnvironment({ redis: redisForLearner(endpoints.redis), mysql: forLearner(endpoints.mysql) }));
  const harnesses: FunctionHarness[] = [];
  return {
    harness(module, file, callTimeoutMs) {
      const h = new FunctionHarness(module, file, redis, sql, endpoints, redisCable, callTimeoutMs);
      harnesses.push(h);
      return h;
    },
    async reset() {
      redisCable.restore();
      await clearWriteFaults(sql);
      await resetCache(redis);
      await resetDatabase(sql);
      await sql.query('TRUNCATE TABLE mysql.general_log');
    },
    async measure(harness, name, signal) {
      if (name !== MEASUREMENT) throw new Error(`Lab 7 has no measurement named ${name}`);
      return measureCacheVsDatabase(harness, signal);
    },
    async close() {
      await Promise.allSettled(harnesses.map((h) => h.dispose()));
      await sql.query('SET GLOBAL general_log = 0').catch(() => {});
      await clearWriteFaults(sql).catch(() => {});
      await redisCable.close();
      redis.disconnect();
      await sql.end().catch(() => {});
    },
  };
}
