/**
 * Lab 05 on AWS: is the deployed replication group what the lesson asks for
 * (two replicas over two AZs, automatic failover, Multi-AZ, encryption,
 * AUTH, backups, a small node), did the exercises' traffic reach it, and is
 * the database behind it private and encrypted.
 *
 * `fail` names what is wrong and the value seen; `error` means AWS could not
 * be asked (credentials, permissions, network), explained by checker/aws/errors.ts.
 */
import { GetMetricDataCommand, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import {
  DescribeCacheClustersCommand,
  DescribeReplicationGroupsCommand,
  type CacheCluster,
  type ReplicationGroup,
} from '@aws-sdk/client-elasticache';
import { DescribeDBInstancesCommand, type DBInstance } from '@aws-sdk/client-rds';
import type { EnvironmentError } from '../../core/errors.js';
import type { CheckResult } from '../../core/result.js';
import { awsResultBuilders, elapsed } from '../aws-results.js';
import type { AwsClients } from '../../aws/clients.js';
import { classifyAwsError, explainAwsError } from '../../aws/errors.js';
import type { Lab05Resources } from '../../aws/lab05-resources.js';

export const LAB05_AWS_CHECKS = {
  replicationGroup: { id: '05.aws.replication-group', name: 'Replication group exists and is available' },
  engine: { id: '05.aws.engine', name: 'Engine is Valkey 7.2+ or Redis OSS 7.0+' },
  clusterMode: { id: '05.aws.cluster-mode', name: 'Cluster mode is disabled' },
  replicas: { id: '05.aws.replicas', name: 'At least two replicas' },
  availabilityZones: { id: '05.aws.availability-zones', name: 'Nodes spread over at least two Availability Zones' },
  automaticFailover: { id: '05.aws.automatic-failover', name: 'Automatic failover is enabled' },
  multiAz: { id: '05.aws.multi-az', name: 'Multi-AZ is enabled' },
  transitEncryption: { id: '05.aws.transit-encryption', name: 'TLS is required (encryption in transit)' },
  atRestEncryption: { id: '05.aws.at-rest-encryption', name: 'Encryption at rest is on' },
  authToken: { id: '05.aws.auth-token', name: 'AUTH token is required' },
  backups: { id: '05.aws.backups', name: 'Daily snapshots are kept (retention >= 1 day)' },
  nodeType: { id: '05.aws.node-type', name: 'Node type is micro or small burstable' },
  dbInstance: { id: '05.aws.db-instance', name: 'Database instance exists and is available' },
  dbEncryption: { id: '05.aws.db-encryption', name: 'Database storage is encrypted' },
  dbNotPublic: { id: '05.aws.db-not-public', name: 'Database is not publicly accessible' },
  dbStorage: { id: '05.aws.db-storage-gp3', name: 'Database storage is gp3' },
  traffic: { id: '05.aws.traffic', name: 'Exercise traffic reached the cache (hits and misses in CloudWatch)' },
} as const;

const { result, errorResult, skipped } = awsResultBuilders(LAB05_AWS_CHECKS);

const CONFIG_FILE = 'labs/05-elasticache-redis/stack-config.ts';
const REDEPLOY = '`npm run deploy 5`';
const YOUR_TURN_HINT =
  `In ${CONFIG_FILE} set replicasPerPrimary: 2, automaticFailover: true and multiAz: true, then deploy again with ${REDEPLOY}; ` +
  'or, if you built the cache in the console, modify it there (add two replicas, turn on Multi-AZ and auto-failover).';

/** Valkey from 7.2, Redis OSS from 7.0: older engines are out of standard support or extra-cost. */
const MIN_VERSION: Record<string, [number, number]> = { valkey: [7, 2], redis: [7, 0] };

/** Node types the lab is sized for. */
export const LAB_NODE_TYPES = ['cache.t4g.micro', 'cache.t4g.small', 'cache.t3.micro', 'cache.t3.small'] as const;

/** us-east-1 on-demand list prices (USD/hour, Redis OSS; Valkey is 20% less for every type, so ratios hold). */
export const NODE_TYPE_PRICES: Record<string, number> = {
  'cache.t4g.micro': 0.016,
  'cache.t4g.small': 0.032,
  'cache.t4g.medium': 0.065,
  'cache.t3.micro': 0.017,
  'cache.t3.small': 0.034,
  'cache.t3.medium': 0.068,
  'cache.t2.micro': 0.017,
  'cache.t2.small': 0.034,
  'cache.t2.medium': 0.068,
};
/** Price of the `.large` size per family; each size step up doubles it. */
const LARGE_PRICES: Record<string, number> = {
  m7g: 0.158, m6g: 0.149, m5: 0.156, m4: 0.156,
  r7g: 0.219, r6g: 0.206, r6gd: 0.252, r5: 0.216, r4: 0.228,
  c7gn: 0.255,
};
const SIZE_FACTOR: Record<string, number> = {
  large: 1, xlarge: 2, '2xlarge': 4, '4xlarge': 8, '8xlarge': 16, '12xlarge': 24, '16xlarge': 32, '24xlarge': 48,
};
const LAB_NODE_PRICE = NODE_TYPE_PRICES['cache.t4g.micro']!;

/** Hourly list price of a node type, when the kit knows or can estimate it. */
export function nodeTypePrice(nodeType: string): number | undefined {
  const known = NODE_TYPE_PRICES[nodeType];
  if (known !== undefined) return known;
  const m = /^cache\.([a-z0-9]+)\.([a-z0-9]+)$/.exec(nodeType);
  if (!m) return undefined;
  const base = LARGE_PRICES[m[1]!];
  const factor = SIZE_FACTOR[m[2]!];
  return base !== undefined && factor !== undefined ? base * factor : undefined;
}

export interface Lab05AwsCheckOptions {
  region?: string;
  profile?: string;
}

interface Ctx {
  region?: string;
  profile?: string;
}

function parseVersion(v: string | undefined): [number, number] | undefined {
  const m = /^(\d+)\.(\d+)/.exec(v ?? '') ?? /^(\d+)$/.exec(v ?? '');
  if (!m) return undefined;
  return [Number(m[1]), Number(m[2] ?? 0)];
}

function atLeast(v: [number, number], min: [number, number]): boolean {
  return v[0] > min[0] || (v[0] === min[0] && v[1] >= min[1]);
}

interface Member {
  id: string;
  role?: string;
  az?: string;
}

function membersOf(group: ReplicationGroup, clusters: Map<string, CacheCluster>): Member[] {
  const fromGroups = (group.NodeGroups ?? []).flatMap((ng) =>
    (ng.NodeGroupMembers ?? []).map((m) => ({
      id: m.CacheClusterId ?? '?',
      role: m.CurrentRole,
      az: m.PreferredAvailabilityZone ?? clusters.get(m.CacheClusterId ?? '')?.PreferredAvailabilityZone,
    })),
  );
  if (fromGroups.length > 0) return fromGroups;
  return (group.MemberClusters ?? []).map((id) => ({ id, az: clusters.get(id)?.PreferredAvailabilityZone }));
}

/** Replicas per node group (the smallest one counts); with cluster mode disabled there is one group. */
function replicaCount(group: ReplicationGroup): number {
  const groups = group.NodeGroups ?? [];
  if (groups.length === 0) return Math.max(0, (group.MemberClusters ?? []).length - 1);
  return Math.min(
    ...groups.map((ng) => {
      const members = ng.NodeGroupMembers ?? [];
      const withRoles = members.filter((m) => m.CurrentRole);
      if (withRoles.length > 0) return withRoles.filter((m) => m.CurrentRole === 'replica').length;
      return Math.max(0, members.length - 1);
    }),
  );
}

async function describeGroup(clients: AwsClients, id: string): Promise<ReplicationGroup | undefined> {
  const out = await clients.elasticache.send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: id }));
  return out.ReplicationGroups?.[0];
}

