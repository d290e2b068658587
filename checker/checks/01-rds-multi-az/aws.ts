/**
 * Lab 01 on AWS: is the deployed MySQL instance what the lesson asks for
 * (Multi-AZ with the standby in another AZ, a current engine, encrypted,
 * private, backed up for a week, storage that grows, Enhanced Monitoring,
 * reachable only from the bastion, TLS required).
 *
 * `fail` names what is wrong and the value seen; `error` means AWS could not
 * be asked (credentials, permissions, network), explained by checker/aws/errors.ts.
 */
import { DescribeSecurityGroupsCommand, type IpPermission, type SecurityGroup } from '@aws-sdk/client-ec2';
import { DescribeDBParametersCommand, type DBInstance } from '@aws-sdk/client-rds';
import { lab01 } from '../../../labs/01-rds-multi-az/lab.js';
import type { AwsClients } from '../../aws/clients.js';
import { lifecycleProblem, lifecycleSummary, readEngineLifecycle } from '../../aws/engine-lifecycle.js';
import { explainAwsError } from '../../aws/errors.js';
import {
  describeDbInstance,
  ec2ClientFor,
  instanceNotFound,
  suggestDbInstances,
  type Lab01Resources,
  type RdsLabClients,
} from '../../aws/rds-resources.js';
import type { EnvironmentError } from '../../core/errors.js';
import type { CheckResult } from '../../core/result.js';
import { awsResultBuilders, elapsed } from '../aws-results.js';

export const LAB01_AWS_CHECKS = {
  dbInstance: { id: '01.aws.db-instance', name: 'DB instance exists and is available' },
  engine: { id: '01.aws.engine', name: 'Engine is MySQL in standard support (no Extended Support charge), a version RDS still offers' },
  multiAz: { id: '01.aws.multi-az', name: 'Multi-AZ is on, with the standby in another Availability Zone' },
  encryption: { id: '01.aws.encryption', name: 'Storage is encrypted' },
  notPublic: { id: '01.aws.not-public', name: 'Not publicly accessible' },
  backups: { id: '01.aws.backups', name: 'Automated backups are kept at least 7 days' },
  storageAutoscaling: { id: '01.aws.storage-autoscaling', name: 'Storage autoscaling is configured' },
  enhancedMonitoring: { id: '01.aws.enhanced-monitoring', name: 'Enhanced Monitoring is on' },
  securityGroup: { id: '01.aws.security-group', name: 'MySQL port open only to the bastion security group' },
  tlsRequired: { id: '01.aws.tls-required', name: 'TLS is required (require_secure_transport)' },
} as const;

const { result, errorResult, skipped } = awsResultBuilders(LAB01_AWS_CHECKS);

const LAB_ID = 1;
const CONFIG_FILE = 'labs/01-rds-multi-az/stack-config.ts';
const DEPLOY = 'npm run deploy 1';
const STACK_VERSION = lab01.requires?.rds[0]?.engineVersion ?? '8.4.10';
export const MIN_BACKUP_RETENTION_DAYS = 7;

/** The learner's task: make the instance Multi-AZ, three ways. */
export function multiAzTask(dbInstanceId: string): string {
  return (
    `In ${CONFIG_FILE} set \`multiAz: true\` and deploy again with \`${DEPLOY}\`; or in the RDS console select the instance, ` +
    'Modify > Availability & durability > "Create a standby instance" (Multi-AZ) > Apply immediately; or run ' +
    `\`aws rds modify-db-instance --db-instance-identifier ${dbInstanceId} --multi-az --apply-immediately\`. ` +
    'The conversion takes 10-20 minutes with no downtime; re-run the check when the instance is available.'
  );
}

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

const INSTANCE_DEPENDANTS = [
  'engine', 'multiAz', 'encryption', 'notPublic', 'backups', 'storageAutoscaling', 'enhancedMonitoring', 'securityGroup', 'tlsRequired',
] as const;

