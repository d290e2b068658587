/**
 * Lab 3's deployed-resource checks as small judges of the described cluster,
 * its members, its engine's support phase and what the reader endpoint
 * resolves to (the facts, read by aws.ts). Every check needs the cluster;
 * that dependency is data (`needs`).
 */
import type { DBCluster, DBInstance } from '@aws-sdk/client-rds';
import { lab03 } from '../../../labs/03-aurora-cluster/lab.js';
import { clusterNotFound, clusterRoles } from '../../aws/aurora-resources.js';
import { lifecycleProblem, lifecycleSummary, type EngineLifecycle } from '../../aws/engine-lifecycle.js';
import { EnvironmentError } from '../../core/errors.js';
import type { CheckResult } from '../../core/result.js';
import { awsResultBuilders } from '../aws-results.js';
import type { AwsJudge } from '../aws-judges.js';

export const LAB03_AWS_CHECKS = {
  cluster: { id: '03.aws.cluster', name: 'Aurora DB cluster exists and is available' },
  engine: { id: '03.aws.engine', name: 'Engine is Aurora MySQL, a current version (3.08 or newer)' },
  writer: { id: '03.aws.writer', name: 'Exactly one writer instance' },
  readers: { id: '03.aws.readers', name: 'At least two reader instances, available' },
  zones: { id: '03.aws.availability-zones', name: 'Instances spread over at least two Availability Zones' },
  readerEndpoint: { id: '03.aws.reader-endpoint', name: 'The reader endpoint exists and resolves' },
  encryption: { id: '03.aws.encryption', name: 'Storage is encrypted (StorageEncryptionType)' },
  backups: { id: '03.aws.backups', name: 'Automated backups are kept at least 7 days' },
} as const;

export type Lab03CheckKey = keyof typeof LAB03_AWS_CHECKS;

export const lab03Results = awsResultBuilders(LAB03_AWS_CHECKS);
const { result, errorResult } = lab03Results;

const CONFIG_FILE = 'labs/03-aurora-cluster/stack-config.ts';
export const LAB03_DEPLOY = 'npm run deploy 3';
const DEPLOY = LAB03_DEPLOY;
const STACK_VERSION = lab03.requires?.rds[0]?.engineVersion ?? '8.0.mysql_aurora.3.10.4';
const STACK_CLASS = lab03.requires?.rds[0]?.instanceClass ?? 'db.t4g.medium';
export const MIN_READERS = 2;
export const MIN_ZONES = 2;
export const MIN_BACKUP_RETENTION_DAYS = 7;

/** The learner's task: add readers until there are two, three ways. */
export function addReadersTask(clusterId: string, have: number): string {
  const more = Math.max(1, MIN_READERS - have);
  return (
    `Add ${more} reader${more === 1 ? '' : 's'}: raise the number of readers in ${CONFIG_FILE} and deploy again with \`${DEPLOY}\`; ` +
    `or in the RDS console select the cluster ${clusterId}, Actions > Add reader (${STACK_CLASS}, another Availability Zone); or run ` +
    `\`aws rds create-db-instance --db-cluster-identifier ${clusterId} --db-instance-identifier ${clusterId}-reader-${have + 1} --engine aurora-mysql --db-instance-class ${STACK_CLASS}\`. ` +
    'A reader takes about 10 minutes to create; re-run the check when it is available.'
  );
}

function clusterStatus(cluster: DBCluster, id: string, durationMs: number): CheckResult {
  const status = cluster.Status ?? 'unknown';
  if (status === 'available') return result('cluster', 'pass', `DB cluster ${id} is available.`, undefined, durationMs);
  const hint =
    status === 'stopped' || status === 'stopping'
      ? `Start it (RDS console: Actions > Start, or \`aws rds start-db-cluster --db-cluster-identifier ${id}\`), wait until it is available, then re-run.`
      : 'Wait until its status is "available", then re-run; if it stays like this, look at its events in the RDS console.';
  return result('cluster', 'fail', `DB cluster ${id} has status "${status}", not "available".`, hint, durationMs);
}

