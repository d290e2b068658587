/**
 * Lab 3 on AWS: the cluster's checks, the writer, reader and each instance's
 * endpoint for the exercises, and the failover drill after the learner confirms.
 */
import { lab03 } from '../../../labs/03-aurora-cluster/lab.js';
import type { DBCluster, DBInstance } from '@aws-sdk/client-rds';
import { EnvironmentError } from '../../core/errors.js';
import { AURORA_IDENTITY_SQL, AURORA_TOPOLOGY_TABLE } from '../../engines/cluster-topology.js';
import type { ClusterEndpoints, Endpoints, MysqlEndpoint } from '../../engines/endpoints.js';
import { clusterMissing, location, mysqlEndpoints, type Hosted } from '../aws-endpoints.js';
import { unlessRefused } from '../drill.js';
import type { AwsPlan, AwsPlanContext } from '../plugin.js';

const DRILL_EXERCISE = '03-topology-aware';

export const awsPlan: AwsPlan = {
  async inspect(ctx) {
    const { findProvisionedClusterResources } = await import('../../aws/aurora-resources.js');
    const { runLab03AwsChecks } = await import('./aws.js');
    const r = await findProvisionedClusterResources(ctx.clients, lab03.stack, {
      stackName: ctx.names.stack,
      clusterId: ctx.names.cluster,
      dbInstanceId: ctx.names.dbInstance,
      region: ctx.region,
      profile: ctx.profile,
    });
    const report = await runLab03AwsChecks(ctx.clients, r, { region: ctx.region, profile: ctx.profile });
    return {
      checks: report.checks,
      async endpoints(): Promise<Endpoints> {
        const cluster = report.cluster;
        if (!cluster) throw clusterMissing(3);
        const { hosts, instanceIds } = lab03Hosts(cluster, report.instances, r);
        const reached = await mysqlEndpoints(
          ctx,
          hosts,
          r.dbSecretArn ?? cluster.MasterUserSecret?.SecretArn,
          r.dbName ?? cluster.DatabaseName,
          r.bastionInstanceId,
        );
        const cluster3 = lab03ClusterEndpoints(reached, instanceIds);
        return { target: 'aws', mysql: cluster3.writer, cluster: cluster3, ...(ctx.region ? { aws: location(ctx, { clusterId: r.clusterId }) } : {}) };
      },
      ...(ctx.drills.failover
        ? {
            async after() {
              const drilled = await failoverDrill(ctx, r.clusterId);
              return drilled ? { checks: [drilled.check], measurements: { failoverDrill: drilled.result } } : { checks: [] };
            },
          }
        : {}),
    };
  },
};

/**
 * What Lab 3's exercises connect to, in order: the cluster (writer) endpoint,
 * the reader endpoint, then each member instance's own endpoint.
 */
export function lab03Hosts(
  cluster: DBCluster,
  instances: DBInstance[],
  fallback: { clusterId: string; clusterEndpoint?: string; readerEndpoint?: string; dbPort?: number },
): { hosts: Hosted[]; instanceIds: string[] } {
  const port = cluster.Port ?? fallback.dbPort ?? 3306;
  const writerHost = cluster.Endpoint ?? fallback.clusterEndpoint;
  const readerHost = cluster.ReaderEndpoint ?? fallback.readerEndpoint;
  if (!writerHost || !readerHost)
    throw new EnvironmentError(`DB cluster ${fallback.clusterId} reports no cluster or reader endpoint yet.`, 'Wait until it is available, then re-run.');
  const members = instances.filter((i) => i.DBInstanceIdentifier && i.Endpoint?.Address);
  return {
    hosts: [{ host: writerHost, port }, { host: readerHost, port }, ...members.map((i) => ({ host: i.Endpoint!.Address!, port: i.Endpoint!.Port ?? port }))],
    instanceIds: members.map((i) => i.DBInstanceIdentifier!),
  };
}

/** The reached endpoints (in lab03Hosts' order) as the exercises' cluster: instances by identifier, which is @@aurora_server_id. */
export function lab03ClusterEndpoints(reached: MysqlEndpoint[], instanceIds: string[]): ClusterEndpoints {
  const [writer, reader, ...each] = reached;
  return {
    writer: writer!,
    reader: reader!,
    instances: Object.fromEntries(instanceIds.map((id, n) => [id, each[n]!])),
    identitySql: AURORA_IDENTITY_SQL,
    topologyTable: AURORA_TOPOLOGY_TABLE,
  };
}

async function failoverDrill(ctx: AwsPlanContext, clusterId: string) {
  const { runLab03FailoverDrill, drillCheck } = await import('./failover-drill.js');
  const { AWS_DRILL } = await import('./drill-probes.js');
  return unlessRefused(async () => {
    const result = await runLab03FailoverDrill({
      clients: ctx.clients,
      clusterId,
      region: ctx.region,
      profile: ctx.profile,
      onProgress: (line) => ctx.io.say(line),
      confirm: (plan) =>
        ctx.io.confirm(
          `The drill asks Aurora to fail over ${plan.clusterId}: the writer ${plan.writer} hands over to one of ${plan.readers.join(', ')}, ` +
            'while a DNS-only client and your topology-aware client keep writing. Writes stop for a few seconds to half a minute.',
        ),
      // The clients write for the whole drill; the process gets that long plus time to connect.
      runClients: (onEvent) => ctx.run(DRILL_EXERCISE, 'failover-drill', { timeoutMs: AWS_DRILL.durationMs + 60_000, onEvent }),
    });
    return { check: drillCheck(result), result };
  }, ctx.io.say);
}
