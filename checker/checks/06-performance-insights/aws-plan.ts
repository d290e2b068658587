/**
 * Lab 6 on AWS: the instance's monitoring checks, its endpoint for the
 * exercises, then the top SQL Performance Insights saw while they ran.
 */
import { lab06 } from '../../../labs/06-performance-insights/lab.js';
import { EnvironmentError } from '../../core/errors.js';
import type { Endpoints } from '../../engines/endpoints.js';
import { location, mysqlEndpoints } from '../aws-endpoints.js';
import type { AfterRun, AwsPlan } from '../plugin.js';

export const awsPlan: AwsPlan = {
  async inspect(ctx) {
    const { findInsightsInstanceResources } = await import('../../aws/aurora-resources.js');
    const { runLab06AwsChecks, topSqlCheck } = await import('./aws.js');
    const where = { region: ctx.region, profile: ctx.profile };
    const r = await findInsightsInstanceResources(ctx.clients, lab06.stack, {
      stackName: ctx.names.stack,
      clusterId: ctx.names.cluster,
      dbInstanceId: ctx.names.dbInstance,
      ...where,
    });
    const report = await runLab06AwsChecks(ctx.clients, r, where);
    const dbiResourceId = report.instance?.DbiResourceId ?? r.dbiResourceId;
    return {
      checks: report.checks,
      async endpoints(): Promise<Endpoints> {
        const db = report.instance;
        const host = db?.Endpoint?.Address ?? r.dbEndpoint;
        if (!db || !host)
          throw new EnvironmentError(
            'The exercises need the DB instance, which could not be read (see the instance check above).',
            'Fix that first, or check only your resources with `npm run check -- 6 --target aws --resources-only`.',
          );
        const aws = location(ctx, { instanceId: r.dbInstanceId, ...(dbiResourceId ? { dbiResourceId } : {}) });
        const [mysql] = await mysqlEndpoints(
          ctx,
          [{ host, port: db.Endpoint?.Port ?? r.dbPort ?? 3306 }],
          r.dbSecretArn ?? db.MasterUserSecret?.SecretArn,
          r.dbName ?? db.DBName,
          r.bastionInstanceId,
        );
        return { target: 'aws', mysql: mysql!, aws };
      },
      async after(_endpoints, startedAt): Promise<AfterRun> {
        const progress = ctx.io.progress('Reading the top SQL from Performance Insights');
        const { check, topSql } = await topSqlCheck(ctx.clients, dbiResourceId, startedAt, { ...where, onWaiting: (line) => progress.update(line) });
        if (check.status === 'pass') progress.succeed();
        else progress.fail();
        return { checks: [check], measurements: topSql ? { topSql } : {} };
      },
    };
  },
};
