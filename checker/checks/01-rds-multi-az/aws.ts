/**
 * Lab 01 on AWS: is the deployed MySQL instance what the lesson asks for
 * (Multi-AZ with the standby in another AZ, a current engine, encrypted,
 * private, backed up for a week, storage that grows, Enhanced Monitoring,
 * reachable only from the bastion, TLS required).
 *
 * This file reads the facts from AWS; resource-judges.ts judges them.
 * `fail` names what is wrong and the value seen; `error` means AWS could not
 * be asked (credentials, permissions, network), explained by checker/aws/errors.ts.
 */
import { DescribeSecurityGroupsCommand } from '@aws-sdk/client-ec2';
import { DescribeDBParametersCommand, type DBInstance } from '@aws-sdk/client-rds';
import type { AwsClients } from '../../aws/clients.js';
import { readEngineLifecycle } from '../../aws/engine-lifecycle.js';
import { explainAwsError } from '../../aws/errors.js';
import { describeDbInstance, ec2ClientFor, suggestDbInstances, type Lab01Resources, type RdsLabClients } from '../../aws/rds-resources.js';
import type { EnvironmentError } from '../../core/errors.js';
import type { CheckResult } from '../../core/result.js';
import { judgeAll } from '../aws-judges.js';
import { elapsed } from '../aws-results.js';
import { LAB01_DEPLOY, LAB01_JUDGES, lab01Results, type Lab01Facts } from './resource-judges.js';

export { LAB01_AWS_CHECKS, MIN_BACKUP_RETENTION_DAYS, multiAzTask } from './resource-judges.js';

const LAB_ID = 1;

export interface Lab01AwsCheckOptions {
  region?: string;
  profile?: string;
  /** The date support phases are judged at (tests); default now. */
  now?: Date;
}

interface Ctx {
  region?: string;
  profile?: string;
}

export async function runLab01AwsChecks(clients: RdsLabClients, resources: Lab01Resources, options: Lab01AwsCheckOptions = {}): Promise<CheckResult[]> {
  return judgeAll(LAB01_JUDGES, await describeLab01(clients, resources, options), lab01Results.skipped);
}

/** Everything the judges look at: the instance, then (when it is there) its engine's support phase, security groups and TLS setting. */
export async function describeLab01(clients: RdsLabClients, resources: Lab01Resources, options: Lab01AwsCheckOptions = {}): Promise<Lab01Facts> {
  const ctx: Ctx = { region: options.region ?? resources.region ?? clients.region, profile: options.profile ?? clients.profile };
  const facts: Lab01Facts = {
    dbInstanceId: resources.dbInstanceId,
    region: ctx.region,
    stackName: resources.stackName,
    source: resources.source,
    instance: await readInstance(clients, resources.dbInstanceId, ctx),
  };
  const db = facts.instance.found;
  if (!db) return facts;
  if (db.Engine === 'mysql') facts.lifecycle = await readLifecycle(clients, db, ctx, options.now ?? new Date());
  [facts.securityGroups, facts.tls] = await Promise.all([readSecurityGroups(clients, db, resources, ctx), readTlsSetting(clients, db, resources, ctx)]);
  return facts;
}

async function readInstance(clients: RdsLabClients, id: string, ctx: Ctx): Promise<Lab01Facts['instance']> {
  const t0 = performance.now();
  try {
    const found = await describeDbInstance(clients, id, { ...ctx, deployCommand: LAB01_DEPLOY });
    if (found) return { found, ms: elapsed(t0) };
    return { suggestions: await suggestDbInstances(clients, LAB_ID, id), ms: elapsed(t0) };
  } catch (err) {
    return { error: err as EnvironmentError, ms: elapsed(t0) };
  }
}

async function readLifecycle(clients: RdsLabClients, db: DBInstance, ctx: Ctx, now: Date): Promise<NonNullable<Lab01Facts['lifecycle']>> {
  try {
    return { found: await readEngineLifecycle(clients.rds, db.Engine ?? 'unknown', db.EngineVersion ?? '', now) };
  } catch (err) {
    return { error: explainAwsError(err, { action: 'rds:DescribeDBMajorEngineVersions', region: ctx.region, profile: ctx.profile }) };
  }
}

/** The instance's active security groups (or the stack's), described; the port and the bastion's group to judge them by. */
async function readSecurityGroups(clients: RdsLabClients, db: DBInstance, r: Lab01Resources, ctx: Ctx): Promise<NonNullable<Lab01Facts['securityGroups']>> {
  const port = db.Endpoint?.Port ?? r.dbPort ?? 3306;
  const attached = (db.VpcSecurityGroups ?? [])
    .filter((g) => g.VpcSecurityGroupId && g.Status !== 'removing' && g.Status !== 'inactive')
    .map((g) => g.VpcSecurityGroupId!);
  const groupIds = attached.length > 0 ? attached : r.dbSecurityGroupId ? [r.dbSecurityGroupId] : [];
  const bastion = r.bastionSecurityGroupId;
  const base = { groupIds, port, ...(bastion ? { bastion } : {}) };
  if (groupIds.length === 0) return { ...base, groups: [], ms: 0 };
  const t0 = performance.now();
  const { ec2, owned } = ec2ClientFor(clients);
  try {
    const res = await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: groupIds }));
    return { ...base, groups: res.SecurityGroups ?? [], ms: elapsed(t0) };
  } catch (err) {
    const error = explainAwsError(err, {
      action: 'ec2:DescribeSecurityGroups',
      region: ctx.region,
      profile: ctx.profile,
      resource: { kind: 'security group', id: groupIds.join(', ') },
    });
    return { ...base, groups: [], error, ms: elapsed(t0) };
  } finally {
    if (owned) ec2.destroy();
  }
}

const TLS_PARAMETER = 'require_secure_transport';

/** require_secure_transport in the instance's parameter group. */
async function readTlsSetting(clients: AwsClients, db: DBInstance, r: Lab01Resources, ctx: Ctx): Promise<NonNullable<Lab01Facts['tls']>> {
  const group = db.DBParameterGroups?.[0]?.DBParameterGroupName ?? r.parameterGroupName;
  if (!group) return { ms: 0 };
  const t0 = performance.now();
  try {
    let marker: string | undefined;
    let pages = 0;
    do {
      const out = await clients.rds.send(
        new DescribeDBParametersCommand({
          DBParameterGroupName: group,
          Filters: [{ Name: 'parameter-name', Values: [TLS_PARAMETER] }],
          Marker: marker,
        }),
      );
      const p = (out.Parameters ?? []).find((x) => x.ParameterName === TLS_PARAMETER);
      if (p) return { group, ...(p.ParameterValue !== undefined ? { value: p.ParameterValue } : {}), ms: elapsed(t0) };
      marker = out.Marker;
      pages += 1;
    } while (marker && pages < 20);
  } catch (err) {
    const error = explainAwsError(err, {
      action: 'rds:DescribeDBParameters',
      region: ctx.region,
      profile: ctx.profile,
      resource: { kind: 'DB parameter group', id: group },
    });
    return { group, error, ms: elapsed(t0) };
  }
  return { group, ms: elapsed(t0) };
}
