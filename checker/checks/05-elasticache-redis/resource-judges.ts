/**
 * Lab 5's deployed-resource checks as small judges of the described
 * replication group, its member clusters and the database (the facts, read
 * by aws.ts). Which check needs which is data: the group checks need the
 * group, the database checks need the instance.
 */
import type { CacheCluster, ReplicationGroup } from '@aws-sdk/client-elasticache';
import type { DBInstance } from '@aws-sdk/client-rds';
import type { EnvironmentError } from '../../core/errors.js';
import { awsResultBuilders } from '../aws-results.js';
import type { AwsJudge } from '../aws-judges.js';

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

export type Lab05CheckKey = keyof typeof LAB05_AWS_CHECKS;

export const lab05Results = awsResultBuilders(LAB05_AWS_CHECKS);
const { result, errorResult } = lab05Results;

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
  m7g: 0.158,
  m6g: 0.149,
  m5: 0.156,
  m4: 0.156,
  r7g: 0.219,
  r6g: 0.206,
  r6gd: 0.252,
  r5: 0.216,
  r4: 0.228,
  c7gn: 0.255,
};
const SIZE_FACTOR: Record<string, number> = {
  large: 1,
  xlarge: 2,
  '2xlarge': 4,
  '4xlarge': 8,
  '8xlarge': 16,
  '12xlarge': 24,
  '16xlarge': 32,
  '24xlarge': 48,
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

/** What aws.ts read from AWS; every judge works from this alone. */
export interface Lab05Facts {
  replicationGroupId: string;
  region?: string;
  /** Where the group's id came from, and the stack, for "was it deleted outside CloudFormation?". */
  source: 'stack' | 'flags';
  stackName: string;
  group: { found?: ReplicationGroup; error?: EnvironmentError; ms: number };
  /** The member clusters (engine versions and zones live there). */
  members: { clusters: Map<string, CacheCluster>; error?: EnvironmentError; ms: number };
  db: { id?: string; found?: DBInstance; error?: EnvironmentError; ms: number };
}

export type Lab05Judge = AwsJudge<Lab05Facts, Lab05CheckKey>;

const group = (f: Lab05Facts): ReplicationGroup => f.group.found!;
const rgOf = (f: Lab05Facts): string => f.group.found?.ReplicationGroupId ?? '?';
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

const replicationGroup: Lab05Judge = {
  key: 'replicationGroup',
  judge(f) {
    const rgId = f.replicationGroupId;
    const ms = f.group.ms;
    if (f.group.error) return errorResult('replicationGroup', f.group.error, ms);
    if (!f.group.found) {
      const where = f.region ? ` in ${f.region}` : '';
      return result(
        'replicationGroup',
        'fail',
        `There is no ElastiCache replication group "${rgId}"${where}${f.source === 'stack' ? ` although the stack ${f.stackName} names it (was it deleted outside CloudFormation?)` : ''}.`,
        `Deploy the lab stack with ${REDEPLOY}, or pass the id of the cache you created with --replication-group <id>; if it is in another region, pass --region.`,
        ms,
      );
    }
    const status = f.group.found.Status ?? 'unknown';
    if (status === 'available') return result('replicationGroup', 'pass', `Replication group ${rgId} is available.`, undefined, ms);
    if (['creating', 'modifying', 'snapshotting'].includes(status)) {
      return result(
        'replicationGroup',
        'fail',
        `Replication group ${rgId} is still ${status}; the other results describe it mid-change.`,
        'Wait until its status is "available" (adding replicas takes 10-20 minutes), then re-run.',
        ms,
      );
    }
    return result(
      'replicationGroup',
      'fail',
      `Replication group ${rgId} has status "${status}", not "available".`,
      status === 'deleting'
        ? `It is being deleted: deploy the stack again with ${REDEPLOY} once it is gone.`
        : "Look at the cache's events in the ElastiCache console for what went wrong; destroying and deploying the stack again usually fixes a failed create.",
      ms,
    );
  },
  blocks(f) {
    if (f.group.found) return undefined;
    const see = `(see ${LAB05_AWS_CHECKS.replicationGroup.id})`;
    return { why: f.group.error ? `the replication group could not be read ${see}` : `the replication group "${f.replicationGroupId}" was not found ${see}` };
  },
};

const engine: Lab05Judge = {
  key: 'engine',
  needs: ['replicationGroup'],
  judge(f) {
    const rgId = rgOf(f);
    const clusters = [...f.members.clusters.values()];
    const ms = f.members.ms;
    const name = (group(f).Engine ?? clusters[0]?.Engine ?? '').toLowerCase();
    const versions = [...new Set(clusters.map((c) => c.EngineVersion).filter((v): v is string => Boolean(v)))];
    if (f.members.error && versions.length === 0) return errorResult('engine', f.members.error, ms);
    const min = MIN_VERSION[name];
    if (!min) {
      return result(
        'engine',
        'fail',
        `Replication group ${rgId} runs the engine "${name || 'unknown'}"; the lab needs Valkey (7.2 or newer) or Redis OSS (7.0 or newer).`,
        'Create the cache with the Valkey engine (the lab stack does: deploy it with `npm run deploy 5`).',
        ms,
      );
    }
    if (versions.length === 0)
      return result(
        'engine',
        'fail',
        `No engine version reported for the members of ${rgId}: are they still being created?`,
        'Wait until the group is available, then re-run.',
        ms,
      );
    const old = versions.filter((v) => {
      const p = parseVersion(v);
      return !p || !atLeast(p, min);
    });
    const label = name === 'valkey' ? 'Valkey' : 'Redis OSS';
    if (old.length === 0) return result('engine', 'pass', `${label} ${versions.join(', ')}.`, undefined, ms);
    return result(
      'engine',
      'fail',
      `${rgId} runs ${label} ${old.join(', ')}, older than the ${min.join('.')} the lab needs (older engines are out of standard support and miss the commands the exercises use).`,
      'Upgrade the engine (ElastiCache console: Modify > Engine version; a Redis OSS cache can move to Valkey there too), or deploy the lab stack, which uses Valkey 8.2.',
      ms,
    );
  },
};

const clusterMode: Lab05Judge = {
  key: 'clusterMode',
  needs: ['replicationGroup'],
  judge(f) {
    const g = group(f);
    const mode = g.ClusterMode;
    if (g.ClusterEnabled === true || mode === 'enabled' || mode === 'compatible') {
      return result(
        'clusterMode',
        'fail',
        `${rgOf(f)} has cluster mode ${mode ?? 'enabled'} (ClusterEnabled: ${String(g.ClusterEnabled)}); the lab's clients talk to one primary endpoint and need cluster mode disabled.`,
        'Cluster mode cannot be turned off on an existing cache: create one with cluster mode disabled (the lab stack does: `npm run deploy 5`).',
      );
    }
    return result('clusterMode', 'pass', `Cluster mode is disabled on ${rgOf(f)}.`);
  },
};

const replicas: Lab05Judge = {
  key: 'replicas',
  needs: ['replicationGroup'],
  judge(f) {
    const rgId = rgOf(f);
    const count = replicaCount(group(f));
    if (count >= 2) return result('replicas', 'pass', `${rgId} has a primary and ${count} replicas.`);
    const members = membersOf(group(f), f.members.clusters);
    return result(
      'replicas',
      'fail',
      `${rgId} has ${plural(count, 'replica')} (${plural(members.length, 'node')}: ${members.map((m) => `${m.id}${m.role ? ` ${m.role}` : ''}`).join(', ') || 'none'}); the lab needs at least two, so a failover still leaves a replica.`,
      YOUR_TURN_HINT,
    );
  },
};

const availabilityZones: Lab05Judge = {
  key: 'availabilityZones',
  needs: ['replicationGroup'],
  judge(f) {
    const rgId = rgOf(f);
    const members = membersOf(group(f), f.members.clusters);
    const azs = [...new Set(members.map((m) => m.az).filter((a): a is string => Boolean(a)))];
    if (azs.length === 0 && f.members.error) return errorResult('availabilityZones', f.members.error, f.members.ms);
    if (azs.length >= 2) return result('availabilityZones', 'pass', `Nodes of ${rgId} are in ${azs.length} Availability Zones: ${azs.join(', ')}.`);
    return result(
      'availabilityZones',
      'fail',
      `All ${plural(members.length, 'node')} of ${rgId} ${members.length === 1 ? 'is' : 'are'} in ${azs[0] ?? 'an unknown Availability Zone'}: losing that one zone loses the whole cache.`,
      `${YOUR_TURN_HINT} With multiAz: true ElastiCache places the replicas in other zones; in the console, choose a different zone for each replica.`,
    );
  },
};

const automaticFailover: Lab05Judge = {
  key: 'automaticFailover',
  needs: ['replicationGroup'],
  judge(f) {
    const rgId = rgOf(f);
    const v = group(f).AutomaticFailover ?? 'disabled';
    if (v === 'enabled') return result('automaticFailover', 'pass', `Automatic failover is enabled on ${rgId}.`);
    return result(
      'automaticFailover',
      'fail',
      v === 'enabling'
        ? `Automatic failover on ${rgId} is still enabling; wait and re-run.`
        : `Automatic failover on ${rgId} is "${v}": if the primary fails, no replica is promoted and the cache is down until the node is replaced.`,
      v === 'enabling' ? 'Wait until the change is applied (a few minutes), then re-run.' : YOUR_TURN_HINT,
    );
  },
};

const multiAz: Lab05Judge = {
  key: 'multiAz',
  needs: ['replicationGroup'],
  judge(f) {
    const rgId = rgOf(f);
    const g = group(f);
    const v = g.MultiAZ ?? 'disabled';
    if (v === 'enabled') return result('multiAz', 'pass', `Multi-AZ is enabled on ${rgId}.`);
    return result(
      'multiAz',
      'fail',
      `Multi-AZ on ${rgId} is ${g.MultiAZ ? `"${v}"` : 'not enabled (MultiAZ not reported)'}: ElastiCache does not keep replicas in other zones or fail over across zones.`,
      YOUR_TURN_HINT,
    );
  },
};

const transitEncryption: Lab05Judge = {
  key: 'transitEncryption',
  needs: ['replicationGroup'],
  judge(f) {
    const rgId = rgOf(f);
    const g = group(f);
    if (g.TransitEncryptionEnabled !== true) {
      return result(
        'transitEncryption',
        'fail',
        `Encryption in transit is off on ${rgId} (TransitEncryptionEnabled: ${String(g.TransitEncryptionEnabled ?? false)}): the AUTH token and the data cross the network in clear text.`,
        'Turn on encryption in transit (Modify > Encryption in transit, mode "required"), or deploy the lab stack, which creates the cache with TLS required.',
      );
    }
    if (g.TransitEncryptionMode === 'preferred') {
      return result(
        'transitEncryption',
        'fail',
        `${rgId} has encryption in transit in mode "preferred": it still accepts plain-text connections.`,
        'Once all clients use TLS (rediss://), set the transit encryption mode to "required" (Modify in the console, or `aws elasticache modify-replication-group --transit-encryption-mode required --apply-immediately`).',
      );
    }
    return result('transitEncryption', 'pass', `TLS is required on ${rgId}.`);
  },
};

const atRestEncryption: Lab05Judge = {
  key: 'atRestEncryption',
  needs: ['replicationGroup'],
  judge(f) {
    const rgId = rgOf(f);
    const g = group(f);
    const type = g.StorageEncryptionType;
    const on = g.AtRestEncryptionEnabled === true || type === 'sse-elasticache' || type === 'sse-kms';
    if (on) return result('atRestEncryption', 'pass', `Encryption at rest is on for ${rgId}${type ? ` (${type})` : ''}.`);
    return result(
      'atRestEncryption',
      'fail',
      `Encryption at rest is off for ${rgId} (AtRestEncryptionEnabled: ${String(g.AtRestEncryptionEnabled ?? false)}${type ? `, StorageEncryptionType: ${type}` : ''}): backups and what the nodes write to disk are stored unencrypted.`,
      'Encryption at rest can only be chosen when a cache is created: create a new one with it on (the lab stack does: destroy and `npm run deploy 5`).',
    );
  },
};

const authToken: Lab05Judge = {
  key: 'authToken',
  needs: ['replicationGroup'],
  judge(f) {
    const rgId = rgOf(f);
    const g = group(f);
    if (g.AuthTokenEnabled === true) return result('authToken', 'pass', `${rgId} requires an AUTH token.`);
    const rbac =
      (g.UserGroupIds ?? []).length > 0
        ? ` It uses the user groups ${g.UserGroupIds!.join(', ')} instead, but the lab's exercises connect with an AUTH token.`
        : '';
    return result(
      'authToken',
      'fail',
      `${rgId} does not require an AUTH token (AuthTokenEnabled: ${String(g.AuthTokenEnabled ?? false)}): anyone who reaches the port can read and write the cache.${rbac}`,
      'Set an AUTH token (needs encryption in transit): ElastiCache console Modify > Access control, or deploy the lab stack, which stores the token in Secrets Manager.',
    );
  },
};

const backups: Lab05Judge = {
  key: 'backups',
  needs: ['replicationGroup'],
  judge(f) {
    const rgId = rgOf(f);
    const days = group(f).SnapshotRetentionLimit ?? 0;
    if (days >= 1) return result('backups', 'pass', `${rgId} keeps automatic snapshots for ${plural(days, 'day')}.`);
    return result(
      'backups',
      'fail',
      `${rgId} keeps no automatic snapshots (SnapshotRetentionLimit: ${days}): a lost cache cannot be restored.`,
      'Set the backup retention to at least 1 day (console Modify > Backup, or `aws elasticache modify-replication-group --snapshot-retention-limit 1`); the lab stack sets 1.',
    );
  },
};

const nodeType: Lab05Judge = {
  key: 'nodeType',
  needs: ['replicationGroup'],
  judge(f) {
    const rgId = rgOf(f);
    const type = group(f).CacheNodeType ?? [...f.members.clusters.values()][0]?.CacheNodeType;
    if (!type) return result('nodeType', 'fail', `ElastiCache reports no node type for ${rgId}.`, 'Wait until the group is available, then re-run.');
    if ((LAB_NODE_TYPES as readonly string[]).includes(type)) return result('nodeType', 'pass', `${rgId} uses ${type}.`);
    const price = nodeTypePrice(type);
    const ratio = price !== undefined ? Math.round(price / LAB_NODE_PRICE) : undefined;
    const cost =
      ratio !== undefined && ratio >= 2
        ? `costs about ${ratio} x more than the lab needs (cache.t4g.micro, us-east-1 list prices) for each of its nodes`
        : 'is bigger than the lab needs (cache.t4g.micro)';
    return result(
      'nodeType',
      'fail',
      `${rgId} uses ${type}, which ${cost}.`,
      'Use cache.t4g.micro (or t4g.small, t3.micro, t3.small): the lab stack does; in the console, Modify > Node type scales it down.',
    );
  },
};

const db = (f: Lab05Facts): DBInstance => f.db.found!;

const dbInstance: Lab05Judge = {
  key: 'dbInstance',
  judge(f) {
    const id = f.db.id;
    if (!id) {
      return result(
        'dbInstance',
        'skipped',
        'Not checked: no database instance is known (no stack output DbEndpoint and no --db-instance flag).',
        'Pass --db-instance <id> to check the database too.',
      );
    }
    if (f.db.error) return errorResult('dbInstance', f.db.error, f.db.ms);
    if (!f.db.found) {
      const where = f.region ? ` in ${f.region}` : '';
      return result(
        'dbInstance',
        'fail',
        `There is no RDS DB instance "${id}"${where}.`,
        `Deploy the lab stack with ${REDEPLOY}, or pass the identifier of your database with --db-instance <id>.`,
        f.db.ms,
      );
    }
    const status = f.db.found.DBInstanceStatus ?? 'unknown';
    return status === 'available'
      ? result('dbInstance', 'pass', `DB instance ${id} is available.`, undefined, f.db.ms)
      : result(
          'dbInstance',
          'fail',
          `DB instance ${id} is ${status}, not available.`,
          'Wait until it is available (or start it if it is stopped), then re-run.',
          f.db.ms,
        );
  },
  blocks(f) {
    if (!f.db.id) return { why: 'no database instance is known' };
    if (f.db.error) return { why: `the DB instance could not be read (see ${LAB05_AWS_CHECKS.dbInstance.id})` };
    if (!f.db.found) return { why: `the DB instance "${f.db.id}" was not found` };
    return undefined;
  },
};

const dbEncryption: Lab05Judge = {
  key: 'dbEncryption',
  needs: ['dbInstance'],
  judge(f) {
    const id = f.db.id!;
    return db(f).StorageEncrypted === true
      ? result('dbEncryption', 'pass', `DB instance ${id} has encrypted storage.`)
      : result(
          'dbEncryption',
          'fail',
          `DB instance ${id} has unencrypted storage (StorageEncrypted: ${String(db(f).StorageEncrypted ?? false)}).`,
          'Encryption cannot be switched on in place: restore an encrypted copy of a snapshot, or deploy the lab stack, which creates the instance encrypted.',
        );
  },
};

const dbNotPublic: Lab05Judge = {
  key: 'dbNotPublic',
  needs: ['dbInstance'],
  judge(f) {
    const id = f.db.id!;
    return db(f).PubliclyAccessible === true
      ? result(
          'dbNotPublic',
          'fail',
          `DB instance ${id} is publicly accessible (PubliclyAccessible: true): its endpoint resolves to a public address.`,
          'Modify the instance and set Public access to "Not publicly accessible"; reach it through the bastion tunnel instead.',
        )
      : result('dbNotPublic', 'pass', `DB instance ${id} is not publicly accessible.`);
  },
};

const dbStorage: Lab05Judge = {
  key: 'dbStorage',
  needs: ['dbInstance'],
  judge(f) {
    const id = f.db.id!;
    const storage = db(f).StorageType ?? 'unknown';
    return storage === 'gp3'
      ? result('dbStorage', 'pass', `DB instance ${id} uses gp3 storage.`)
      : result(
          'dbStorage',
          'fail',
          `DB instance ${id} uses ${storage} storage; the lab uses gp3 (same or better baseline performance than gp2 for less money).`,
          'Modify the instance and change Storage type to General Purpose SSD (gp3); the change applies online.',
        );
  },
};

/** In report order. */
export const LAB05_JUDGES: readonly Lab05Judge[] = [
  replicationGroup,
  engine,
  clusterMode,
  replicas,
  availabilityZones,
  automaticFailover,
  multiAz,
  transitEncryption,
  atRestEncryption,
  authToken,
  backups,
  nodeType,
  dbInstance,
  dbEncryption,
  dbNotPublic,
  dbStorage,
];
