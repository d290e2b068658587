/**
 * What AWS says about the deployed Lab 7, read once: the function's
 * configuration, the route tables of its subnets, the security groups of the
 * function, the cluster and the cache, the cluster and the replication group.
 * Each read that fails keeps its explained error, so the checks that need it
 * report `error` and the others still judge.
 */
import { DescribeRouteTablesCommand, DescribeSecurityGroupsCommand, type EC2Client, type RouteTable, type SecurityGroup } from '@aws-sdk/client-ec2';
import { DescribeCacheClustersCommand, DescribeReplicationGroupsCommand, type CacheCluster, type ReplicationGroup } from '@aws-sdk/client-elasticache';
import { GetFunctionConfigurationCommand, LambdaClient, type FunctionConfiguration } from '@aws-sdk/client-lambda';
import { DescribeDBClustersCommand, type DBCluster } from '@aws-sdk/client-rds';
import type { AwsClients } from '../../aws/clients.js';
import { classifyAwsError, explainAwsError } from '../../aws/errors.js';
import { LAB07_DEPLOY, type Lab07Resources } from './resources.js';
import { ec2ClientFor } from '../../aws/rds-resources.js';
import type { EnvironmentError } from '../../core/errors.js';

/** A read: what came back, `missing` when AWS has no such resource, or the explained error. */
export type Read<T> = { ok: true; value: T } | { ok: false; missing: true } | { ok: false; missing: false; error: EnvironmentError };

export interface Lab07Facts {
  resources: Lab07Resources;
  fn: Read<FunctionConfiguration>;
  /** Route tables that apply to the function's subnets (explicitly associated, or the VPC's main table). */
  routes: Read<RouteTable[]>;
  /** By group id: the function's, the cluster's and the cache's groups. */
  securityGroups: Read<SecurityGroup[]>;
  cluster: Read<DBCluster>;
  cache: Read<ReplicationGroup>;
  /** The cache's first node: where ElastiCache reports the security groups. */
  cacheNode: Read<CacheCluster>;
}

export type Lab07Clients = AwsClients & { lambda?: LambdaClient; ec2?: EC2Client };

/** The Lambda client: the one given (tests), or one built on the RDS client's settings. `owned` means destroy it after. */
export function lambdaClientFor(clients: Lab07Clients): { lambda: LambdaClient; owned: boolean } {
  if (clients.lambda) return { lambda: clients.lambda, owned: false };
  const cfg = clients.rds.config;
  const lambda = new LambdaClient({
    region: cfg.region,
    credentials: cfg.credentials,
    maxAttempts: cfg.maxAttempts,
    ...(cfg.isCustomEndpoint && cfg.endpoint ? { endpoint: cfg.endpoint } : {}),
  });
  return { lambda, owned: true };
}

interface Ctx {
  region?: string;
  profile?: string;
}

async function read<T>(
  ctx: Ctx,
  action: string,
  resource: { kind: string; id: string; flag?: string } | undefined,
  call: () => Promise<T | undefined>,
): Promise<Read<T>> {
  try {
    const value = await call();
    return value === undefined ? { ok: false, missing: true } : { ok: true, value };
  } catch (err) {
    if (resource && classifyAwsError(err, ctx.region) === 'not-found') return { ok: false, missing: true };
    return {
      ok: false,
      missing: false,
      error: explainAwsError(err, { action, region: ctx.region, profile: ctx.profile, resource, deployCommand: LAB07_DEPLOY }),
    };
  }
}

const ids = (list: Array<string | undefined> | undefined) => [...new Set((list ?? []).filter((x): x is string => Boolean(x)))];

export async function gatherLab07Facts(clients: Lab07Clients, resources: Lab07Resources, options: Ctx = {}): Promise<Lab07Facts> {
  const ctx: Ctx = { region: options.region ?? resources.region ?? clients.region, profile: options.profile ?? clients.profile };
  const { lambda, owned: ownsLambda } = lambdaClientFor(clients);
  const { ec2, owned: ownsEc2 } = ec2ClientFor(clients);
  try {
    const [fn, cluster, cache] = await Promise.all([
      read(ctx, 'lambda:GetFunctionConfiguration', { kind: 'Lambda function', id: resources.functionName }, async () =>
        lambda.send(new GetFunctionConfigurationCommand({ FunctionName: resources.functionName })),
      ),
      read(
        ctx,
        'rds:DescribeDBClusters',
        { kind: 'Aurora DB cluster', id: resources.clusterId, flag: '--cluster <id>' },
        async () => (await clients.rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: resources.clusterId }))).DBClusters?.[0],
      ),
      read(
        ctx,
        'elasticache:DescribeReplicationGroups',
        { kind: 'ElastiCache replication group', id: resources.replicationGroupId, flag: '--replication-group <id>' },
        async () =>
          (await clients.elasticache.send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: resources.replicationGroupId }))).ReplicationGroups?.[0],
      ),
    ]);
    const firstNode = cache.ok ? cache.value.MemberClusters?.[0] : undefined;
    const cacheNode: Read<CacheCluster> = firstNode
      ? await read(
          ctx,
          'elasticache:DescribeCacheClusters',
          { kind: 'ElastiCache node', id: firstNode },
          async () => (await clients.elasticache.send(new DescribeCacheClustersCommand({ CacheClusterId: firstNode }))).CacheClusters?.[0],
        )
      : { ok: false, missing: true };
    const vpc = fn.ok ? fn.value.VpcConfig : undefined;
    const subnets = ids(vpc?.SubnetIds);
    const groupIds = ids([
      ...(vpc?.SecurityGroupIds ?? []),
      ...(cluster.ok ? (cluster.value.VpcSecurityGroups ?? []).map((g) => g.VpcSecurityGroupId) : []),
      ...(cacheNode.ok ? (cacheNode.value.SecurityGroups ?? []).map((g) => g.SecurityGroupId) : []),
    ]);
    const [routes, securityGroups] = await Promise.all([
      subnets.length === 0 || !vpc?.VpcId
        ? Promise.resolve<Read<RouteTable[]>>({ ok: true, value: [] })
        : read(ctx, 'ec2:DescribeRouteTables', undefined, async () => {
            const out = await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpc.VpcId!] }] }));
            return routeTablesOfSubnets(out.RouteTables ?? [], subnets);
          }),
      groupIds.length === 0
        ? Promise.resolve<Read<SecurityGroup[]>>({ ok: true, value: [] })
        : read(
            ctx,
            'ec2:DescribeSecurityGroups',
            undefined,
            async () => (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: groupIds }))).SecurityGroups ?? [],
          ),
    ]);
    return { resources, fn, routes, securityGroups, cluster, cache, cacheNode };
  } finally {
    if (ownsLambda) lambda.destroy();
    if (ownsEc2) ec2.destroy();
  }
}

/** The tables whose routes a subnet uses: its explicit association, else the VPC's main table. */
export function routeTablesOfSubnets(tables: RouteTable[], subnetIds: string[]): RouteTable[] {
  const main = tables.find((t) => (t.Associations ?? []).some((a) => a.Main));
  const out = new Map<string, RouteTable>();
  for (const subnet of subnetIds) {
    const table = tables.find((t) => (t.Associations ?? []).some((a) => a.SubnetId === subnet)) ?? main;
    if (table) out.set(table.RouteTableId ?? subnet, table);
  }
  return [...out.values()];
}
