/**
 * The aws target for Labs 3, 4 and 6: the deployed cluster's (or, for Lab 6,
 * instance's) checks, then the same exercises against the real endpoints
 * (through SSM tunnels with --tunnel), then what only AWS can say after the
 * exercises ran: Lab 3's failover drill (after the learner confirms), Lab 4's
 * ServerlessDatabaseCapacity under load, Lab 6's top SQL from the PI API.
 */
import type { DBCluster, DBInstance } from '@aws-sdk/client-rds';
import type { LabMeta } from '../core/lab.js';
import { overallStatus, summarise, type CheckResult, type ResultsDocument } from '../core/result.js';
import { EnvironmentError } from '../core/errors.js';
import type { AwsLocation, ClusterEndpoints, Endpoints, MysqlEndpoint } from '../engines/endpoints.js';
import type { CommonFlags } from './args.js';
import type { RunOnTarget } from './targets.js';
import { runLabExercises } from './run-lab.js';
import { startProgress } from './spinner.js';
import { say } from './terminal.js';
import { confirmDrill, unlessRefused } from './aws-target.js';
import { credentials, endpointOf, reach } from './aws-target-rds.js';

type Clients = import('../aws/clients.js').AwsClients;

/** What the checks on Aurora run to tell writer from reader, and where the topology is. */
export const AURORA_IDENTITY_SQL = 'SELECT @@aurora_server_id AS server_id, @@innodb_read_only AS read_only';
export const AURORA_TOPOLOGY_TABLE = 'information_schema.replica_host_status';
const DRILL_EXERCISE = '03-topology-aware';

interface Hosted {
  host: string;
  port: number;
}

/** After the exercises: checks and figures that need them to have run. */
type After = (endpoints: Endpoints, startedAt: Date, solutions?: boolean) => Promise<{ checks: CheckResult[]; measurements: Record<string, unknown> }>;

interface Plan {
  awsChecks: CheckResult[];
  makeEndpoints: () => Promise<Endpoints>;
  after?: After;
}

export async function runAuroraLabOnAws(lab: LabMeta, flags: CommonFlags, body: (run: RunOnTarget) => Promise<ResultsDocument>): Promise<ResultsDocument> {
  const { makeAwsClients, destroyAwsClients, resolvedRegion } = await import('../aws/clients.js');
  const { whoAmI } = await import('../aws/errors.js');
  const clients = makeAwsClients({ profile: flags.profile, region: flags.region });
  const closers: Array<() => Promise<void>> = [];
  try {
    const progress = startProgress('Checking your AWS credentials', flags.json);
    const who = await whoAmI(clients).catch((err) => {
      progress.fail();
      throw err;
    });
    const region = (await resolvedRegion(clients)) ?? flags.region;
    progress.succeed(`AWS account ${who.account} as ${who.arn}${region ? ` in ${region}` : ''}`);
    const lookup = { stackName: flags.stack, clusterId: flags.cluster, dbInstanceId: flags.dbInstance, region, profile: flags.profile };
    const plan = lab.id === 3 ? await planLab03(clients, lookup, flags, closers) : lab.id === 4 ? await planLab04(clients, lookup, flags, closers) : await planLab06(clients, lookup, flags, closers);

    return await body(async (options) => {
      for (const check of plan.awsChecks) options.onResult?.(check);
      if (flags.resourcesOnly) {
        return runLabExercises(lab, { ...options, target: 'aws', endpoints: { target: 'aws', mysql: { host: '', port: 0, user: '', password: '', database: '' } }, skipExercises: true, extraChecks: plan.awsChecks });
      }
      const endpoints = await plan.makeEndpoints();
      const startedAt = new Date();
      const doc = await runLabExercises(lab, { ...options, target: 'aws', endpoints, extraChecks: plan.awsChecks });
      if (plan.after) {
        const extra = await plan.after(endpoints, startedAt, options.solutions);
        for (const check of extra.checks) options.onResult?.(check);
        doc.checks.push(...extra.checks);
        if (Object.keys(extra.measurements).length) doc.measurements = { ...doc.measurements, ...extra.measurements };
        doc.summary = summarise(doc.checks);
        doc.status = overallStatus(doc.checks);
      }
      return doc;
    });
  } finally {
    for (const close of closers.reverse()) await close().catch(() => {});
    destroyAwsClients(clients);
  }
}