export async function runLab01AwsChecks(
  clients: RdsLabClients,
  resources: Lab01Resources,
  options: Lab01AwsCheckOptions = {},
): Promise<CheckResult[]> {
  const ctx: Ctx = { region: options.region ?? resources.region ?? clients.region, profile: options.profile ?? clients.profile };
  const id = resources.dbInstanceId;
  const t0 = performance.now();
  let db: DBInstance | undefined;
  try {
    db = await describeDbInstance(clients, id, { ...ctx, deployCommand: DEPLOY });
  } catch (err) {
    const why = `the DB instance could not be read (see ${LAB01_AWS_CHECKS.dbInstance.id})`;
    return [errorResult('dbInstance', err as EnvironmentError, elapsed(t0)), ...INSTANCE_DEPENDANTS.map((k) => skipped(k, why))];
  }
  if (!db) {
    const suggestions = await suggestDbInstances(clients, LAB_ID, id);
    const { message, hint } = instanceNotFound(id, suggestions, {
      region: ctx.region,
      flag: '--db-instance <id>',
      deployCommand: DEPLOY,
      stackName: resources.stackName,
      fromStack: resources.source === 'stack',
    });
    return [
      result('dbInstance', 'fail', message, hint, elapsed(t0)),
      ...INSTANCE_DEPENDANTS.map((k) => skipped(k, `the DB instance "${id}" was not found`)),
    ];
  }

  const out: CheckResult[] = [instanceStatus(db, id, elapsed(t0))];
  out.push(await engineCheck(clients, db, id, ctx, options.now ?? new Date()), multiAzCheck(db, id), ...settingChecks(db, id));
  const [sg, tls] = await Promise.all([securityGroupCheck(clients, db, resources, ctx), tlsCheck(clients, db, resources, ctx)]);
  out.push(sg, tls);
  return out;
}

function instanceStatus(db: DBInstance, id: string, durationMs: number): CheckResult {
  const status = db.DBInstanceStatus ?? 'unknown';
  if (status === 'available') return result('dbInstance', 'pass', `DB instance ${id} is available.`, undefined, durationMs);
  if (['creating', 'modifying', 'backing-up', 'rebooting', 'configuring-enhanced-monitoring', 'storage-optimization', 'upgrading', 'maintenance', 'starting', 'renaming'].includes(status)) {
    return result(
      'dbInstance',
      'fail',
      `DB instance ${id} is still ${status}; the other results describe it mid-change.`,
      'Wait until its status is "available" (a Multi-AZ conversion takes 10-20 minutes), then re-run.',
      durationMs,
    );
  }
  const hint =
    status === 'stopped' || status === 'stopping'
      ? `Start it (RDS console: Actions > Start, or \`aws rds start-db-instance --db-instance-identifier ${id}\`), wait until it is available, then re-run.`
      : status === 'deleting'
        ? `It is being deleted: deploy the stack again with \`${DEPLOY}\` once it is gone.`
        : 'Look at the instance\'s events (RDS console > Events) for what went wrong; destroying and deploying the stack again usually fixes a failed create.';
  return result('dbInstance', 'fail', `DB instance ${id} has status "${status}", not "available".`, hint, durationMs);
}

/**
 * The engine's support phase comes from RDS (DescribeDBMajorEngineVersions and
 * DescribeDBEngineVersions), not from a version floor written here: MySQL 8.0
 * left standard support on 2026-07-31 and has been billed for Extended
 * Support since, which a floor of "8.0.42" would never have noticed.
 */
async function engineCheck(clients: RdsLabClients, db: DBInstance, id: string, ctx: Ctx, now: Date): Promise<CheckResult> {
  const engine = db.Engine ?? 'unknown';
  const version = db.EngineVersion ?? '';
  if (engine !== 'mysql') {
    return result(
      'engine',
      'fail',
      `DB instance ${id} runs the engine "${engine}"; the lab is written for RDS for MySQL.`,
      `Create the instance with the MySQL engine (the lab stack uses MySQL ${STACK_VERSION}: \`${DEPLOY}\`).`,
    );
  }
  let lifecycle;
  try {
    lifecycle = await readEngineLifecycle(clients.rds, engine, version, now);
  } catch (err) {
    return errorResult('engine', explainAwsError(err, { action: 'rds:DescribeDBMajorEngineVersions', region: ctx.region, profile: ctx.profile }));
  }
  const problem = lifecycleProblem(lifecycle, db.DBInstanceClass);
  if (problem) {
    return result(
      'engine',
      'fail',
      `DB instance ${id}: ${problem}`,
      `Upgrade it to MySQL ${STACK_VERSION} (console Modify > DB engine version, or \`aws rds modify-db-instance --db-instance-identifier ${id} --engine-version ${STACK_VERSION} --allow-major-version-upgrade --apply-immediately\`), or deploy the lab stack, which uses it.`,
    );
  }
  return result('engine', 'pass', `MySQL ${lifecycleSummary(lifecycle)}.`);
}

