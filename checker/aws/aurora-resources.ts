/**
 * Where Labs 3, 4 and 6 live: an Aurora MySQL cluster (Lab 3: a writer and
 * readers; Lab 4: Serverless v2) or one RDS MySQL instance with Performance
 * Insights (Lab 6). Read from the deployed stack's outputs, or from flags
 * (`--cluster <id>`, `--db-instance <id>`) for learners who built them in the
 * console; a flag wins over the stack output of the same resource.
 *
 * Also the cluster reads the checks and the drill share: one cluster by
 * name, its member instances, and the lab's clusters when a name is wrong.
 */
import { DescribeDBClustersCommand, DescribeDBInstancesCommand, type DBCluster, type DBInstance } from '@aws-sdk/client-rds';
import { EnvironmentError, KitError, UsageError } from '../core/errors.js';
import type { StackMeta } from '../core/lab.js';
import { kitMatch, tagMap } from '../core/kit.js';
import type { AwsClients } from './clients.js';
import { classifyAwsError, explainAwsError } from './errors.js';
import { dbInstanceIdFromEndpoint } from './lab05-resources.js';
import { deployCommandFor, outputKeysOf, readStackOutputs } from './stack-outputs.js';

interface Found {
  stackName: string;
  region?: string;
  /** `flags` when the resource was named on the command line. */
  source: 'stack' | 'flags';
  dbPort?: number;
  dbSecretArn?: string;
  dbName?: string;
  bastionInstanceId?: string;
}

/** Lab 3: a provisioned Aurora MySQL cluster. */
export interface Lab03Resources extends Found {
  clusterId: string;
  clusterEndpoint?: string;
  readerEndpoint?: string;
}

/** Lab 4: an Aurora Serverless v2 cluster. */
export interface Lab04Resources extends Found {
  clusterId: string;
  clusterEndpoint?: string;
  writerInstanceId?: string;
  dashboardName?: string;
}

/** Lab 6: an RDS for MySQL instance with Performance Insights. */
export interface Lab06Resources extends Found {
  dbInstanceId: string;
  dbEndpoint?: string;
  dbiResourceId?: string;
  dashboardName?: string;
}

export interface AuroraLookup {
  stackName?: string;
  /** `--cluster` (Labs 3 and 4). */
  clusterId?: string;
  /** `--db-instance` (Lab 6). */
  dbInstanceId?: string;
  region?: string;
  profile?: string;
}

export const CLUSTER_FLAG = '--cluster <id>';
export const INSTANCE_FLAG = '--db-instance <id>';

const ID_PATTERN = /^[a-zA-Z][a-zA-Z0-9-]{0,62}$/;

function assertIdentifier(flag: string, value: string | undefined, what: string): void {
  if (value !== undefined && (!ID_PATTERN.test(value) || value.endsWith('-') || value.includes('--'))) {
    throw new UsageError(
      `${flag} "${value}" is not a valid ${what} identifier: it must start with a letter, hold only letters, digits and single hyphens, and not end with a hyphen.`,
      `Copy the identifier from the console (RDS > Databases, the "DB identifier" column) and pass it again.`,
    );
  }
}

function toPort(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  return Number.isInteger(n) && n > 0 && n < 65536 ? n : undefined;
}

/** Stack outputs, or none when a flag names the resource and there is no stack (console learners). */
async function outputsOrFlags(
  clients: AwsClients,
  stackName: string,
  byFlags: boolean,
  ctx: { region?: string; profile?: string; flag: string },
): Promise<Record<string, string>> {
  try {
    return await readStackOutputs(clients.cloudformation, stackName, {
      region: ctx.region,
      profile: ctx.profile,
      deployCommand: deployCommandFor(stackName),
      flagsHint: ctx.flag,
    });
  } catch (err) {
    if (byFlags && err instanceof KitError) return {};
    throw err;
  }
}

