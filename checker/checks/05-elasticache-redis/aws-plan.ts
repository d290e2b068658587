/**
 * Lab 5 on AWS: the replication group's and database's checks, the cache and
 * database endpoints for the exercises (through tunnels with --tunnel), then
 * the cache traffic CloudWatch saw and, when asked, the failover drill.
 */
import { lab05 } from '../../../labs/05-elasticache-redis/lab.js';
import { EnvironmentError } from '../../core/errors.js';
import type { CheckResult } from '../../core/result.js';
import type { CacheEndpoints } from '../../engines/endpoints.js';
import type { Lab05Resources } from '../../aws/lab05-resources.js';
import { unlessRefused } from '../drill.js';
import type { AfterRun, AwsPlan, AwsPlanContext } from '../plugin.js';

export const awsPlan: AwsPlan = {
  async inspect(ctx) {
    const { findCacheResources } = await import('../../aws/lab05-resources.js');
    const { runLab05AwsChecks, runLab05TrafficCheck } = await import('./aws.js');
    const where = { region: ctx.region, profile: ctx.profile };
    const resources = await findCacheResources(ctx.clients, lab05.stack, {
      stackName: ctx.names.stack,
      replicationGroupId: ctx.names.replicationGroup,
      dbInstanceId: ctx.names.dbInstance,
      ...where,
    });
    const checks = await runLab05AwsChecks(ctx.clients, resources, where);
    return {
      checks,
      endpoints: () => cacheEndpoints(ctx, resources),
      async after(endpoints, startedAt): Promise<AfterRun> {
        const traffic = await runLab05TrafficCheck(ctx.clients, resources.replicationGroupId, startedAt, where);
        const after: AfterRun = { checks: [traffic.check], measurements: { cacheTraffic: traffic.figures } };
        if (!ctx.drills.failover) return after;
        const drill = await failoverDrill(ctx, resources.replicationGroupId, endpoints as CacheEndpoints);
        if (drill) {
          after.checks.push(drill.check);
          after.measurements!.failoverDrill = drill.result;
        }
        return after;
      },
    };
  },
};

async function cacheEndpoints(ctx: AwsPlanContext, r: Lab05Resources): Promise<CacheEndpoints> {
  const { readRedisAuthToken, readDbCredentials } = await import('../../aws/secrets.js');
  if (!r.redisEndpoint || !r.dbEndpoint) {
    throw new EnvironmentError(
      'To run the exercises on AWS the kit needs the cache and database endpoints, which come from the lab stack outputs.',
      'Deploy the stack with `npm run deploy 5`, or check only your resources with `npm run check -- 5 --target aws --resources-only`.',
    );
  }
  const where = { region: ctx.region, profile: ctx.profile };
  const token = r.redisAuthSecretArn ? await readRedisAuthToken(ctx.clients.secrets, r.redisAuthSecretArn, where) : undefined;
  const db = r.dbSecretArn ? await readDbCredentials(ctx.clients.secrets, r.dbSecretArn, where) : undefined;
  if (!db) throw new EnvironmentError('The database secret is not known (stack output DbSecretArn).', 'Deploy the lab stack with `npm run deploy 5`.');
  const [redis, mysql] = await ctx.reach(
    [
      { host: r.redisEndpoint, port: r.redisPort ?? 6379 },
      { host: r.dbEndpoint, port: r.dbPort ?? 3306 },
    ],
    r.bastionInstanceId,
  );
  return {
    target: 'aws',
    redis: { host: redis!.host, port: redis!.port, tls: true, servername: r.redisEndpoint, password: token },
    mysql: { host: mysql!.host, port: mysql!.port, user: db.username, password: db.password, database: r.dbName ?? db.dbname ?? 'labs', ssl: true },
  };
}

async function failoverDrill(
  ctx: AwsPlanContext,
  replicationGroupId: string,
  endpoints: CacheEndpoints,
): Promise<{ check: CheckResult; result: unknown } | undefined> {
  const { runFailoverDrill } = await import('./failover-drill.js');
  const { connectRedis } = await import('../../runner/connect.js');
  const probeClient = await connectRedis(endpoints.redis);
  try {
    return await unlessRefused(async () => {
      const result = await runFailoverDrill({
        clients: ctx.clients,
        replicationGroupId,
        region: ctx.region,
        profile: ctx.profile,
        probe: () => probeClient.ping(),
        onProgress: (line) => ctx.io.say(line),
        confirm: (plan) =>
          ctx.io.confirm(
            `The drill asks ElastiCache to fail over ${plan.replicationGroupId}: primary ${plan.primary} hands over to one of ${plan.replicas.join(', ')}. ElastiCache allows only a few of these per day.`,
          ),
      });
      const check: CheckResult = {
        id: '05.aws.failover-drill',
        name: 'failover drill: what your client saw',
        status: result.completed ? 'pass' : 'fail',
        message: result.message,
        group: 'aws',
        durationMs: Math.round(result.durationSeconds * 1000),
      };
      return { check, result };
    }, ctx.io.say);
  } finally {
    probeClient.disconnect();
  }
}