interface Lookup {
  stackName?: string;
  clusterId?: string;
  dbInstanceId?: string;
  region?: string;
  profile?: string;
}

function location(region: string | undefined, flags: CommonFlags, ids: Omit<AwsLocation, 'region' | 'profile'>): AwsLocation {
  if (!region) {
    throw new EnvironmentError('No AWS region is set, so the exercises cannot read CloudWatch or Performance Insights.', 'Pass --region <region> (the one you deployed to), or set AWS_REGION.');
  }
  return { region, ...(flags.profile ? { profile: flags.profile } : {}), ...ids };
}

/** One endpoint per target host: a tunnel each with --tunnel, TLS checked against the real name. */
async function mysqlEndpoints(
  clients: Clients,
  targets: Hosted[],
  secretArn: string | undefined,
  dbName: string | undefined,
  bastion: string | undefined,
  flags: CommonFlags,
  region: string | undefined,
  closers: Array<() => Promise<void>>,
): Promise<MysqlEndpoint[]> {
  const db = await credentials(clients, secretArn, region, flags);
  const reached = await reach(targets, bastion, flags, region, closers);
  const database = dbName ?? db.dbname ?? 'labdb';
  return reached.map((at, i) => ({ ...endpointOf(at, db.username, db.password, database), servername: targets[i]!.host }));
}

function clusterMissing(lab: number): EnvironmentError {
  return new EnvironmentError(
    'The exercises need the cluster, which could not be read (see the cluster check above).',
    `Fix that first, or check only your resources with \`npm run check -- ${lab} --target aws --resources-only\`.`,
  );
}

// --- Lab 3: writer, reader and instance endpoints; the failover drill ---

async function planLab03(clients: Clients, lookup: Lookup, flags: CommonFlags, closers: Array<() => Promise<void>>): Promise<Plan> {
  const { findLab03Resources } = await import('../aws/aurora-resources.js');
  const { runLab03AwsChecks } = await import('../checks/03-aurora-cluster/aws.js');
  const r = await findLab03Resources(clients, lookup);
  const report = await runLab03AwsChecks(clients, r, { region: lookup.region, profile: lookup.profile });
  const makeEndpoints = async (): Promise<Endpoints> => {
    const cluster = report.cluster;
    if (!cluster) throw clusterMissing(3);
    const { hosts, instanceIds } = lab03Hosts(cluster, report.instances, r);
    const reached = await mysqlEndpoints(clients, hosts, r.dbSecretArn ?? cluster.MasterUserSecret?.SecretArn, r.dbName ?? cluster.DatabaseName, r.bastionInstanceId, flags, lookup.region, closers);
    const cluster3 = lab03ClusterEndpoints(reached, instanceIds);
    const writer = cluster3.writer;
    return { target: 'aws', mysql: writer, cluster: cluster3, ...(lookup.region ? { aws: location(lookup.region, flags, { clusterId: r.clusterId }) } : {}) };
  };
  const after: After | undefined = flags.failoverDrill
    ? async (endpoints, _startedAt, solutions) => {
        const drilled = await lab03Drill(clients, r.clusterId, endpoints, flags, lookup.region, solutions);
        return drilled ? { checks: [drilled.check], measurements: { failoverDrill: drilled.result } } : { checks: [], measurements: {} };
      }
    : undefined;
  return { awsChecks: report.checks, makeEndpoints, after };
}

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
  if (!writerHost || !readerHost) throw new EnvironmentError(`DB cluster ${fallback.clusterId} reports no cluster or reader endpoint yet.`, 'Wait until it is available, then re-run.');
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

