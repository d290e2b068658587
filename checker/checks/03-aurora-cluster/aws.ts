/**
 * Lab 03 on AWS: is the deployed Aurora cluster what the lesson asks for -
 * Aurora MySQL on a current version, exactly one writer and at least two
 * readers spread over two Availability Zones, a reader endpoint that
 * resolves, encrypted storage, a week of backups?
 *
 * Encryption is read from StorageEncryptionType: clusters encrypted with the
 * AWS-owned key (the default since February 2026) report StorageEncrypted
 * false although their storage is encrypted.
 *
 * `fail` names what is wrong and the value seen; `error` means AWS (or DNS)
 * could not be asked, explained by checker/aws/errors.ts.
 */
import { promises as dns } from 'node:dns';
import type { DBCluster, DBInstance } from '@aws-sdk/client-rds';
import { lab03 } from '../../../labs/03-aurora-cluster/lab.js';
import {
  clusterNotFound,
  clusterRoles,
  describeClusterInstances,
  describeDbCluster,
  suggestDbClusters,
  type Lab03Resources,
} from '../../aws/aurora-resources.js';
import type { AwsClients } from '../../aws/clients.js';
import { lifecycleProblem, lifecycleSummary, readEngineLifecycle } from '../../aws/engine-lifecycle.js';
import { errorSummary, explainAwsError } from '../../aws/errors.js';
import type { EnvironmentError } from '../../core/errors.js';
import type { CheckResult } from '../../core/result.js';
import { awsResultBuilders, elapsed } from '../aws-results.js';

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

type CheckKey = keyof typeof LAB03_AWS_CHECKS;

const { result, skipped } = awsResultBuilders(LAB03_AWS_CHECKS);

const LAB_ID = 3;
const CONFIG_FILE = 'labs/03-aurora-cluster/stack-config.ts';
const DEPLOY = 'npm run deploy 3';
const STACK_VERSION = lab03.requires?.rds[0]?.engineVersion ?? '8.0.mysql_aurora.3.10.4';
const STACK_CLASS = lab03.requires?.rds[0]?.instanceClass ?? 'db.t4g.medium';
export const MIN_READERS = 2;
export const MIN_ZONES = 2;
export const MIN_BACKUP_RETENTION_DAYS = 7;

/** Resolves a host name to its addresses (the learner's own resolver by default). */
export type Resolver = (host: string) => Promise<string[]>;
const systemResolver: Resolver = async (host) => (await dns.lookup(host, { all: true })).map((a) => a.address);

export interface Lab03AwsCheckOptions {
  region?: string;
  profile?: string;
  resolve?: Resolver;
  /** The date support phases are judged at (tests); default now. */
  now?: Date;
}

/** The checks, and what they read, so the target can build the exercises' endpoints from it. */
export interface Lab03AwsReport {
  checks: CheckResult[];
  cluster?: DBCluster;
  instances: DBInstance[];
}

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

const DEPENDANTS: CheckKey[] = ['engine', 'writer', 'readers', 'zones', 'readerEndpoint', 'encryption', 'backups'];