/** What aws.ts read from AWS (and DNS); every judge works from this alone. */
export interface Lab03Facts {
  clusterId: string;
  region?: string;
  stackName?: string;
  source: 'stack' | 'flags';
  /** `suggestions` is read only when the cluster was not found. */
  cluster: { found?: DBCluster; error?: EnvironmentError; suggestions?: string[]; ms: number };
  instances: DBInstance[];
  /** The engine's support phase; read only for Aurora MySQL. */
  lifecycle?: { found?: EngineLifecycle; error?: EnvironmentError };
  /** The reader endpoint's addresses, or why the lookup failed (`code` as Node's resolver gives it). */
  readerDns?: { addresses?: string[]; error?: { code?: string; message: string }; ms: number };
}

export type Lab03Judge = AwsJudge<Lab03Facts, Lab03CheckKey>;

const clusterOf = (f: Lab03Facts): DBCluster => f.cluster.found!;
const statusIn = (instances: DBInstance[]) => {
  const byId = new Map(instances.map((i) => [i.DBInstanceIdentifier ?? '', i]));
  return (name: string) => byId.get(name)?.DBInstanceStatus ?? 'unknown';
};

const clusterCheck: Lab03Judge = {
  key: 'cluster',
  judge(f) {
    const id = f.clusterId;
    if (f.cluster.error) return errorResult('cluster', f.cluster.error, f.cluster.ms);
    if (!f.cluster.found) {
      const { message, hint } = clusterNotFound(id, f.cluster.suggestions ?? [], {
        region: f.region,
        deployCommand: DEPLOY,
        stackName: f.stackName,
        fromStack: f.source === 'stack',
      });
      return result('cluster', 'fail', message, hint, f.cluster.ms);
    }
    return clusterStatus(f.cluster.found, id, f.cluster.ms);
  },
  blocks(f) {
    if (f.cluster.error) return { why: `the DB cluster could not be read (see ${LAB03_AWS_CHECKS.cluster.id})` };
    if (!f.cluster.found) return { why: `the DB cluster "${f.clusterId}" was not found` };
    return undefined;
  },
};

/** Support phase and offer from RDS (DescribeDBMajorEngineVersions, DescribeDBEngineVersions), not a version floor in code. */
const engine: Lab03Judge = {
  key: 'engine',
  needs: ['cluster'],
  judge(f) {
    const cluster = clusterOf(f);
    const id = f.clusterId;
    const engine = cluster.Engine ?? 'unknown';
    if (engine !== 'aurora-mysql') {
      return result(
        'engine',
        'fail',
        `DB cluster ${id} runs the engine "${engine}"; the lab is written for Aurora MySQL (aurora-mysql).`,
        `Create the cluster with Aurora MySQL (the lab stack uses ${STACK_VERSION}: \`${DEPLOY}\`).`,
      );
    }
    if (f.lifecycle?.error || !f.lifecycle?.found)
      return errorResult('engine', f.lifecycle?.error ?? new EnvironmentError('The kit did not read the engine lifecycle.', 'Report this as a kit bug.'));
    const lifecycle = f.lifecycle.found;
    const problem = lifecycleProblem(lifecycle, f.instances[0]?.DBInstanceClass);
    if (problem) {
      return result(
        'engine',
        'fail',
        `DB cluster ${id}: ${problem}`,
        `Upgrade it (console Modify > DB engine version, or \`aws rds modify-db-cluster --db-cluster-identifier ${id} --engine-version ${STACK_VERSION} --allow-major-version-upgrade --apply-immediately\`), or deploy the lab stack.`,
      );
    }
    return result('engine', 'pass', `Aurora MySQL ${lifecycleSummary(lifecycle)}.`);
  },
};