function multiAzCheck(db: DBInstance, id: string): CheckResult {
  const az = db.AvailabilityZone ?? 'unknown';
  const standby = db.SecondaryAvailabilityZone;
  if (db.MultiAZ === true) {
    if (standby && standby !== az) {
      return result('multiAz', 'pass', `Multi-AZ is on: primary in ${az}, standby in ${standby}.`);
    }
    if (!standby) {
      return result(
        'multiAz',
        'fail',
        `Multi-AZ is on for ${id} but RDS reports no standby Availability Zone yet (status ${db.DBInstanceStatus ?? 'unknown'}): the standby is still being created.`,
        'Wait until the instance is available (a conversion takes 10-20 minutes), then re-run.',
      );
    }
    return result(
      'multiAz',
      'fail',
      `RDS reports the standby of ${id} in the same Availability Zone as the primary (${az}): an outage of that zone would take both down.`,
      'Turn Multi-AZ off and on again (Modify > Availability & durability), or deploy the lab stack, whose subnet group spans two zones.',
    );
  }
  if (db.PendingModifiedValues?.MultiAZ === true) {
    return result(
      'multiAz',
      'fail',
      `Multi-AZ is pending on ${id}: the change was saved without "apply immediately", so RDS applies it in the next maintenance window (${db.PreferredMaintenanceWindow ?? 'unknown'}).`,
      `Apply it now: \`aws rds modify-db-instance --db-instance-identifier ${id} --multi-az --apply-immediately\` (or Modify again in the console and choose "Apply immediately").`,
    );
  }
  return result(
    'multiAz',
    'fail',
    `DB instance ${id} is Single-AZ (MultiAZ: ${String(db.MultiAZ ?? false)}, only ${az}): if that zone or the host fails, the database is down until RDS replaces the instance.`,
    multiAzTask(id),
  );
}

function settingChecks(db: DBInstance, id: string): CheckResult[] {
  const out: CheckResult[] = [];
  out.push(
    db.StorageEncrypted === true
      ? result('encryption', 'pass', `DB instance ${id} has encrypted storage.`)
      : result(
          'encryption',
          'fail',
          `DB instance ${id} has unencrypted storage (StorageEncrypted: ${String(db.StorageEncrypted ?? false)}): its disks, snapshots and backups are stored in clear.`,
          'Encryption cannot be switched on in place: take a snapshot, copy it with encryption on and restore the copy, or deploy the lab stack, which creates the instance encrypted.',
        ),
  );
  out.push(
    db.PubliclyAccessible === true
      ? result(
          'notPublic',
          'fail',
          `DB instance ${id} is publicly accessible (PubliclyAccessible: true): its endpoint resolves to a public address.`,
          `Modify the instance and set Connectivity > Public access to "Not publicly accessible" (\`aws rds modify-db-instance --db-instance-identifier ${id} --no-publicly-accessible --apply-immediately\`); reach it through the bastion tunnel instead.`,
        )
      : result('notPublic', 'pass', `DB instance ${id} is not publicly accessible.`),
  );
  const days = db.BackupRetentionPeriod ?? 0;
  out.push(
    days >= MIN_BACKUP_RETENTION_DAYS
      ? result('backups', 'pass', `Automated backups of ${id} are kept ${days} days.`)
      : result(
          'backups',
          'fail',
          days === 0
            ? `DB instance ${id} has automated backups turned off (BackupRetentionPeriod: 0): no point-in-time restore.`
            : `DB instance ${id} keeps automated backups ${days} day${days === 1 ? '' : 's'} (BackupRetentionPeriod: ${days}); the lab asks for at least ${MIN_BACKUP_RETENTION_DAYS}, a week to notice a mistake and restore from before it.`,
          `Set the retention to ${MIN_BACKUP_RETENTION_DAYS} days: console Modify > Additional configuration > Backup retention period, or \`aws rds modify-db-instance --db-instance-identifier ${id} --backup-retention-period ${MIN_BACKUP_RETENTION_DAYS} --apply-immediately\`.`,
        ),
  );
  const allocated = db.AllocatedStorage ?? 0;
  const max = db.MaxAllocatedStorage;
  out.push(
    max !== undefined && max > allocated
      ? result('storageAutoscaling', 'pass', `Storage of ${id} can grow from ${allocated} GiB up to ${max} GiB.`)
      : result(
          'storageAutoscaling',
          'fail',
          max === undefined
            ? `Storage autoscaling is off for ${id} (no MaxAllocatedStorage, ${allocated} GiB allocated): a full disk stops the database.`
            : `Storage autoscaling of ${id} has nowhere to grow: MaxAllocatedStorage ${max} GiB is not above the ${allocated} GiB allocated.`,
          `Turn on storage autoscaling with a maximum above ${allocated} GiB: console Modify > Storage autoscaling > Maximum storage threshold, or \`aws rds modify-db-instance --db-instance-identifier ${id} --max-allocated-storage ${Math.max(100, allocated * 2)} --apply-immediately\`.`,
        ),
  );
  const interval = db.MonitoringInterval ?? 0;
  out.push(
    interval > 0
      ? result('enhancedMonitoring', 'pass', `Enhanced Monitoring samples ${id} every ${interval} s.`)
      : result(
          'enhancedMonitoring',
          'fail',
          `Enhanced Monitoring is off for ${id} (MonitoringInterval: ${interval}): no OS-level metrics (processes, memory, disk I/O) to look at during a failover.`,
          'Turn it on: console Modify > Monitoring > Enable Enhanced Monitoring, granularity 60 s (the console creates the rds-monitoring-role), or ' +
            `\`aws rds modify-db-instance --db-instance-identifier ${id} --monitoring-interval 60 --monitoring-role-arn <role-arn> --apply-immediately\`.`,
        ),
  );
  return out;
}