/** `x.cluster-abc.us-east-1.rds.amazonaws.com` or `x.cluster-ro-abc...` -> `x`. */
export function clusterIdFromEndpoint(endpoint: string | undefined): string | undefined {
  const m = /^([a-zA-Z][a-zA-Z0-9-]*)\.cluster-(?:ro-)?[a-z0-9]+\./.exec(endpoint ?? '');
  return m?.[1];
}

/** The outputs (by their names in the lab's `stack.outputs`) every cluster finder reads. */
const CLUSTER_OUTPUTS = ['clusterId', 'clusterEndpoint', 'dbPort', 'dbSecretArn', 'dbName', 'bastionInstanceId'] as const;
const INSIGHTS_OUTPUTS = ['instanceId', 'dbEndpoint', 'dbiResourceId', 'dbPort', 'dbSecretArn', 'dbName', 'dashboardName', 'bastionInstanceId'] as const;

async function findCluster<L extends Lab03Resources | Lab04Resources, const N extends string>(
  clients: AwsClients,
  stack: StackMeta,
  lookup: AuroraLookup,
  extra: readonly N[],
  build: (common: Found & { clusterId: string }, fromOutputs: (key: N | (typeof CLUSTER_OUTPUTS)[number]) => string | undefined) => L,
): Promise<L> {
  const stackName = lookup.stackName ?? stack.name;
  const keys = outputKeysOf(stack, [...CLUSTER_OUTPUTS, ...extra]);
  const region = lookup.region ?? clients.region;
  const profile = lookup.profile ?? clients.profile;
  assertIdentifier('--cluster', lookup.clusterId, 'DB cluster');
  const byFlags = lookup.clusterId !== undefined;
  const outputs = await outputsOrFlags(clients, stackName, byFlags, { region, profile, flag: CLUSTER_FLAG });
  const fromStack = outputs[keys.clusterId] ?? clusterIdFromEndpoint(outputs[keys.clusterEndpoint]);
  const clusterId = lookup.clusterId ?? fromStack;
  if (!clusterId) {
    throw new EnvironmentError(
      `The stack ${stackName} has no ${keys.clusterId} output, so the kit cannot tell which DB cluster to check.`,
      `Deploy the current version of the stack (\`${deployCommandFor(stackName)}\`), or name the cluster with ${CLUSTER_FLAG}.`,
    );
  }
  // What the stack says about its cluster describes that cluster only.
  const same = !byFlags || lookup.clusterId?.toLowerCase() === fromStack?.toLowerCase();
  const fromOutputs = (key: string) => (same ? outputs[key] || undefined : undefined);
  return build(
    {
      clusterId,
      stackName,
      region,
      source: byFlags ? 'flags' : 'stack',
      dbPort: toPort(fromOutputs(keys.dbPort)),
      dbSecretArn: fromOutputs(keys.dbSecretArn),
      dbName: fromOutputs(keys.dbName),
      bastionInstanceId: outputs[keys.bastionInstanceId] || undefined,
    },
    (key) => fromOutputs(keys[key]),
  );
}

/** A provisioned Aurora cluster (Lab 3's shape), from the stack `stack` describes or from `--cluster`. */
export async function findProvisionedClusterResources(clients: AwsClients, stack: StackMeta, lookup: AuroraLookup = {}): Promise<Lab03Resources> {
  return findCluster(clients, stack, lookup, ['readerEndpoint'], (common, out) => ({
    ...common,
    clusterEndpoint: out('clusterEndpoint'),
    readerEndpoint: out('readerEndpoint'),
  }));
}

/** A Serverless v2 cluster and its dashboard (Lab 4's shape), from the stack `stack` describes or from `--cluster`. */
export async function findServerlessClusterResources(clients: AwsClients, stack: StackMeta, lookup: AuroraLookup = {}): Promise<Lab04Resources> {
  return findCluster(clients, stack, lookup, ['writerInstanceId', 'dashboardName'], (common, out) => ({
    ...common,
    clusterEndpoint: out('clusterEndpoint'),
    writerInstanceId: out('writerInstanceId'),
    dashboardName: out('dashboardName'),
  }));
}