export async function runLab03AwsChecks(clients: AwsClients, resources: Lab03Resources, options: Lab03AwsCheckOptions = {}): Promise<Lab03AwsReport> {
  const ctx = { region: options.region ?? resources.region ?? clients.region, profile: options.profile ?? clients.profile, deployCommand: DEPLOY };
  const id = resources.clusterId;
  const t0 = performance.now();
  let cluster: DBCluster | undefined;
  let instances: DBInstance[] = [];
  try {
    cluster = await describeDbCluster(clients, id, ctx);
    if (cluster) instances = await describeClusterInstances(clients, id, ctx);
  } catch (err) {
    const e = err as EnvironmentError;
    const why = `the DB cluster could not be read (see ${LAB03_AWS_CHECKS.cluster.id})`;
    return { checks: [result('cluster', 'error', e.message, e.nextStep, elapsed(t0)), ...DEPENDANTS.map((k) => skipped(k, why))], instances: [] };
  }
  if (!cluster) {
    const { message, hint } = clusterNotFound(id, await suggestDbClusters(clients, LAB_ID, id), {
      region: ctx.region,
      deployCommand: DEPLOY,
      stackName: resources.stackName,
      fromStack: resources.source === 'stack',
    });
    return { checks: [result('cluster', 'fail', message, hint, elapsed(t0)), ...DEPENDANTS.map((k) => skipped(k, `the DB cluster "${id}" was not found`))], instances: [] };
  }

  const checks: CheckResult[] = [
    clusterStatus(cluster, id, elapsed(t0)),
    await engineCheck(clients, cluster, instances, id, ctx, options.now ?? new Date()),
    ...topologyChecks(cluster, instances, id),
    await readerEndpointCheck(cluster, id, options.resolve ?? systemResolver),
    encryptionCheck(cluster, id),
    backupsCheck(cluster, id),
  ];
  return { checks, cluster, instances };
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

/** Support phase and offer from RDS (DescribeDBMajorEngineVersions, DescribeDBEngineVersions), not a version floor in code. */
async function engineCheck(clients: AwsClients, cluster: DBCluster, instances: DBInstance[], id: string, ctx: { region?: string; profile?: string }, now: Date): Promise<CheckResult> {
  const engine = cluster.Engine ?? 'unknown';
  const version = cluster.EngineVersion ?? '';
  if (engine !== 'aurora-mysql') {
    return result(
      'engine',
      'fail',
      `DB cluster ${id} runs the engine "${engine}"; the lab is written for Aurora MySQL (aurora-mysql).`,
      `Create the cluster with Aurora MySQL (the lab stack uses ${STACK_VERSION}: \`${DEPLOY}\`).`,
    );
  }
  let lifecycle;
  try {
    lifecycle = await readEngineLifecycle(clients.rds, engine, version, now);
  } catch (err) {
    const e = explainAwsError(err, { action: 'rds:DescribeDBMajorEngineVersions', region: ctx.region, profile: ctx.profile });
    return result('engine', 'error', e.message, e.nextStep);
  }
  const problem = lifecycleProblem(lifecycle, instances[0]?.DBInstanceClass);
  if (problem) {
    return result(
      'engine',
      'fail',
      `DB cluster ${id}: ${problem}`,
      `Upgrade it (console Modify > DB engine version, or \`aws rds modify-db-cluster --db-cluster-identifier ${id} --engine-version ${STACK_VERSION} --allow-major-version-upgrade --apply-immediately\`), or deploy the lab stack.`,
    );
  }
  return result('engine', 'pass', `Aurora MySQL ${lifecycleSummary(lifecycle)}.`);
}

function topologyChecks(cluster: DBCluster, instances: DBInstance[], id: string): CheckResult[] {
  const { writers, readers } = clusterRoles(cluster);
  const byId = new Map(instances.map((i) => [i.DBInstanceIdentifier ?? '', i]));
  const statusOf = (name: string) => byId.get(name)?.DBInstanceStatus ?? 'unknown';
  const out: CheckResult[] = [];

  if (writers.length === 1) {
    out.push(result('writer', 'pass', `${writers[0]} is the writer (${statusOf(writers[0]!)}).`));
  } else if (writers.length === 0) {
    out.push(
      result(
        'writer',
        'fail',
        `DB cluster ${id} has no writer instance${readers.length ? ` (members: ${readers.join(', ')})` : ' (no instances at all)'}: nothing accepts writes, and the cluster endpoint has nowhere to point.`,
        (cluster.DBClusterMembers ?? []).length
          ? 'A cluster without a writer is mid-failover: wait a minute and re-run.'
          : `Add an instance (console: Actions > Add reader, or deploy the lab stack with \`${DEPLOY}\`); the first instance of a cluster becomes its writer.`,
      ),
    );
  } else {
    out.push(result('writer', 'fail', `DB cluster ${id} reports ${writers.length} writers (${writers.join(', ')}); an Aurora cluster has exactly one.`, 'Re-run in a minute: this is only seen mid-failover.'));
  }

  const available = readers.filter((r) => statusOf(r) === 'available');
  if (available.length >= MIN_READERS) {
    out.push(result('readers', 'pass', `${available.length} readers available: ${available.join(', ')}.`));
  } else if (readers.length >= MIN_READERS) {
    const busy = readers.filter((r) => statusOf(r) !== 'available').map((r) => `${r} (${statusOf(r)})`);
    out.push(
      result(
        'readers',
        'fail',
        `DB cluster ${id} has ${readers.length} readers but only ${available.length} available: ${busy.join(', ')}.`,
        'A new reader takes about 10 minutes to create: re-run the check when it is available.',
      ),
    );
  } else {
    out.push(
      result(
        'readers',
        'fail',
        `DB cluster ${id} has ${readers.length} reader${readers.length === 1 ? '' : 's'}${readers.length ? ` (${readers.join(', ')})` : ''}; the lab asks for at least ${MIN_READERS}, so a failover still leaves a reader to serve reads.`,
        addReadersTask(id, readers.length),
      ),
    );
  }

  const zones = new Map<string, string[]>();
  for (const i of instances) {
    const az = i.AvailabilityZone;
    if (az) zones.set(az, [...(zones.get(az) ?? []), i.DBInstanceIdentifier ?? '?']);
  }
  const layout = [...zones].map(([az, ids]) => `${az}: ${ids.join(', ')}`).join('; ');
  if (zones.size >= MIN_ZONES) {
    out.push(result('zones', 'pass', `Instances in ${zones.size} Availability Zones (${layout}).`));
  } else {
    out.push(
      result(
        'zones',
        'fail',
        zones.size === 0
          ? `DB cluster ${id} has no instances with an Availability Zone yet.`
          : `Every instance of ${id} is in ${[...zones.keys()][0]} (${layout}): if that zone fails, the cluster has no instance to fail over to, although its storage survives.`,
        'Create a reader in another Availability Zone (console: Actions > Add reader > Availability Zone), or deploy the lab stack, whose subnets span two zones.',
      ),
    );
  }
  return out;
}

async function readerEndpointCheck(cluster: DBCluster, id: string, resolve: Resolver): Promise<CheckResult> {
  const host = cluster.ReaderEndpoint;
  if (!host) {
    return result('readerEndpoint', 'fail', `DB cluster ${id} reports no reader endpoint (ReaderEndpoint is empty).`, 'Every available Aurora provisioned cluster has one: wait until the cluster is available, then re-run.');
  }
  const t0 = performance.now();
  try {
    const addresses = await resolve(host);
    if (addresses.length === 0) throw Object.assign(new Error(`no addresses for ${host}`), { code: 'ENOTFOUND' });
    const privateNote = addresses.every(isPrivate) ? ' (private addresses: reachable from inside the VPC or through the bastion tunnel)' : '';
    return result('readerEndpoint', 'pass', `${host} resolves to ${addresses.join(', ')}${privateNote}.`, undefined, elapsed(t0));
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ENOTFOUND' || code === 'ENODATA') {
      return result(
        'readerEndpoint',
        'fail',
        `The reader endpoint ${host} does not resolve from this machine (${code}).`,
        'A new cluster\'s names take a minute or two to appear in DNS: re-run shortly. If it persists, check that this machine uses a public DNS resolver.',
        elapsed(t0),
      );
    }
    return result('readerEndpoint', 'error', `Could not look up ${host}: ${errorSummary(err)}.`, 'Check this machine\'s network and DNS settings, then re-run.', elapsed(t0));
  }
}

