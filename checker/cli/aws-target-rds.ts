/**
 * The aws target for Labs 1 and 2: the deployed instances' checks, then the
 * same exercises against the real endpoints (through SSM tunnels with
 * --tunnel), and Lab 1's failover drill after the learner confirms.
 */
import mysql from 'mysql2/promise';
import type { LabMeta } from '../core/lab.js';
import { overallStatus, summarise, type CheckResult, type ResultsDocument } from '../core/result.js';
import { EnvironmentError } from '../core/errors.js';
import type { Endpoints, MysqlEndpoint } from '../engines/endpoints.js';
import type { CommonFlags } from './args.js';
import type { RunOnTarget } from './targets.js';
import { runLabExercises } from './run-lab.js';
import { startProgress } from './spinner.js';
import { say } from './terminal.js';
import { confirmDrill, unlessRefused } from './aws-target.js';
import { connectionSettings, serverIdAt } from '../checks/replication-session.js';

type Clients = import('../aws/clients.js').AwsClients;

export interface Reachable {
  host: string;
  port: number;
}

/** The endpoints the exercises reach: direct from inside the VPC, or a tunnel through the bastion. */
export async function reach(
  targets: Array<{ host: string; port: number }>,
  bastion: string | undefined,
  flags: CommonFlags,
  region: string | undefined,
  closers: Array<() => Promise<void>>,
): Promise<Reachable[]> {
  if (!flags.tunnel) return targets;
  const { assertTunnelTools, openTunnel } = await import('../aws/tunnel.js');
  if (!bastion) throw new EnvironmentError('The tunnel needs the lab bastion (stack output BastionInstanceId).', 'Deploy the lab stack with npm run deploy, or run from inside the VPC without --tunnel.');
  await assertTunnelTools();
  const progress = startProgress('Opening SSM port forwards through the bastion', flags.json);
  const out: Reachable[] = [];
  for (const t of targets) {
    const tunnel = await openTunnel({ profile: flags.profile, region, bastionInstanceId: bastion, remoteHost: t.host, remotePort: t.port });
    closers.push(() => tunnel.close());
    out.push({ host: '127.0.0.1', port: tunnel.localPort });
  }
  progress.succeed(`Tunnels open: ${out.map((o) => `127.0.0.1:${o.port}`).join(', ')}`);
  return out;
}

export async function credentials(clients: Clients, secretArn: string | undefined, region: string | undefined, flags: CommonFlags) {
  if (!secretArn) throw new EnvironmentError('The database secret is not known (stack output DbSecretArn).', 'Deploy the lab stack, or check only your resources with --resources-only.');
  const { readDbCredentials } = await import('../aws/secrets.js');
  return readDbCredentials(clients.secrets, secretArn, { region, profile: flags.profile });
}

export function endpointOf(at: Reachable, user: string, password: string, database: string): MysqlEndpoint {
  return { host: at.host, port: at.port, user, password, database, ssl: true };
}