async function lab03Drill(clients: Clients, clusterId: string, endpoints: Endpoints, flags: CommonFlags, region: string | undefined, solutions?: boolean) {
  const { runLab03FailoverDrill, drillCheck } = await import('../checks/03-aurora-cluster/failover-drill.js');
  const { runExercise } = await import('../runner/run-exercise.js');
  const { exerciseFile } = await import('./run-lab.js');
  const { lab03 } = await import('../../labs/03-aurora-cluster/lab.js');
  const { AWS_DRILL } = await import('../checks/03-aurora-cluster/drill-probes.js');
  return unlessRefused(async () => {
    const result = await runLab03FailoverDrill({
      clients,
      clusterId,
      region,
      profile: flags.profile,
      onProgress: (line) => say(line),
      confirm: (plan) =>
        confirmDrill(
          flags,
          `The drill asks Aurora to fail over ${plan.clusterId}: the writer ${plan.writer} hands over to one of ${plan.readers.join(', ')}, ` +
            'while a DNS-only client and your topology-aware client keep writing. Writes stop for a few seconds to half a minute.',
        ),
      runClients: async (onEvent) => {
        const run = await runExercise({
          labId: 3,
          exerciseId: DRILL_EXERCISE,
          file: exerciseFile(lab03, DRILL_EXERCISE, solutions),
          endpoints,
          only: [],
          measure: 'failover-drill',
          // The clients write for the whole drill; the process gets that long plus time to connect.
          checkTimeoutMs: AWS_DRILL.durationMs + 60_000,
          onEvent,
        });
        return run.measurement;
      },
    });
    return { check: drillCheck(result), result };
  });
}

// --- Lab 4: the cluster endpoint, and the capacity under load ---

async function planLab04(clients: Clients, lookup: Lookup, flags: CommonFlags, closers: Array<() => Promise<void>>): Promise<Plan> {
  const { findLab04Resources } = await import('../aws/aurora-resources.js');
  const { runLab04AwsChecks, capacityRoseCheck } = await import('../checks/04-aurora-serverless/aws.js');
  const r = await findLab04Resources(clients, lookup);
  const report = await runLab04AwsChecks(clients, r, { region: lookup.region, profile: lookup.profile });
  const makeEndpoints = async (): Promise<Endpoints> => {
    const cluster: DBCluster | undefined = report.cluster;
    if (!cluster) throw clusterMissing(4);
    const host = cluster.Endpoint ?? r.clusterEndpoint;
    if (!host) throw new EnvironmentError(`DB cluster ${r.clusterId} reports no cluster endpoint yet.`, 'Wait until it is available, then re-run.');
    const aws = location(lookup.region, flags, { clusterId: r.clusterId });
    const [mysql] = await mysqlEndpoints(clients, [{ host, port: cluster.Port ?? r.dbPort ?? 3306 }], r.dbSecretArn ?? cluster.MasterUserSecret?.SecretArn, r.dbName ?? cluster.DatabaseName, r.bastionInstanceId, flags, lookup.region, closers);
    return { target: 'aws', mysql: mysql!, aws };
  };
  const after: After = async (_endpoints, startedAt, solutions) => {
    const progress = startProgress(`Reading ServerlessDatabaseCapacity of ${r.clusterId} from CloudWatch`, flags.json);
    const { check, figures } = await capacityRoseCheck(clients, r.clusterId, startedAt, {
      region: lookup.region,
      profile: lookup.profile,
      minCapacity: report.cluster?.ServerlessV2ScalingConfiguration?.MinCapacity,
      onWaiting: (line) => progress.update(line),
    });
    if (check.status === 'pass') progress.succeed();
    else progress.fail();
    if (!flags.resumeDrill) return { checks: [check], measurements: { serverlessCapacity: figures } };
    const resume = await lab04ResumeDrill(clients, _endpoints, r.clusterId, flags, lookup.region, solutions);
    return { checks: [check, resume.check], measurements: { serverlessCapacity: figures, resumeFromPause: resume.data } };
  };
  return { awsChecks: report.checks, makeEndpoints, after };
}

