/**
 * Lab 4 on AWS: the Serverless v2 cluster's checks, its endpoint for the
 * exercises, then the capacity CloudWatch saw under load and, when asked,
 * the resume drill (wait for a pause, then time the learner's measureResume).
 */
import { lab04 } from '../../../labs/04-aurora-serverless/lab.js';
import type { DBCluster } from '@aws-sdk/client-rds';
import { EnvironmentError } from '../../core/errors.js';
import type { Endpoints } from '../../engines/endpoints.js';
import { clusterMissing, location, mysqlEndpoints } from '../aws-endpoints.js';
import type { AfterRun, AwsPlan, AwsPlanContext } from '../plugin.js';

export const awsPlan: AwsPlan = {
  async inspect(ctx) {
    const { findServerlessClusterResources } = await import('../../aws/aurora-resources.js');
    const { runLab04AwsChecks, capacityRoseCheck } = await import('./aws.js');
    const where = { region: ctx.region, profile: ctx.profile };
    const r = await findServerlessClusterResources(ctx.clients, lab04.stack, {
      stackName: ctx.names.stack,
      clusterId: ctx.names.cluster,
      dbInstanceId: ctx.names.dbInstance,
      ...where,
    });
    const report = await runLab04AwsChecks(ctx.clients, r, where);
    return {
      checks: report.checks,
      async endpoints(): Promise<Endpoints> {
        const cluster: DBCluster | undefined = report.cluster;
        if (!cluster) throw clusterMissing(4);
        const host = cluster.Endpoint ?? r.clusterEndpoint;
        if (!host) throw new EnvironmentError(`DB cluster ${r.clusterId} reports no cluster endpoint yet.`, 'Wait until it is available, then re-run.');
        const aws = location(ctx, { clusterId: r.clusterId });
        const [mysql] = await mysqlEndpoints(
          ctx,
          [{ host, port: cluster.Port ?? r.dbPort ?? 3306 }],
          r.dbSecretArn ?? cluster.MasterUserSecret?.SecretArn,
          r.dbName ?? cluster.DatabaseName,
          r.bastionInstanceId,
        );
        return { target: 'aws', mysql: mysql!, aws };
      },
      async after(_endpoints, startedAt): Promise<AfterRun> {
        const progress = ctx.io.progress(`Reading ServerlessDatabaseCapacity of ${r.clusterId} from CloudWatch`);
        const { check, figures } = await capacityRoseCheck(ctx.clients, r.clusterId, startedAt, {
          ...where,
          minCapacity: report.cluster?.ServerlessV2ScalingConfiguration?.MinCapacity,
          onWaiting: (line) => progress.update(line),
        });
        if (check.status === 'pass') progress.succeed();
        else progress.fail();
        if (!ctx.drills.resume) return { checks: [check], measurements: { serverlessCapacity: figures } };
        const resume = await resumeDrill(ctx, r.clusterId);
        return { checks: [check, resume.check], measurements: { serverlessCapacity: figures, resumeFromPause: resume.data } };
      },
    };
  },
};

/** Waits (up to 12 minutes, reading CloudWatch only) for the cluster to pause, then times the resume with the learner's measureResume. */
async function resumeDrill(ctx: AwsPlanContext, clusterId: string) {
  const { waitForPause, resumeCheck } = await import('./resume-drill.js');
  const { sampleServerlessCapacity } = await import('../../aws/serverless-capacity.js');
  const aws = location(ctx, { clusterId });
  const progress = ctx.io.progress(`Resume drill: waiting for ${clusterId} to pause`);
  const pause = await waitForPause(() => sampleServerlessCapacity(aws, undefined, ctx.clients.cloudwatch), {
    timeoutMs: 12 * 60_000,
    intervalMs: 20_000,
    onWaiting: (line) => progress.update(line),
  });
  if (!pause.paused) {
    progress.fail();
    return { check: resumeCheck(pause), data: { pause } };
  }
  progress.update(`Resume drill: ${clusterId} is paused; your measureResume wakes it`);
  const figures = (await ctx.run('03-resume-latency', 'resume-from-pause', { timeoutMs: 120_000 })) as
    { reportedMs?: number; callMs?: number; error?: string } | undefined;
  const check = resumeCheck(pause, figures);
  if (check.status === 'pass') progress.succeed(`Resume drill: ${check.message}`);
  else progress.fail();
  return { check, data: { pause, ...figures } };
}