/** An RDS instance with Performance Insights (Lab 6's shape), from the stack `stack` describes or from `--db-instance`. */
export async function findInsightsInstanceResources(clients: AwsClients, stack: StackMeta, lookup: AuroraLookup = {}): Promise<Lab06Resources> {
  const stackName = lookup.stackName ?? stack.name;
  const keys = outputKeysOf(stack, INSIGHTS_OUTPUTS);
  const region = lookup.region ?? clients.region;
  const profile = lookup.profile ?? clients.profile;
  assertIdentifier('--db-instance', lookup.dbInstanceId, 'DB instance');
  const byFlags = lookup.dbInstanceId !== undefined;
  const outputs = await outputsOrFlags(clients, stackName, byFlags, { region, profile, flag: INSTANCE_FLAG });
  const fromStack = outputs[keys.instanceId] ?? dbInstanceIdFromEndpoint(outputs[keys.dbEndpoint]);
  const dbInstanceId = lookup.dbInstanceId ?? fromStack;
  if (!dbInstanceId) {
    throw new EnvironmentError(
      `The stack ${stackName} has no ${keys.instanceId} output, so the kit cannot tell which DB instance to check.`,
      `Deploy the current version of the stack (\`${deployCommandFor(stackName)}\`), or name the instance with ${INSTANCE_FLAG}.`,
    );
  }
  const same = !byFlags || lookup.dbInstanceId?.toLowerCase() === fromStack?.toLowerCase();
  const out = (key: (typeof INSIGHTS_OUTPUTS)[number]) => (same ? outputs[keys[key]] || undefined : undefined);
  return {
    dbInstanceId,
    dbEndpoint: out('dbEndpoint'),
    dbiResourceId: out('dbiResourceId'),
    dbPort: toPort(out('dbPort')),
    dbSecretArn: out('dbSecretArn'),
    dbName: out('dbName'),
    dashboardName: out('dashboardName'),
    bastionInstanceId: outputs[keys.bastionInstanceId] || undefined,
    stackName,
    region,
    source: byFlags ? 'flags' : 'stack',
  };
}

// --- cluster reads shared by the checks and the drill ---

export interface ClusterCallContext {
  region?: string;
  profile?: string;
  deployCommand?: string;
}

/** One cluster by identifier, or `undefined` when RDS has none; anything else is thrown explained. */
export async function describeDbCluster(clients: AwsClients, id: string, ctx: ClusterCallContext): Promise<DBCluster | undefined> {
  try {
    const out = await clients.rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: id }));
    return out.DBClusters?.[0];
  } catch (err) {
    if (classifyAwsError(err, ctx.region) === 'not-found') return undefined;
    throw explainAwsError(err, {
      action: 'rds:DescribeDBClusters',
      region: ctx.region,
      profile: ctx.profile,
      resource: { kind: 'Aurora DB cluster', id, flag: CLUSTER_FLAG },
      deployCommand: ctx.deployCommand,
    });
  }
}

/** The cluster's member instances (one DescribeDBInstances filtered by cluster), with their AZ, class and endpoint. */
export async function describeClusterInstances(clients: AwsClients, clusterId: string, ctx: ClusterCallContext): Promise<DBInstance[]> {
  const instances: DBInstance[] = [];
  try {
    let marker: string | undefined;
    let pages = 0;
    do {
      const out = await clients.rds.send(
        new DescribeDBInstancesCommand({ Filters: [{ Name: 'db-cluster-id', Values: [clusterId] }], MaxRecords: 100, Marker: marker }),
      );
      instances.push(...(out.DBInstances ?? []));
      marker = out.Marker;
      pages += 1;
    } while (marker && pages < 5);
  } catch (err) {
    throw explainAwsError(err, {
      action: 'rds:DescribeDBInstances',
      region: ctx.region,
      profile: ctx.profile,
      resource: { kind: 'Aurora DB cluster', id: clusterId, flag: CLUSTER_FLAG },
    });
  }
  return instances;
}