/** Whether a rule lets TCP `port` in (all traffic, all TCP, or a range containing it). */
function coversPort(p: IpPermission, port: number): boolean {
  const proto = p.IpProtocol ?? '';
  if (proto === '-1' || proto === 'all') return true;
  if (proto !== 'tcp' && proto !== '6') return false;
  const from = p.FromPort ?? 0;
  const to = p.ToPort ?? 65535;
  return (from === -1 && to === -1) || (from <= port && port <= to);
}

async function securityGroupCheck(clients: RdsLabClients, db: DBInstance, r: Lab01Resources, ctx: Ctx): Promise<CheckResult> {
  const id = r.dbInstanceId;
  const port = db.Endpoint?.Port ?? r.dbPort ?? 3306;
  const attached = (db.VpcSecurityGroups ?? [])
    .filter((g) => g.VpcSecurityGroupId && g.Status !== 'removing' && g.Status !== 'inactive')
    .map((g) => g.VpcSecurityGroupId!);
  const groupIds = attached.length > 0 ? attached : r.dbSecurityGroupId ? [r.dbSecurityGroupId] : [];
  if (groupIds.length === 0) {
    return result('securityGroup', 'fail', `RDS reports no VPC security group on ${id}.`, 'Attach the lab\'s database security group (Modify > Connectivity > Security groups) or deploy the lab stack.');
  }
  const bastion = r.bastionSecurityGroupId;
  const t0 = performance.now();
  const { ec2, owned } = ec2ClientFor(clients);
  let groups: SecurityGroup[];
  try {
    const res = await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: groupIds }));
    groups = res.SecurityGroups ?? [];
  } catch (err) {
    return errorResult(
      'securityGroup',
      explainAwsError(err, { action: 'ec2:DescribeSecurityGroups', region: ctx.region, profile: ctx.profile, resource: { kind: 'security group', id: groupIds.join(', ') } }),
      elapsed(t0),
    );
  } finally {
    if (owned) ec2.destroy();
  }
  const ranges: string[] = [];
  const otherGroups: string[] = [];
  let bastionAllowed = false;
  let groupSources = 0;
  for (const g of groups) {
    for (const p of g.IpPermissions ?? []) {
      if (!coversPort(p, port)) continue;
      for (const x of p.IpRanges ?? []) if (x.CidrIp) ranges.push(`${x.CidrIp} (in ${g.GroupId})`);
      for (const x of p.Ipv6Ranges ?? []) if (x.CidrIpv6) ranges.push(`${x.CidrIpv6} (in ${g.GroupId})`);
      for (const x of p.PrefixListIds ?? []) if (x.PrefixListId) ranges.push(`prefix list ${x.PrefixListId} (in ${g.GroupId})`);
      for (const x of p.UserIdGroupPairs ?? []) {
        if (!x.GroupId) continue;
        groupSources += 1;
        if (bastion && x.GroupId === bastion) bastionAllowed = true;
        else if (bastion) otherGroups.push(`${x.GroupId} (in ${g.GroupId})`);
      }
    }
  }
  const where = groups.map((g) => g.GroupId).join(', ');
  const ms = elapsed(t0);
  if (ranges.length > 0) {
    return result(
      'securityGroup',
      'fail',
      `The security group${groups.length === 1 ? '' : 's'} of ${id} admit${groups.length === 1 ? 's' : ''} port ${port} from IP ranges: ${ranges.join(', ')}. Anything in those ranges can try to log in.`,
      `Delete those inbound rules (EC2 > Security Groups > ${where} > Inbound rules): the lab reaches the database through the bastion, which needs only the rule that names the bastion's security group${bastion ? ` (${bastion})` : ''}.`,
      ms,
    );
  }
  if (otherGroups.length > 0) {
    return result(
      'securityGroup',
      'fail',
      `Port ${port} of ${id} is open to other security groups besides the bastion's (${bastion}): ${otherGroups.join(', ')}.`,
      `Delete the inbound rules that name them (EC2 > Security Groups > ${where}), keeping only the one from ${bastion}.`,
      ms,
    );
  }
  if (bastion && !bastionAllowed) {
    return result(
      'securityGroup',
      'fail',
      `No inbound rule of ${where} lets the bastion's security group (${bastion}) reach port ${port}: the tunnel to ${id} cannot connect.`,
      `Add an inbound rule to ${where}: TCP ${port} from ${bastion} (or deploy the lab stack, which adds it).`,
      ms,
    );
  }
  if (!bastion && groupSources === 0) {
    return result(
      'securityGroup',
      'fail',
      `No inbound rule of ${where} admits port ${port}: nothing, not even the bastion, can connect to ${id}.`,
      `Add an inbound rule: TCP ${port} from the bastion's security group (or deploy the lab stack, which adds it).`,
      ms,
    );
  }
  return bastion
    ? result('securityGroup', 'pass', `Port ${port} of ${id} is open only to the bastion's security group ${bastion}.`, undefined, ms)
    : result(
        'securityGroup',
        'pass',
        `Port ${port} of ${id} is open only to security groups, no IP ranges (the bastion's group is not known here, so which groups was not checked).`,
        'Pass --bastion-security-group <sg-id> to check that the bastion is the only one.',
        ms,
      );
}