function groupCallContext(id: string, ctx: Ctx) {
  return {
    action: 'elasticache:DescribeReplicationGroups',
    region: ctx.region,
    profile: ctx.profile,
    resource: { kind: 'ElastiCache replication group', id, flag: '--replication-group <id>' },
    deployCommand: 'npm run deploy 5',
  };
}

export async function runLab05AwsChecks(
  clients: AwsClients,
  resources: Lab05Resources,
  options: Lab05AwsCheckOptions = {},
): Promise<CheckResult[]> {
  const ctx: Ctx = { region: options.region ?? resources.region ?? clients.region, profile: options.profile ?? clients.profile };
  const results: CheckResult[] = [];
  const rgId = resources.replicationGroupId;
  const where = ctx.region ? ` in ${ctx.region}` : '';

  // --- the replication group ---
  const t0 = performance.now();
  let group: ReplicationGroup | undefined;
  let groupProblem: string | undefined;
  try {
    group = await describeGroup(clients, rgId);
    if (!group) groupProblem = 'not-found';
  } catch (err) {
    if (classifyAwsError(err, ctx.region) === 'not-found') {
      groupProblem = 'not-found';
    } else {
      results.push(errorResult('replicationGroup', explainAwsError(err, groupCallContext(rgId, ctx)), elapsed(t0)));
      groupProblem = 'error';
    }
  }
  if (groupProblem === 'not-found') {
    results.push(
      result(
        'replicationGroup',
        'fail',
        `There is no ElastiCache replication group "${rgId}"${where}${resources.source === 'stack' ? ` although the stack ${resources.stackName} names it (was it deleted outside CloudFormation?)` : ''}.`,
        `Deploy the lab stack with ${REDEPLOY}, or pass the id of the cache you created with --replication-group <id>; if it is in another region, pass --region.`,
        elapsed(t0),
      ),
    );
  }

  if (!group) {
    const why =
      groupProblem === 'not-found'
        ? `the replication group "${rgId}" was not found (see ${LAB05_AWS_CHECKS.replicationGroup.id})`
        : `the replication group could not be read (see ${LAB05_AWS_CHECKS.replicationGroup.id})`;
    for (const key of [
      'engine', 'clusterMode', 'replicas', 'availabilityZones', 'automaticFailover', 'multiAz',
      'transitEncryption', 'atRestEncryption', 'authToken', 'backups', 'nodeType',
    ] as const) {
      results.push(skipped(key, why));
    }
  } else {
    const status = group.Status ?? 'unknown';
    if (status === 'available') {
      results.push(result('replicationGroup', 'pass', `Replication group ${rgId} is available.`, undefined, elapsed(t0)));
    } else if (['creating', 'modifying', 'snapshotting'].includes(status)) {
      results.push(
        result(
          'replicationGroup',
          'fail',
          `Replication group ${rgId} is still ${status}; the other results describe it mid-change.`,
          'Wait until its status is "available" (adding replicas takes 10-20 minutes), then re-run.',
          elapsed(t0),
        ),
      );
    } else {
      results.push(
        result(
          'replicationGroup',
          'fail',
          `Replication group ${rgId} has status "${status}", not "available".`,
          status === 'deleting'
            ? `It is being deleted: deploy the stack again with ${REDEPLOY} once it is gone.`
            : 'Look at the cache\'s events in the ElastiCache console for what went wrong; destroying and deploying the stack again usually fixes a failed create.',
          elapsed(t0),
        ),
      );
    }
    results.push(...(await groupChecks(clients, group, ctx)));
  }

  // --- the database ---
  results.push(...(await dbChecks(clients, resources, ctx)));
  return results;
}