/** Waits (up to 12 minutes, reading CloudWatch only) for the cluster to pause, then times the resume with the learner's measureResume. */
async function lab04ResumeDrill(clients: Clients, endpoints: Endpoints, clusterId: string, flags: CommonFlags, region: string | undefined, solutions?: boolean) {
  const { waitForPause, resumeCheck } = await import('../checks/04-aurora-serverless/resume-drill.js');
  const { sampleServerlessCapacity } = await import('../aws/serverless-capacity.js');
  const { runExercise } = await import('../runner/run-exercise.js');
  const { exerciseFile } = await import('./run-lab.js');
  const { lab04 } = await import('../../labs/04-aurora-serverless/lab.js');
  const aws = location(region, flags, { clusterId });
  const progress = startProgress(`Resume drill: waiting for ${clusterId} to pause`, flags.json);
  const pause = await waitForPause(() => sampleServerlessCapacity(aws, undefined, clients.cloudwatch), { timeoutMs: 12 * 60_000, intervalMs: 20_000, onWaiting: (line) => progress.update(line) });
  if (!pause.paused) {
    progress.fail();
    return { check: resumeCheck(pause), data: { pause } };
  }
  progress.update(`Resume drill: ${clusterId} is paused; your measureResume wakes it`);
  const run = await runExercise({
    labId: 4,
    exerciseId: '03-resume-latency',
    file: exerciseFile(lab04, '03-resume-latency', solutions),
    endpoints,
    only: [],
    measure: 'resume-from-pause',
    checkTimeoutMs: 120_000,
  });
  const figures = run.measurement as { reportedMs?: number; callMs?: number; error?: string } | undefined;
  const check = resumeCheck(pause, figures);
  if (check.status === 'pass') progress.succeed(`Resume drill: ${check.message}`);
  else progress.fail();
  return { check, data: { pause, ...figures } };
}

// --- Lab 6: the instance endpoint, and the top SQL from Performance Insights ---

async function planLab06(clients: Clients, lookup: Lookup, flags: CommonFlags, closers: Array<() => Promise<void>>): Promise<Plan> {
  const { findLab06Resources } = await import('../aws/aurora-resources.js');
  const { runLab06AwsChecks, topSqlCheck } = await import('../checks/06-performance-insights/aws.js');
  const r = await findLab06Resources(clients, lookup);
  const report = await runLab06AwsChecks(clients, r, { region: lookup.region, profile: lookup.profile });
  const dbiResourceId = report.instance?.DbiResourceId ?? r.dbiResourceId;
  const makeEndpoints = async (): Promise<Endpoints> => {
    const db = report.instance;
    const host = db?.Endpoint?.Address ?? r.dbEndpoint;
    if (!db || !host) throw new EnvironmentError('The exercises need the DB instance, which could not be read (see the instance check above).', 'Fix that first, or check only your resources with `npm run check -- 6 --target aws --resources-only`.');
    const aws = location(lookup.region, flags, { instanceId: r.dbInstanceId, ...(dbiResourceId ? { dbiResourceId } : {}) });
    const [mysql] = await mysqlEndpoints(clients, [{ host, port: db.Endpoint?.Port ?? r.dbPort ?? 3306 }], r.dbSecretArn ?? db.MasterUserSecret?.SecretArn, r.dbName ?? db.DBName, r.bastionInstanceId, flags, lookup.region, closers);
    return { target: 'aws', mysql: mysql!, aws };
  };
  const after: After = async (_endpoints, startedAt) => {
    const progress = startProgress('Reading the top SQL from Performance Insights', flags.json);
    const { check, topSql } = await topSqlCheck(clients, dbiResourceId, startedAt, { region: lookup.region, profile: lookup.profile, onWaiting: (line) => progress.update(line) });
    if (check.status === 'pass') progress.succeed();
    else progress.fail();
    return { checks: [check], measurements: topSql ? { topSql } : {} };
  };
  return { awsChecks: report.checks, makeEndpoints, after };
}