const TLS_PARAMETER = 'require_secure_transport';

async function tlsCheck(clients: AwsClients, db: DBInstance, r: Lab01Resources, ctx: Ctx): Promise<CheckResult> {
  const id = r.dbInstanceId;
  const group = db.DBParameterGroups?.[0]?.DBParameterGroupName ?? r.parameterGroupName;
  if (!group) {
    return result('tlsRequired', 'fail', `RDS reports no DB parameter group on ${id}, so TLS cannot be required.`, 'Attach a parameter group with require_secure_transport = 1, or deploy the lab stack.');
  }
  const t0 = performance.now();
  let value: string | undefined;
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
      if (p) {
        value = p.ParameterValue;
        break;
      }
      marker = out.Marker;
      pages += 1;
    } while (marker && pages < 20);
  } catch (err) {
    return errorResult(
      'tlsRequired',
      explainAwsError(err, { action: 'rds:DescribeDBParameters', region: ctx.region, profile: ctx.profile, resource: { kind: 'DB parameter group', id: group } }),
      elapsed(t0),
    );
  }
  const ms = elapsed(t0);
  if (value !== undefined && /^(1|on)$/i.test(value.trim())) {
    return result('tlsRequired', 'pass', `${TLS_PARAMETER} = ${value} in the parameter group ${group}: connections without TLS are refused.`, undefined, ms);
  }
  const seen = value !== undefined ? `= ${value}` : 'is not set (engine default OFF)';
  const hint = group.startsWith('default.')
    ? `The instance uses the default parameter group ${group}, which cannot be changed: create a parameter group of the same family, set ${TLS_PARAMETER} to 1, and attach it (Modify > Additional configuration > DB parameter group) - or deploy the lab stack, which does all that.`
    : `Set ${TLS_PARAMETER} to 1 in ${group} (RDS > Parameter groups > ${group} > Edit), or \`aws rds modify-db-parameter-group --db-parameter-group-name ${group} --parameters ParameterName=${TLS_PARAMETER},ParameterValue=1,ApplyMethod=immediate\`; it applies without a reboot.`;
  return result('tlsRequired', 'fail', `${TLS_PARAMETER} ${seen} in the parameter group ${group} of ${id}: clients may connect without TLS and send the password in clear.`, hint, ms);
}