async function groupChecks(clients: AwsClients, group: ReplicationGroup, ctx: Ctx): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  const rgId = group.ReplicationGroupId ?? '?';

  // Engine versions and AZs live on the member clusters.
  const t0 = performance.now();
  const clusters = new Map<string, CacheCluster>();
  let clusterError: EnvironmentError | undefined;
  const memberIds = group.MemberClusters ?? [];
  await Promise.all(
    memberIds.map(async (id) => {
      try {
        const res = await clients.elasticache.send(new DescribeCacheClustersCommand({ CacheClusterId: id }));
        const c = res.CacheClusters?.[0];
        if (c) clusters.set(id, c);
      } catch (err) {
        if (classifyAwsError(err, ctx.region) === 'not-found') return; // a member being removed right now
        clusterError ??= explainAwsError(err, {
          action: 'elasticache:DescribeCacheClusters',
          region: ctx.region,
          profile: ctx.profile,
          resource: { kind: 'ElastiCache cache cluster', id },
        });
      }
    }),
  );
  const clusterMs = elapsed(t0);

  // Engine and version.
  {
    const first = [...clusters.values()][0];
    const engine = (group.Engine ?? first?.Engine ?? '').toLowerCase();
    const versions = [...new Set([...clusters.values()].map((c) => c.EngineVersion).filter((v): v is string => Boolean(v)))];
    if (clusterError && versions.length === 0) {
      out.push(errorResult('engine', clusterError, clusterMs));
    } else if (!MIN_VERSION[engine]) {
      out.push(
        result(
          'engine',
          'fail',
          `Replication group ${rgId} runs the engine "${engine || 'unknown'}"; the lab needs Valkey (7.2 or newer) or Redis OSS (7.0 or newer).`,
          'Create the cache with the Valkey engine (the lab stack does: deploy it with `npm run deploy 5`).',
          clusterMs,
        ),
      );
    } else if (versions.length === 0) {
      out.push(result('engine', 'fail', `No engine version reported for the members of ${rgId}: are they still being created?`, 'Wait until the group is available, then re-run.', clusterMs));
    } else {
      const min = MIN_VERSION[engine]!;
      const old = versions.filter((v) => {
        const p = parseVersion(v);
        return !p || !atLeast(p, min);
      });
      const label = engine === 'valkey' ? 'Valkey' : 'Redis OSS';
      if (old.length > 0) {
        out.push(
          result(
            'engine',
            'fail',
            `${rgId} runs ${label} ${old.join(', ')}, older than the ${min.join('.')} the lab needs (older engines are out of standard support and miss the commands the exercises use).`,
            'Upgrade the engine (ElastiCache console: Modify > Engine version; a Redis OSS cache can move to Valkey there too), or deploy the lab stack, which uses Valkey 8.2.',
            clusterMs,
          ),
        );
      } else {
        out.push(result('engine', 'pass', `${label} ${versions.join(', ')}.`, undefined, clusterMs));
      }
    }
  }

  // Cluster mode.
  {
    const mode = group.ClusterMode;
    if (group.ClusterEnabled === true || mode === 'enabled' || mode === 'compatible') {
      out.push(
        result(
          'clusterMode',
          'fail',
          `${rgId} has cluster mode ${mode ?? 'enabled'} (ClusterEnabled: ${String(group.ClusterEnabled)}); the lab's clients talk to one primary endpoint and need cluster mode disabled.`,
          'Cluster mode cannot be turned off on an existing cache: create one with cluster mode disabled (the lab stack does: `npm run deploy 5`).',
        ),
      );
    } else {
      out.push(result('clusterMode', 'pass', `Cluster mode is disabled on ${rgId}.`));
    }
  }

  // Replicas.
  const members = membersOf(group, clusters);
  {
    const replicas = replicaCount(group);
    if (replicas >= 2) {
      out.push(result('replicas', 'pass', `${rgId} has a primary and ${replicas} replicas.`));
    } else {
      out.push(
        result(
          'replicas',
          'fail',
          `${rgId} has ${replicas} replica${replicas === 1 ? '' : 's'} (${members.length} node${members.length === 1 ? '' : 's'}: ${members.map((m) => `${m.id}${m.role ? ` ${m.role}` : ''}`).join(', ') || 'none'}); the lab needs at least two, so a failover still leaves a replica.`,
          YOUR_TURN_HINT,
        ),
      );
    }
  }

  // Availability Zones.
  {
    const azs = [...new Set(members.map((m) => m.az).filter((a): a is string => Boolean(a)))];
    if (azs.length === 0 && clusterError) {
      out.push(errorResult('availabilityZones', clusterError, clusterMs));
    } else if (azs.length >= 2) {
      out.push(result('availabilityZones', 'pass', `Nodes of ${rgId} are in ${azs.length} Availability Zones: ${azs.join(', ')}.`));
    } else {
      out.push(
        result(
          'availabilityZones',
          'fail',
          `All ${members.length} node${members.length === 1 ? '' : 's'} of ${rgId} ${members.length === 1 ? 'is' : 'are'} in ${azs[0] ?? 'an unknown Availability Zone'}: losing that one zone loses the whole cache.`,
          `${YOUR_TURN_HINT} With multiAz: true ElastiCache places the replicas in other zones; in the console, choose a different zone for each replica.`,
        ),
      );
    }
  }

  // Automatic failover.
  {
    const v = group.AutomaticFailover ?? 'disabled';
    if (v === 'enabled') {
      out.push(result('automaticFailover', 'pass', `Automatic failover is enabled on ${rgId}.`));
    } else {
      out.push(
        result(
          'automaticFailover',
          'fail',
          v === 'enabling'
            ? `Automatic failover on ${rgId} is still enabling; wait and re-run.`
            : `Automatic failover on ${rgId} is "${v}": if the primary fails, no replica is promoted and the cache is down until the node is replaced.`,
          v === 'enabling' ? 'Wait until the change is applied (a few minutes), then re-run.' : YOUR_TURN_HINT,
        ),
      );
    }
  }

  // Multi-AZ.
  {
    const v = group.MultiAZ ?? 'disabled';
    if (v === 'enabled') {
      out.push(result('multiAz', 'pass', `Multi-AZ is enabled on ${rgId}.`));
    } else {
      out.push(
        result(
          'multiAz',
          'fail',
          `Multi-AZ on ${rgId} is ${group.MultiAZ ? `"${v}"` : 'not enabled (MultiAZ not reported)'}: ElastiCache does not keep replicas in other zones or fail over across zones.`,
          YOUR_TURN_HINT,
        ),
      );
    }
  }

  // Encryption in transit.
  {
    if (group.TransitEncryptionEnabled !== true) {
      out.push(
        result(
          'transitEncryption',
          'fail',
          `Encryption in transit is off on ${rgId} (TransitEncryptionEnabled: ${String(group.TransitEncryptionEnabled ?? false)}): the AUTH token and the data cross the network in clear text.`,
          'Turn on encryption in transit (Modify > Encryption in transit, mode "required"), or deploy the lab stack, which creates the cache with TLS required.',
        ),
      );
    } else if (group.TransitEncryptionMode === 'preferred') {
      out.push(
        result(
          'transitEncryption',
          'fail',
          `${rgId} has encryption in transit in mode "preferred": it still accepts plain-text connections.`,
          'Once all clients use TLS (rediss://), set the transit encryption mode to "required" (Modify in the console, or `aws elasticache modify-replication-group --transit-encryption-mode required --apply-immediately`).',
        ),
      );
    } else {
      out.push(result('transitEncryption', 'pass', `TLS is required on ${rgId}.`));
    }
  }

  // Encryption at rest.
  {
    const type = group.StorageEncryptionType;
    const on = group.AtRestEncryptionEnabled === true || type === 'sse-elasticache' || type === 'sse-kms';
    if (on) {
      out.push(result('atRestEncryption', 'pass', `Encryption at rest is on for ${rgId}${type ? ` (${type})` : ''}.`));
    } else {
      out.push(
        result(
          'atRestEncryption',
          'fail',
          `Encryption at rest is off for ${rgId} (AtRestEncryptionEnabled: ${String(group.AtRestEncryptionEnabled ?? false)}${type ? `, StorageEncryptionType: ${type}` : ''}): backups and what the nodes write to disk are stored unencrypted.`,
          'Encryption at rest can only be chosen when a cache is created: create a new one with it on (the lab stack does: destroy and `npm run deploy 5`).',
        ),
      );
    }
  }

  // AUTH token.
  {
    if (group.AuthTokenEnabled === true) {
      out.push(result('authToken', 'pass', `${rgId} requires an AUTH token.`));
    } else {
      const rbac = (group.UserGroupIds ?? []).length > 0 ? ` It uses the user groups ${group.UserGroupIds!.join(', ')} instead, but the lab's exercises connect with an AUTH token.` : '';
      out.push(
        result(
          'authToken',
          'fail',
          `${rgId} does not require an AUTH token (AuthTokenEnabled: ${String(group.AuthTokenEnabled ?? false)}): anyone who reaches the port can read and write the cache.${rbac}`,
          'Set an AUTH token (needs encryption in transit): ElastiCache console Modify > Access control, or deploy the lab stack, which stores the token in Secrets Manager.',
        ),
      );
    }
  }

  // Backups.
  {
    const days = group.SnapshotRetentionLimit ?? 0;
    if (days >= 1) {
      out.push(result('backups', 'pass', `${rgId} keeps automatic snapshots for ${days} day${days === 1 ? '' : 's'}.`));
    } else {
      out.push(
        result(
          'backups',
          'fail',
          `${rgId} keeps no automatic snapshots (SnapshotRetentionLimit: ${days}): a lost cache cannot be restored.`,
          'Set the backup retention to at least 1 day (console Modify > Backup, or `aws elasticache modify-replication-group --snapshot-retention-limit 1`); the lab stack sets 1.',
        ),
      );
    }
  }

  // Node type.
  {
    const type = group.CacheNodeType ?? [...clusters.values()][0]?.CacheNodeType;
    if (!type) {
      out.push(result('nodeType', 'fail', `ElastiCache reports no node type for ${rgId}.`, 'Wait until the group is available, then re-run.'));
    } else if ((LAB_NODE_TYPES as readonly string[]).includes(type)) {
      out.push(result('nodeType', 'pass', `${rgId} uses ${type}.`));
    } else {
      const price = nodeTypePrice(type);
      const ratio = price !== undefined ? Math.round(price / LAB_NODE_PRICE) : undefined;
      const cost =
        ratio !== undefined && ratio >= 2
          ? `costs about ${ratio} x more than the lab needs (cache.t4g.micro, us-east-1 list prices) for each of its nodes`
          : 'is bigger than the lab needs (cache.t4g.micro)';
      out.push(
        result(
          'nodeType',
          'fail',
          `${rgId} uses ${type}, which ${cost}.`,
          'Use cache.t4g.micro (or t4g.small, t3.micro, t3.small): the lab stack does; in the console, Modify > Node type scales it down.',
        ),
      );
    }
  }
  return out;
}

