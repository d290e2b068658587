/**
 * Lab 1 on AWS: the Multi-AZ instance's checks, its endpoint for the
 * exercises (the standby cannot be reached, so it stands for both roles), and
 * the failover drill after the learner confirms.
 */
import { lab01 } from '../../../labs/01-rds-multi-az/lab.js';
import mysql from 'mysql2/promise';
import { EnvironmentError } from '../../core/errors.js';
import type { CheckResult } from '../../core/result.js';
import type { Endpoints } from '../../engines/endpoints.js';
import { credentials, endpointOf } from '../aws-endpoints.js';
import { unlessRefused } from '../drill.js';
import type { AwsPlan, AwsPlanContext } from '../plugin.js';
import { connectionSettings, serverIdAt } from '../replication-session.js';

export const awsPlan: AwsPlan = {
  async inspect(ctx) {
    const { findRdsInstanceResources } = await import('../../aws/rds-resources.js');
    const { runLab01AwsChecks } = await import('./aws.js');
    const r = await findRdsInstanceResources(ctx.clients, lab01.stack, {
      stackName: ctx.names.stack,
      dbInstanceId: ctx.names.dbInstance,
      region: ctx.region,
      profile: ctx.profile,
      bastionSecurityGroupId: ctx.names.bastionSecurityGroup,
    });
    const checks = await runLab01AwsChecks(ctx.clients, r, { region: ctx.region, profile: ctx.profile });
    return {
      checks,
      async endpoints(): Promise<Endpoints> {
        if (!r.dbEndpoint)
          throw new EnvironmentError(
            'The exercises need the database endpoint (stack output DbEndpoint).',
            'Deploy the lab stack, or check only your resources with --resources-only.',
          );
        const db = await credentials(ctx, r.dbSecretArn);
        const [at] = await ctx.reach([{ host: r.dbEndpoint, port: r.dbPort ?? 3306 }], r.bastionInstanceId);
        const endpoint = endpointOf(at!, db.username, db.password, r.dbName ?? db.dbname ?? 'labdb');
        const serverId = await serverIdAt(connectionSettings(endpoint));
        // One instance: the standby cannot be reached, so primary and "replica" are the same endpoint.
        return { target: 'aws', mysql: endpoint, replication: { primary: { ...endpoint, serverId }, replica: { ...endpoint, serverId } } };
      },
      ...(ctx.drills.failover
        ? {
            async after(endpoints: Endpoints) {
              const drilled = await failoverDrill(ctx, r.dbInstanceId, endpoints);
              return drilled ? { checks: [drilled.check], measurements: { failoverDrill: drilled.result } } : { checks: [] };
            },
          }
        : {}),
    };
  },
};

async function failoverDrill(ctx: AwsPlanContext, dbInstanceId: string, endpoints: Endpoints) {
  const { runLab01FailoverDrill } = await import('./failover-drill.js');
  const settings = connectionSettings(endpoints.mysql);
  const probe = async () => {
    const conn = await mysql.createConnection({ ...settings, connectTimeout: 2_000 } as mysql.ConnectionOptions);
    try {
      const [rows] = await conn.query('SELECT @@server_id AS id');
      return { ok: true, serverId: Number((rows as Array<{ id: number }>)[0]!.id) };
    } finally {
      conn.destroy();
    }
  };
  return unlessRefused(async () => {
    const result = await runLab01FailoverDrill({
      clients: ctx.clients,
      dbInstanceId,
      region: ctx.region,
      profile: ctx.profile,
      probe: () => probe().catch((err: Error) => ({ ok: false, error: err.message })),
      onProgress: (line) => ctx.io.say(line),
      confirm: () => ctx.io.confirm(`The drill reboots ${dbInstanceId} with a forced failover: the standby becomes the primary, in the other AZ.`),
    });
    const check: CheckResult = {
      id: '01.aws.failover-drill',
      name: 'failover drill: what your client saw, next to the RDS events',
      status: result.completed ? 'pass' : 'fail',
      message: result.message,
      group: 'aws',
      durationMs: Math.round(result.durationSeconds * 1000),
    };
    return { check, result };
  }, ctx.io.say);
}