/** Writer and readers by what the cluster says (DBClusterMembers[].IsClusterWriter). */
export function clusterRoles(cluster: DBCluster): { writers: string[]; readers: string[] } {
  const members = cluster.DBClusterMembers ?? [];
  return {
    writers: members.filter((m) => m.IsClusterWriter === true).map((m) => m.DBInstanceIdentifier ?? '?'),
    readers: members.filter((m) => m.IsClusterWriter !== true).map((m) => m.DBInstanceIdentifier ?? '?'),
  };
}

/**
 * Clusters the learner may have meant: the lab's own (kit tags, the
 * `DataTierLabs-NN-` naming or a `dtlNN-` name). Best effort: a listing that
 * fails yields none.
 */
export async function suggestDbClusters(clients: AwsClients, labId: number, typed?: string): Promise<string[]> {
  const out: string[] = [];
  const prefixes = [`dtl${String(labId).padStart(2, '0')}-`, `datatierlabs-${String(labId).padStart(2, '0')}-`];
  try {
    let marker: string | undefined;
    let pages = 0;
    do {
      const page = await clients.rds.send(new DescribeDBClustersCommand({ MaxRecords: 100, Marker: marker }));
      for (const c of page.DBClusters ?? []) {
        const id = c.DBClusterIdentifier;
        if (!id || id === typed) continue;
        const match = kitMatch(tagMap(c.TagList), [id]);
        if (match?.labId !== undefined && match.labId !== labId) continue;
        if (match !== undefined || prefixes.some((p) => id.toLowerCase().startsWith(p))) out.push(id);
      }
      marker = page.Marker;
      pages += 1;
    } while (marker && pages < 5);
  } catch {
    return [];
  }
  return out.sort();
}

/** "There is no DB cluster X": the sentence and the hint, with the lab's clusters that do exist. */
export function clusterNotFound(
  id: string,
  suggestions: string[],
  opts: { region?: string; deployCommand: string; stackName?: string; fromStack?: boolean },
): { message: string; hint: string } {
  const where = opts.region ? ` in ${opts.region}` : '';
  const stackNote = opts.fromStack && opts.stackName ? ` although the stack ${opts.stackName} names it (was it deleted outside CloudFormation?)` : '';
  const found = suggestions.length ? ` The lab's DB clusters here: ${suggestions.join(', ')}.` : '';
  return {
    message: `There is no Aurora DB cluster "${id}"${where}${stackNote}.${found}`,
    hint: suggestions.length
      ? `Pass the right one, e.g. \`--cluster ${suggestions[0]}\`; if the cluster is in another region, pass --region.`
      : `Deploy the lab stack with \`${opts.deployCommand}\`, or pass the identifier of your cluster with \`${CLUSTER_FLAG}\`; if it is in another region, pass --region.`,
  };
}

/**
 * Whether the version can scale Serverless v2 to 0 ACUs (auto-pause): Aurora
 * MySQL 3.08.0 or later (any later major line too). A feature floor, not a
 * support judgement: whether a version is still supported comes from RDS
 * (checker/aws/engine-lifecycle.ts).
 * `8.0.mysql_aurora.3.10.4` -> true; `8.0.mysql_aurora.3.05.2` -> false;
 * `8.4.mysql_aurora.8.4.7` -> true.
 */
export function auroraSupportsAutoPause(version: string | undefined): boolean {
  const m = /^\d+\.\d+\.mysql_aurora\.(\d+)\.(\d+)\.\d+$/.exec(version ?? '');
  if (!m) return false;
  const major = Number(m[1]);
  const minor = Number(m[2]);
  return major > 3 || (major === 3 && minor >= 8);
}