async function dbChecks(clients: AwsClients, resources: Lab05Resources, ctx: Ctx): Promise<CheckResult[]> {
  const id = resources.dbInstanceId;
  const dependants = ['dbEncryption', 'dbNotPublic', 'dbStorage'] as const;
  if (!id) {
    return [
      result('dbInstance', 'skipped', 'Not checked: no database instance is known (no stack output DbEndpoint and no --db-instance flag).', 'Pass --db-instance <id> to check the database too.'),
      ...dependants.map((k) => skipped(k, 'no database instance is known')),
    ];
  }
  const t0 = performance.now();
  let db: DBInstance | undefined;
  try {
    const out = await clients.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }));
    db = out.DBInstances?.[0];
  } catch (err) {
    if (classifyAwsError(err, ctx.region) !== 'not-found') {
      const explained = explainAwsError(err, {
        action: 'rds:DescribeDBInstances',
        region: ctx.region,
        profile: ctx.profile,
        resource: { kind: 'RDS DB instance', id, flag: '--db-instance <id>' },
      });
      return [errorResult('dbInstance', explained, elapsed(t0)), ...dependants.map((k) => skipped(k, `the DB instance could not be read (see ${LAB05_AWS_CHECKS.dbInstance.id})`))];
    }
  }
  const where = ctx.region ? ` in ${ctx.region}` : '';
  if (!db) {
    return [
      result(
        'dbInstance',
        'fail',
        `There is no RDS DB instance "${id}"${where}.`,
        `Deploy the lab stack with ${REDEPLOY}, or pass the identifier of your database with --db-instance <id>.`,
        elapsed(t0),
      ),
      ...dependants.map((k) => skipped(k, `the DB instance "${id}" was not found`)),
    ];
  }
  const out: CheckResult[] = [];
  const status = db.DBInstanceStatus ?? 'unknown';
  out.push(
    status === 'available'
      ? result('dbInstance', 'pass', `DB instance ${id} is available.`, undefined, elapsed(t0))
      : result('dbInstance', 'fail', `DB instance ${id} is ${status}, not available.`, 'Wait until it is available (or start it if it is stopped), then re-run.', elapsed(t0)),
  );
  out.push(
    db.StorageEncrypted === true
      ? result('dbEncryption', 'pass', `DB instance ${id} has encrypted storage.`)
      : result(
          'dbEncryption',
          'fail',
          `DB instance ${id} has unencrypted storage (StorageEncrypted: ${String(db.StorageEncrypted ?? false)}).`,
          'Encryption cannot be switched on in place: restore an encrypted copy of a snapshot, or deploy the lab stack, which creates the instance encrypted.',
        ),
  );
  out.push(
    db.PubliclyAccessible === true
      ? result(
          'dbNotPublic',
          'fail',
          `DB instance ${id} is publicly accessible (PubliclyAccessible: true): its endpoint resolves to a public address.`,
          'Modify the instance and set Public access to "Not publicly accessible"; reach it through the bastion tunnel instead.',
        )
      : result('dbNotPublic', 'pass', `DB instance ${id} is not publicly accessible.`),
  );
  const storage = db.StorageType ?? 'unknown';
  out.push(
    storage === 'gp3'
      ? result('dbStorage', 'pass', `DB instance ${id} uses gp3 storage.`)
      : result(
          'dbStorage',
          'fail',
          `DB instance ${id} uses ${storage} storage; the lab uses gp3 (same or better baseline performance than gp2 for less money).`,
          'Modify the instance and change Storage type to General Purpose SSD (gp3); the change applies online.',
        ),
  );
  return out;
}