function isPrivate(address: string): boolean {
  return /^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)/.test(address) || /^f[cd]/i.test(address);
}

function encryptionCheck(cluster: DBCluster, id: string): CheckResult {
  const type = cluster.StorageEncryptionType;
  if (type === 'sse-rds') return result('encryption', 'pass', `DB cluster ${id} is encrypted with an AWS-owned key (StorageEncryptionType sse-rds; StorageEncrypted reads ${String(cluster.StorageEncrypted ?? false)} for this key).`);
  if (type === 'sse-kms') return result('encryption', 'pass', `DB cluster ${id} is encrypted with a KMS key${cluster.KmsKeyId ? ` (${cluster.KmsKeyId.split('/').at(-1)})` : ''}.`);
  if (type === undefined && cluster.StorageEncrypted === true) return result('encryption', 'pass', `DB cluster ${id} has encrypted storage (StorageEncrypted: true).`);
  return result(
    'encryption',
    'fail',
    `DB cluster ${id} has unencrypted storage (StorageEncryptionType: ${type ?? 'not reported'}, StorageEncrypted: ${String(cluster.StorageEncrypted ?? false)}): its volume, snapshots and backups are stored in clear.`,
    'Encryption cannot be switched on in place: snapshot the cluster, restore the snapshot with encryption on, or deploy the lab stack, which creates the cluster encrypted.',
  );
}

function backupsCheck(cluster: DBCluster, id: string): CheckResult {
  const days = cluster.BackupRetentionPeriod ?? 0;
  if (days >= MIN_BACKUP_RETENTION_DAYS) return result('backups', 'pass', `Automated backups of ${id} are kept ${days} days.`);
  return result(
    'backups',
    'fail',
    `DB cluster ${id} keeps automated backups ${days} day${days === 1 ? '' : 's'} (BackupRetentionPeriod: ${days}); the lab asks for at least ${MIN_BACKUP_RETENTION_DAYS}, a week to notice a mistake and restore from before it.`,
    `Set the retention to ${MIN_BACKUP_RETENTION_DAYS} days: console Modify > Backup retention period, or \`aws rds modify-db-cluster --db-cluster-identifier ${id} --backup-retention-period ${MIN_BACKUP_RETENTION_DAYS} --apply-immediately\`.`,
  );
}
