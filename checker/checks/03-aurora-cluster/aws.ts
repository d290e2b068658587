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
import { describeClusterInstances, describeDbCluster, suggestDbClusters, type Lab03Resources } from '../../aws/aurora-resources.js';
import type { AwsClients } from '../../aws/clients.js';
import { readEngineLifecycle } from '../../aws/engine-lifecycle.js';
import { errorSummary, explainAwsError } from '../../aws/errors.js';
import type { EnvironmentError } from '../../core/errors.js';
import type { CheckResult } from '../../core/result.js';
import { judgeAll } from '../aws-judges.js';
import { elapsed } from '../aws-results.js';
import { LAB03_DEPLOY, LAB03_JUDGES, lab03Results, type Lab03Facts } from './resource-judges.js';

export { addReadersTask, LAB03_AWS_CHECKS, MIN_BACKUP_RETENTION_DAYS, MIN_READERS, MIN_ZONES } from './resource-judges.js';

const LAB_ID = 3;

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

export async function runLab03AwsChecks(clients: AwsClients, resources: Lab03Resources, options: Lab03AwsCheckOptions = {}): Promise<Lab03AwsReport> {
  const facts = await describeLab03(clients, resources, options);
  const checks = judgeAll(LAB03_JUDGES, facts, lab03Results.skipped);
  return facts.cluster.found ? { checks, cluster: facts.cluster.found, instances: facts.instances } : { checks, instances: [] };
}

/** Everything the judges look at: the cluster and its members, then the engine's support phase and the reader endpoint's addresses. */
export async function describeLab03(clients: AwsClients, resources: Lab03Resources, options: Lab03AwsCheckOptions = {}): Promise<Lab03Facts> {
  const ctx = { region: options.region ?? resources.region ?? clients.region, profile: options.profile ?? clients.profile, deployCommand: LAB03_DEPLOY };
  const id = resources.clusterId;
  const facts: Lab03Facts = { clusterId: id, region: ctx.region, stackName: resources.stackName, source: resources.source, cluster: { ms: 0 }, instances: [] };
  const t0 = performance.now();
  try {
    const found = await describeDbCluster(clients, id, ctx);
    if (found) facts.instances = await describeClusterInstances(clients, id, ctx);
    facts.cluster = found ? { found, ms: elapsed(t0) } : { suggestions: await suggestDbClusters(clients, LAB_ID, id), ms: elapsed(t0) };
  } catch (err) {
    facts.instances = [];
    facts.cluster = { error: err as EnvironmentError, ms: elapsed(t0) };
  }
  const cluster = facts.cluster.found;
  if (!cluster) return facts;
  if (cluster.Engine === 'aurora-mysql') {
    try {
      facts.lifecycle = { found: await readEngineLifecycle(clients.rds, cluster.Engine, cluster.EngineVersion ?? '', options.now ?? new Date()) };
    } catch (err) {
      facts.lifecycle = { error: explainAwsError(err, { action: 'rds:DescribeDBMajorEngineVersions', region: ctx.region, profile: ctx.profile }) };
    }
  }
  if (cluster.ReaderEndpoint) facts.readerDns = await lookUp(cluster.ReaderEndpoint, options.resolve ?? systemResolver);
  return facts;
}

/** The host's addresses; an empty answer counts as ENOTFOUND. */
async function lookUp(host: string, resolve: Resolver): Promise<NonNullable<Lab03Facts['readerDns']>> {
  const t0 = performance.now();
  try {
    const addresses = await resolve(host);
    if (addresses.length === 0) return { error: { code: 'ENOTFOUND', message: `no addresses for ${host}` }, ms: elapsed(t0) };
    return { addresses, ms: elapsed(t0) };
  } catch (err) {
    const code = (err as { code?: string }).code;
    return { error: { ...(code ? { code } : {}), message: errorSummary(err) }, ms: elapsed(t0) };
  }
}