const writer: Lab03Judge = {
  key: 'writer',
  needs: ['cluster'],
  judge(f) {
    const cluster = clusterOf(f);
    const id = f.clusterId;
    const { writers, readers } = clusterRoles(cluster);
    const statusOf = statusIn(f.instances);
    if (writers.length === 1) {
      return result('writer', 'pass', `${writers[0]} is the writer (${statusOf(writers[0]!)}).`);
    } else if (writers.length === 0) {
      return result(
        'writer',
        'fail',
        `DB cluster ${id} has no writer instance${readers.length ? ` (members: ${readers.join(', ')})` : ' (no instances at all)'}: nothing accepts writes, and the cluster endpoint has nowhere to point.`,
        (cluster.DBClusterMembers ?? []).length
          ? 'A cluster without a writer is mid-failover: wait a minute and re-run.'
          : `Add an instance (console: Actions > Add reader, or deploy the lab stack with \`${DEPLOY}\`); the first instance of a cluster becomes its writer.`,
      );
    } else {
      return result(
        'writer',
        'fail',
        `DB cluster ${id} reports ${writers.length} writers (${writers.join(', ')}); an Aurora cluster has exactly one.`,
        'Re-run in a minute: this is only seen mid-failover.',
      );
    }
  },
};

const readers: Lab03Judge = {
  key: 'readers',
  needs: ['cluster'],
  judge(f) {
    const cluster = clusterOf(f);
    const id = f.clusterId;
    const { readers } = clusterRoles(cluster);
    const statusOf = statusIn(f.instances);
    const available = readers.filter((r) => statusOf(r) === 'available');
    if (available.length >= MIN_READERS) {
      return result('readers', 'pass', `${available.length} readers available: ${available.join(', ')}.`);
    } else if (readers.length >= MIN_READERS) {
      const busy = readers.filter((r) => statusOf(r) !== 'available').map((r) => `${r} (${statusOf(r)})`);
      return result(
        'readers',
        'fail',
        `DB cluster ${id} has ${readers.length} readers but only ${available.length} available: ${busy.join(', ')}.`,
        'A new reader takes about 10 minutes to create: re-run the check when it is available.',
      );
    } else {
      return result(
        'readers',
        'fail',
        `DB cluster ${id} has ${readers.length} reader${readers.length === 1 ? '' : 's'}${readers.length ? ` (${readers.join(', ')})` : ''}; the lab asks for at least ${MIN_READERS}, so a failover still leaves a reader to serve reads.`,
        addReadersTask(id, readers.length),
      );
    }
  },
};

const zones: Lab03Judge = {
  key: 'zones',
  needs: ['cluster'],
  judge(f) {
    const id = f.clusterId;
    const zones = new Map<string, string[]>();
    for (const i of f.instances) {
      const az = i.AvailabilityZone;
      if (az) zones.set(az, [...(zones.get(az) ?? []), i.DBInstanceIdentifier ?? '?']);
    }
    const layout = [...zones].map(([az, ids]) => `${az}: ${ids.join(', ')}`).join('; ');
    if (zones.size >= MIN_ZONES) {
      return result('zones', 'pass', `Instances in ${zones.size} Availability Zones (${layout}).`);
    } else {
      return result(
        'zones',
        'fail',
        zones.size === 0
          ? `DB cluster ${id} has no instances with an Availability Zone yet.`
          : `Every instance of ${id} is in ${[...zones.keys()][0]} (${layout}): if that zone fails, the cluster has no instance to fail over to, although its storage survives.`,
        'Create a reader in another Availability Zone (console: Actions > Add reader > Availability Zone), or deploy the lab stack, whose subnets span two zones.',
      );
    }
  },
};