export async function runRdsLabOnAws(lab: LabMeta, flags: CommonFlags, body: (run: RunOnTarget) => Promise<ResultsDocument>): Promise<ResultsDocument> {
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
    const lookup = { stackName: flags.stack, dbInstanceId: flags.dbInstance, region, profile: flags.profile };
    const { findLab01Resources, findLab02Resources } = await import('../aws/rds-resources.js');

    let awsChecks: CheckResult[];
    let makeEndpoints: () => Promise<Endpoints>;
    let drill: ((endpoints: Endpoints) => Promise<{ check: CheckResult; result: unknown } | undefined>) | undefined;
    let afterEndpoints: ((endpoints: Endpoints) => Promise<CheckResult[]>) | undefined;
    if (lab.id === 1) {
      const r = await findLab01Resources(clients, { ...lookup, bastionSecurityGroupId: flags.bastionSecurityGroup });
      const { runLab01AwsChecks } = await import('../checks/01-rds-multi-az/aws.js');
      awsChecks = await runLab01AwsChecks(clients, r, { region, profile: flags.profile });
      makeEndpoints = async () => {
        if (!r.dbEndpoint) throw new EnvironmentError('The exercises need the database endpoint (stack output DbEndpoint).', 'Deploy the lab stack, or check only your resources with --resources-only.');
        const db = await credentials(clients, r.dbSecretArn, region, flags);
        const [at] = await reach([{ host: r.dbEndpoint, port: r.dbPort ?? 3306 }], r.bastionInstanceId, flags, region, closers);
        const endpoint = endpointOf(at, db.username, db.password, r.dbName ?? db.dbname ?? 'labdb');
        const serverId = await serverIdAt(connectionSettings(endpoint));
        // One instance: the standby cannot be reached, so primary and "replica" are the same endpoint.
        return { target: 'aws', mysql: endpoint, replication: { primary: { ...endpoint, serverId }, replica: { ...endpoint, serverId } } };
      };
      if (flags.failoverDrill) drill = (endpoints) => rdsFailoverDrill(clients, r.dbInstanceId, endpoints, flags, region);
    } else {
      const r = await findLab02Resources(clients, { ...lookup, replicaInstanceId: flags.replicaInstance });
      const { runLab02AwsChecks } = await import('../checks/02-read-replicas/aws.js');
      awsChecks = await runLab02AwsChecks(clients, r, { region, profile: flags.profile });
      makeEndpoints = async () => {
        if (!r.primaryEndpoint || !r.replicaEndpoint) {
          throw new EnvironmentError('The exercises need the primary and the replica endpoints (stack outputs PrimaryEndpoint and ReplicaEndpoint).', 'Add the read replica (the lesson\'s "Your turn"), or check only your resources with --resources-only.');
        }
        const db = await credentials(clients, r.dbSecretArn, region, flags);
        const port = r.dbPort ?? 3306;
        const [p, q] = await reach([{ host: r.primaryEndpoint, port }, { host: r.replicaEndpoint, port }], r.bastionInstanceId, flags, region, closers);
        const database = r.dbName ?? db.dbname ?? 'labdb';
        const primary = endpointOf(p, db.username, db.password, database);
        const replica = endpointOf(q, db.username, db.password, database);
        const [pid, rid] = [await serverIdAt(connectionSettings(primary)), await serverIdAt(connectionSettings(replica))];
        return { target: 'aws', mysql: primary, replication: { primary: { ...primary, serverId: pid }, replica: { ...replica, serverId: rid } } };
      };
      afterEndpoints = async (endpoints) => {
        const replica = endpoints.replication?.replica;
        return replica ? [await writesRefusedCheck(replica)] : [];
      };
    }

    return await body(async (options) => {
      for (const check of awsChecks) options.onResult?.(check);
      if (flags.resourcesOnly) {
        return runLabExercises(lab, { ...options, target: 'aws', endpoints: { target: 'aws', mysql: { host: '', port: 0, user: '', password: '', database: '' } }, skipExercises: true, extraChecks: awsChecks });
      }
      const endpoints = await makeEndpoints();
      const connected = (await afterEndpoints?.(endpoints)) ?? [];
      for (const check of connected) options.onResult?.(check);
      const doc = await runLabExercises(lab, { ...options, target: 'aws', endpoints, extraChecks: [...awsChecks.filter((c) => !connected.some((x) => x.id === c.id)), ...connected] });
      const drilled = drill ? await drill(endpoints) : undefined;
      if (drilled) {
        options.onResult?.(drilled.check);
        doc.checks.push(drilled.check);
        doc.measurements = { ...doc.measurements, failoverDrill: drilled.result };
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

async function rdsFailoverDrill(clients: Clients, dbInstanceId: string, endpoints: Endpoints, flags: CommonFlags, region: string | undefined) {
  const { runLab01FailoverDrill } = await import('../checks/01-rds-multi-az/failover-drill.js');
  const settings = connectionSettings(endpoints.mysql);
  const probe = async () => {
    const conn = await mysql.createConnection({ ...settings, connectTimeout: 2_000 } as mysql.ConnectionOptions);
    try {
      const [rows] = await conn.query('SELECT @@server_id AS id');
      return { ok: true, serverId: Number((rows as Array<{ id: number }>)[0].id) };
    } finally {
      conn.destroy();
    }
  };
  return unlessRefused(async () => {
    const result = await runLab01FailoverDrill({
      clients,
      dbInstanceId,
      region,
      profile: flags.profile,
      probe: () => probe().catch((err: Error) => ({ ok: false, error: err.message })),
      onProgress: (line) => say(line),
      confirm: () => confirmDrill(flags, `The drill reboots ${dbInstanceId} with a forced failover: the standby becomes the primary, in the other AZ.`),
    });
    const check: CheckResult = {
      id: '01.aws.failover-drill',
      name: 'failover drill: what your client saw, next to the RDS events',
      status: result.completed ? 'pass' : 'fail',
      message: result.message,
      group: 'aws',
      durationMs: Math.round(result.durationSeconds * 1000),
    };
    return { check, result };
  });
}

/**
 * Lab 2: the replica must refuse a write with MySQL error 1290 (read-only).
 * The statement is harmless if it ever ran: it creates an empty table.
 */
export async function writesRefusedCheck(replica: MysqlEndpoint): Promise<CheckResult> {
  const base = { id: '02.aws.writes-refused', name: 'the replica refuses writes (error 1290)', group: 'aws', durationMs: 0 };
  let conn: mysql.Connection | undefined;
  try {
    conn = await mysql.createConnection({ ...connectionSettings(replica), connectTimeout: 5_000 } as mysql.ConnectionOptions);
    await conn.query('CREATE TABLE IF NOT EXISTS kit_write_probe (id INT PRIMARY KEY)');
    return { ...base, status: 'fail', message: 'the replica accepted a write: it is not read-only (is this endpoint the primary, or was the replica promoted?)', hint: 'Point --replica-instance at the read replica; a promoted replica no longer replicates.' };
  } catch (err) {
    const errno = (err as { errno?: number }).errno;
    if (errno === 1290 || errno === 1836) return { ...base, status: 'pass', message: `refused with error ${errno}: ${(err as Error).message}` };
    return { ...base, status: 'error', message: `could not test a write on the replica: ${(err as Error).message}` };
  } finally {
    conn?.destroy();
  }
}