// --- traffic ---

export interface TrafficFigures {
  hits: number;
  misses: number;
  byCluster: Record<string, { hits: number; misses: number }>;
  since: Date;
  until: Date;
}

export interface TrafficCheckOutcome {
  check: CheckResult;
  figures: TrafficFigures;
}

export interface TrafficCheckOptions {
  region?: string;
  profile?: string;
  /** The clock (tests). */
  now?: () => Date;
  /** Member cluster ids, when the caller already has them (skips DescribeReplicationGroups). */
  memberClusterIds?: string[];
}

const MINUTE = 60_000;

function hhmm(d: Date): string {
  return `${d.toISOString().slice(11, 16)} UTC`;
}

/**
 * Sums AWS/ElastiCache CacheHits and CacheMisses (per member, CacheClusterId
 * dimension) since the exercises started. CloudWatch publishes a minute or
 * more late, so zero right after a run is a `fail` that says to retry.
 */
export async function runLab05TrafficCheck(
  clients: AwsClients,
  replicationGroupId: string,
  since: Date,
  options: TrafficCheckOptions = {},
): Promise<TrafficCheckOutcome> {
  const ctx: Ctx = { region: options.region ?? clients.region, profile: options.profile ?? clients.profile };
  const until = options.now?.() ?? new Date();
  const figures: TrafficFigures = { hits: 0, misses: 0, byCluster: {}, since, until };
  const t0 = performance.now();

  let members = options.memberClusterIds;
  if (!members) {
    try {
      const group = await describeGroup(clients, replicationGroupId);
      members = group?.MemberClusters ?? [];
      if (!group) {
        return {
          check: result('traffic', 'fail', `There is no ElastiCache replication group "${replicationGroupId}" to read metrics for.`, 'Deploy the lab stack or pass --replication-group <id>.', elapsed(t0)),
          figures,
        };
      }
    } catch (err) {
      if (classifyAwsError(err, ctx.region) === 'not-found') {
        return {
          check: result('traffic', 'fail', `There is no ElastiCache replication group "${replicationGroupId}"${ctx.region ? ` in ${ctx.region}` : ''} to read metrics for.`, 'Deploy the lab stack or pass --replication-group <id>.', elapsed(t0)),
          figures,
        };
      }
      return { check: errorResult('traffic', explainAwsError(err, groupCallContext(replicationGroupId, ctx)), elapsed(t0)), figures };
    }
  }
  if (members.length === 0) {
    return {
      check: result('traffic', 'fail', `Replication group ${replicationGroupId} has no member nodes to read metrics for.`, 'Wait until it is available, then re-run.', elapsed(t0)),
      figures,
    };
  }

  const start = new Date(Math.floor(since.getTime() / MINUTE) * MINUTE);
  const end = new Date(Math.max(Math.ceil(until.getTime() / MINUTE) * MINUTE, start.getTime() + MINUTE));
  const queries: MetricDataQuery[] = [];
  const labels = new Map<string, { cluster: string; metric: 'hits' | 'misses' }>();
  members.forEach((cluster, i) => {
    for (const [metric, name] of [['hits', 'CacheHits'], ['misses', 'CacheMisses']] as const) {
      const id = `${metric === 'hits' ? 'h' : 'm'}${i}`;
      labels.set(id, { cluster, metric });
      queries.push({
        Id: id,
        Label: `${cluster} ${name}`,
        MetricStat: {
          Metric: { Namespace: 'AWS/ElastiCache', MetricName: name, Dimensions: [{ Name: 'CacheClusterId', Value: cluster }] },
          Period: 60,
          Stat: 'Sum',
        },
        ReturnData: true,
      });
    }
    figures.byCluster[cluster] = { hits: 0, misses: 0 };
  });

  try {
    let token: string | undefined;
    let pages = 0;
    do {
      const out = await clients.cloudwatch.send(
        new GetMetricDataCommand({ MetricDataQueries: queries, StartTime: start, EndTime: end, NextToken: token, ScanBy: 'TimestampAscending' }),
      );
      for (const r of out.MetricDataResults ?? []) {
        const label = labels.get(r.Id ?? '');
        if (!label) continue;
        const sum = (r.Values ?? []).reduce((a, b) => a + b, 0);
        figures.byCluster[label.cluster]![label.metric] += sum;
        figures[label.metric] += sum;
      }
      token = out.NextToken;
      pages += 1;
    } while (token && pages < 20);
  } catch (err) {
    return {
      check: errorResult('traffic', explainAwsError(err, { action: 'cloudwatch:GetMetricData', region: ctx.region, profile: ctx.profile }), elapsed(t0)),
      figures,
    };
  }

  const { hits, misses } = figures;
  const window = `on ${replicationGroupId} since ${hhmm(since)}`;
  const retry = 'CloudWatch publishes cache metrics a few minutes late: if the exercises ran against the deployed cache just now, retry in 5 minutes.';
  let check: CheckResult;
  if (hits > 0 && misses > 0) {
    check = result('traffic', 'pass', `CloudWatch counted ${hits} cache hits and ${misses} misses ${window}.`, undefined, elapsed(t0));
  } else if (hits === 0 && misses === 0) {
    check = result(
      'traffic',
      'fail',
      `CloudWatch shows no cache hits and no misses ${window}.`,
      `${retry} If it stays at zero, the exercises did not reach this cache: run them against AWS through the tunnel.`,
      elapsed(t0),
    );
  } else if (hits === 0) {
    check = result(
      'traffic',
      'fail',
      `CloudWatch shows ${misses} misses but no hits ${window}: every read missed, as if nothing was stored after a miss.`,
      `${retry} If hits stay at zero, check that cache-aside SETs the value after loading it, so the next read hits.`,
      elapsed(t0),
    );
  } else {
    check = result(
      'traffic',
      'fail',
      `CloudWatch shows ${hits} hits but no misses ${window}: the run never had to load from the database.`,
      `${retry} If misses stay at zero, run the exercises from a fresh start (keys expired or deleted) so the first reads miss.`,
      elapsed(t0),
    );
  }
  return { check, figures };
}