const readerEndpoint: Lab03Judge = {
  key: 'readerEndpoint',
  needs: ['cluster'],
  judge(f) {
    const id = f.clusterId;
    const host = clusterOf(f).ReaderEndpoint;
    if (!host || !f.readerDns) {
      return result(
        'readerEndpoint',
        'fail',
        `DB cluster ${id} reports no reader endpoint (ReaderEndpoint is empty).`,
        'Every available Aurora provisioned cluster has one: wait until the cluster is available, then re-run.',
      );
    }
    const { addresses, error, ms } = f.readerDns;
    if (addresses && addresses.length > 0) {
      const privateNote = addresses.every(isPrivate) ? ' (private addresses: reachable from inside the VPC or through the bastion tunnel)' : '';
      return result('readerEndpoint', 'pass', `${host} resolves to ${addresses.join(', ')}${privateNote}.`, undefined, ms);
    }
    const code = error ? error.code : 'ENOTFOUND';
    if (code === 'ENOTFOUND' || code === 'ENODATA') {
      return result(
        'readerEndpoint',
        'fail',
        `The reader endpoint ${host} does not resolve from this machine (${code}).`,
        "A new cluster's names take a minute or two to appear in DNS: re-run shortly. If it persists, check that this machine uses a public DNS resolver.",
        ms,
      );
    }
    return result(
      'readerEndpoint',
      'error',
      `Could not look up ${host}: ${error!.message}.`,
      "Check this machine's network and DNS settings, then re-run.",
      ms,
    );
  },
};

function isPrivate(address: string): boolean {
  return /^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)/.test(address) || /^f[cd]/i.test(address);
}

export function encryptionCheck(cluster: DBCluster, id: string): CheckResult {
  const type = cluster.StorageEncryptionType;
  if (type === 'sse-rds')
    return result(
      'encryption',
      'pass',
      `DB cluster ${id} is encrypted with an AWS-owned key (StorageEncryptionType sse-rds; StorageEncrypted reads ${String(cluster.StorageEncrypted ?? false)} for this key).`,
    );
  if (type === 'sse-kms')
    return result('encryption', 'pass', `DB cluster ${id} is encrypted with a KMS key${cluster.KmsKeyId ? ` (${cluster.KmsKeyId.split('/').at(-1)})` : ''}.`);
  if (type === undefined && cluster.StorageEncrypted === true)
    return result('encryption', 'pass', `DB cluster ${id} has encrypted storage (StorageEncrypted: true).`);
  return result(
    'encryption',
    'fail',
    `DB cluster ${id} has unencrypted storage (StorageEncryptionType: ${type ?? 'not reported'}, StorageEncrypted: ${String(cluster.StorageEncrypted ?? false)}): its volume, snapshots and backups are stored in clear.`,
    'Encryption cannot be switched on in place: snapshot the cluster, restore the snapshot with encryption on, or deploy the lab stack, which creates the cluster encrypted.',
  );
}

export function backupsCheck(cluster: DBCluster, id: string): CheckResult {
  const days = cluster.BackupRetentionPeriod ?? 0;
  if (days >= MIN_BACKUP_RETENTION_DAYS) return result('backups', 'pass', `Automated backups of ${id} are kept ${days} days.`);
  return result(
    'backups',
    'fail',
    `DB cluster ${id} keeps automated backups ${days} day${days === 1 ? '' : 's'} (BackupRetentionPeriod: ${days}); the lab asks for at least ${MIN_BACKUP_RETENTION_DAYS}, a week to notice a mistake and restore from before it.`,
    `Set the retention to ${MIN_BACKUP_RETENTION_DAYS} days: console Modify > Backup retention period, or \`aws rds modify-db-cluster --db-cluster-identifier ${id} --backup-retention-period ${MIN_BACKUP_RETENTION_DAYS} --apply-immediately\`.`,
  );
}

/** In report order. */
export const LAB03_JUDGES: readonly Lab03Judge[] = [
  clusterCheck,
  engine,
  writer,
  readers,
  zones,
  readerEndpoint,
  { key: 'encryption', needs: ['cluster'], judge: (f) => encryptionCheck(clusterOf(f), f.clusterId) },
  { key: 'backups', needs: ['cluster'], judge: (f) => backupsCheck(clusterOf(f), f.clusterId) },
];
