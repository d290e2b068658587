/**
 * Lab 1's deployed-resource checks as small judges of the described
 * instance, its engine's support phase, its security groups and its
 * parameter group (the facts, read by aws.ts). Every check needs the
 * instance; that dependency is data (`needs`), not nested ifs.
 */
import type { IpPermission, SecurityGroup } from '@aws-sdk/client-ec2';
import type { DBInstance } from '@aws-sdk/client-rds';
import { lab01 } from '../../../labs/01-rds-multi-az/lab.js';
import { lifecycleProblem, lifecycleSummary, type EngineLifecycle } from '../../aws/engine-lifecycle.js';
import { instanceNotFound, type DbInstanceSuggestions } from '../../aws/rds-resources.js';
import { EnvironmentError } from '../../core/errors.js';
import type { CheckResult } from '../../core/result.js';
import { awsResultBuilders } from '../aws-results.js';
import type { AwsJudge } from '../aws-judges.js';

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

export type Lab01CheckKey = keyof typeof LAB01_AWS_CHECKS;

export const lab01Results = awsResultBuilders(LAB01_AWS_CHECKS);
const { result, errorResult } = lab01Results;

const CONFIG_FILE = 'labs/01-rds-multi-az/stack-config.ts';
export const LAB01_DEPLOY = 'npm run deploy 1';
const DEPLOY = LAB01_DEPLOY;
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

export function instanceStatus(db: DBInstance, id: string, durationMs: number): CheckResult {
  const status = db.DBInstanceStatus ?? 'unknown';
  if (status === 'available') return result('dbInstance', 'pass', `DB instance ${id} is available.`, undefined, durationMs);
  if (
    [
      'creating',
      'modifying',
      'backing-up',
      'rebooting',
      'configuring-enhanced-monitoring',
      'storage-optimization',
      'upgrading',
      'maintenance',
      'starting',
      'renaming',
    ].includes(status)
  ) {
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
        : "Look at the instance's events (RDS console > Events) for what went wrong; destroying and deploying the stack again usually fixes a failed create.";
  return result('dbInstance', 'fail', `DB instance ${id} has status "${status}", not "available".`, hint, durationMs);
}

export function multiAzCheck(db: DBInstance, id: string): CheckResult {
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

/** What aws.ts read from AWS; every judge works from this alone. */
export interface Lab01Facts {
  dbInstanceId: string;
  region?: string;
  stackName?: string;
  source: 'stack' | 'flags';
  /** `suggestions` is read only when the instance was not found. */
  instance: { found?: DBInstance; error?: EnvironmentError; suggestions?: DbInstanceSuggestions; ms: number };
  /** The engine's support phase; read only for a MySQL instance. */
  lifecycle?: { found?: EngineLifecycle; error?: EnvironmentError };
  /** The instance's security groups and who may reach `port`; `bastion` when known. */
  securityGroups?: { groupIds: string[]; groups: SecurityGroup[]; error?: EnvironmentError; port: number; bastion?: string; ms: number };
  /** require_secure_transport in the instance's parameter group (`group` undefined: none attached). */
  tls?: { group?: string; value?: string; error?: EnvironmentError; ms: number };
}

export type Lab01Judge = AwsJudge<Lab01Facts, Lab01CheckKey>;

const instanceOf = (f: Lab01Facts): DBInstance => f.instance.found!;

const dbInstance: Lab01Judge = {
  key: 'dbInstance',
  judge(f) {
    const id = f.dbInstanceId;
    const ms = f.instance.ms;
    if (f.instance.error) return errorResult('dbInstance', f.instance.error, ms);
    if (!f.instance.found) {
      const { message, hint } = instanceNotFound(id, f.instance.suggestions ?? { lab: [], similar: [] }, {
        region: f.region,
        flag: '--db-instance <id>',
        deployCommand: DEPLOY,
        stackName: f.stackName,
        fromStack: f.source === 'stack',
      });
      return result('dbInstance', 'fail', message, hint, ms);
    }
    return instanceStatus(f.instance.found, id, ms);
  },
  blocks(f) {
    if (f.instance.error) return { why: `the DB instance could not be read (see ${LAB01_AWS_CHECKS.dbInstance.id})` };
    if (!f.instance.found) return { why: `the DB instance "${f.dbInstanceId}" was not found` };
    return undefined;
  },
};

/**
 * The engine's support phase comes from RDS (DescribeDBMajorEngineVersions and
 * DescribeDBEngineVersions), not from a version floor written here: MySQL 8.0
 * left standard support on 2026-07-31 and has been billed for Extended
 * Support since, which a floor of "8.0.42" would never have noticed.
 */
const engine: Lab01Judge = {
  key: 'engine',
  needs: ['dbInstance'],
  judge(f) {
    const db = instanceOf(f);
    const id = f.dbInstanceId;
    const name = db.Engine ?? 'unknown';
    if (name !== 'mysql') {
      return result(
        'engine',
        'fail',
        `DB instance ${id} runs the engine "${name}"; the lab is written for RDS for MySQL.`,
        `Create the instance with the MySQL engine (the lab stack uses MySQL ${STACK_VERSION}: \`${DEPLOY}\`).`,
      );
    }
    if (f.lifecycle?.error || !f.lifecycle?.found) {
      return errorResult('engine', f.lifecycle?.error ?? missingFact('the engine lifecycle'));
    }
    const lifecycle = f.lifecycle.found;
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
  },
};

/** A fact the reader should have gathered is absent: a kit bug, reported as an error rather than a verdict. */
function missingFact(what: string): EnvironmentError {
  return new EnvironmentError(`The kit did not read ${what}.`, 'Report this as a kit bug.');
}

const multiAz: Lab01Judge = {
  key: 'multiAz',
  needs: ['dbInstance'],
  judge: (f) => multiAzCheck(instanceOf(f), f.dbInstanceId),
};

const encryption: Lab01Judge = {
  key: 'encryption',
  needs: ['dbInstance'],
  judge(f) {
    const db = instanceOf(f);
    const id = f.dbInstanceId;
    return db.StorageEncrypted === true
      ? result('encryption', 'pass', `DB instance ${id} has encrypted storage.`)
      : result(
          'encryption',
          'fail',
          `DB instance ${id} has unencrypted storage (StorageEncrypted: ${String(db.StorageEncrypted ?? false)}): its disks, snapshots and backups are stored in clear.`,
          'Encryption cannot be switched on in place: take a snapshot, copy it with encryption on and restore the copy, or deploy the lab stack, which creates the instance encrypted.',
        );
  },
};

const notPublic: Lab01Judge = {
  key: 'notPublic',
  needs: ['dbInstance'],
  judge(f) {
    const db = instanceOf(f);
    const id = f.dbInstanceId;
    return db.PubliclyAccessible === true
      ? result(
          'notPublic',
          'fail',
          `DB instance ${id} is publicly accessible (PubliclyAccessible: true): its endpoint resolves to a public address.`,
          `Modify the instance and set Connectivity > Public access to "Not publicly accessible" (\`aws rds modify-db-instance --db-instance-identifier ${id} --no-publicly-accessible --apply-immediately\`); reach it through the bastion tunnel instead.`,
        )
      : result('notPublic', 'pass', `DB instance ${id} is not publicly accessible.`);
  },
};

const backups: Lab01Judge = {
  key: 'backups',
  needs: ['dbInstance'],
  judge(f) {
    const db = instanceOf(f);
    const id = f.dbInstanceId;
    const days = db.BackupRetentionPeriod ?? 0;
    return days >= MIN_BACKUP_RETENTION_DAYS
      ? result('backups', 'pass', `Automated backups of ${id} are kept ${days} days.`)
      : result(
          'backups',
          'fail',
          days === 0
            ? `DB instance ${id} has automated backups turned off (BackupRetentionPeriod: 0): no point-in-time restore.`
            : `DB instance ${id} keeps automated backups ${days} day${days === 1 ? '' : 's'} (BackupRetentionPeriod: ${days}); the lab asks for at least ${MIN_BACKUP_RETENTION_DAYS}, a week to notice a mistake and restore from before it.`,
          `Set the retention to ${MIN_BACKUP_RETENTION_DAYS} days: console Modify > Additional configuration > Backup retention period, or \`aws rds modify-db-instance --db-instance-identifier ${id} --backup-retention-period ${MIN_BACKUP_RETENTION_DAYS} --apply-immediately\`.`,
        );
  },
};

const storageAutoscaling: Lab01Judge = {
  key: 'storageAutoscaling',
  needs: ['dbInstance'],
  judge(f) {
    const db = instanceOf(f);
    const id = f.dbInstanceId;
    const allocated = db.AllocatedStorage ?? 0;
    const max = db.MaxAllocatedStorage;
    return max !== undefined && max > allocated
      ? result('storageAutoscaling', 'pass', `Storage of ${id} can grow from ${allocated} GiB up to ${max} GiB.`)
      : result(
          'storageAutoscaling',
          'fail',
          max === undefined
            ? `Storage autoscaling is off for ${id} (no MaxAllocatedStorage, ${allocated} GiB allocated): a full disk stops the database.`
            : `Storage autoscaling of ${id} has nowhere to grow: MaxAllocatedStorage ${max} GiB is not above the ${allocated} GiB allocated.`,
          `Turn on storage autoscaling with a maximum above ${allocated} GiB: console Modify > Storage autoscaling > Maximum storage threshold, or \`aws rds modify-db-instance --db-instance-identifier ${id} --max-allocated-storage ${Math.max(100, allocated * 2)} --apply-immediately\`.`,
        );
  },
};

const enhancedMonitoring: Lab01Judge = {
  key: 'enhancedMonitoring',
  needs: ['dbInstance'],
  judge(f) {
    const db = instanceOf(f);
    const id = f.dbInstanceId;
    const interval = db.MonitoringInterval ?? 0;
    return interval > 0
      ? result('enhancedMonitoring', 'pass', `Enhanced Monitoring samples ${id} every ${interval} s.`)
      : result(
          'enhancedMonitoring',
          'fail',
          `Enhanced Monitoring is off for ${id} (MonitoringInterval: ${interval}): no OS-level metrics (processes, memory, disk I/O) to look at during a failover.`,
          'Turn it on: console Modify > Monitoring > Enable Enhanced Monitoring, granularity 60 s (the console creates the rds-monitoring-role), or ' +
            `\`aws rds modify-db-instance --db-instance-identifier ${id} --monitoring-interval 60 --monitoring-role-arn <role-arn> --apply-immediately\`.`,
        );
  },
};

/** Whether a rule lets TCP `port` in (all traffic, all TCP, or a range containing it). */
export function coversPort(p: IpPermission, port: number): boolean {
  const proto = p.IpProtocol ?? '';
  if (proto === '-1' || proto === 'all') return true;
  if (proto !== 'tcp' && proto !== '6') return false;
  const from = p.FromPort ?? 0;
  const to = p.ToPort ?? 65535;
  return (from === -1 && to === -1) || (from <= port && port <= to);
}

const securityGroup: Lab01Judge = {
  key: 'securityGroup',
  needs: ['dbInstance'],
  judge(f) {
    const id = f.dbInstanceId;
    const sg = f.securityGroups;
    if (!sg || sg.groupIds.length === 0) {
      return result(
        'securityGroup',
        'fail',
        `RDS reports no VPC security group on ${id}.`,
        "Attach the lab's database security group (Modify > Connectivity > Security groups) or deploy the lab stack.",
      );
    }
    if (sg.error) return errorResult('securityGroup', sg.error, sg.ms);
    const { groups, port, bastion, ms } = sg;
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
  },
};

const TLS_PARAMETER = 'require_secure_transport';

const tlsRequired: Lab01Judge = {
  key: 'tlsRequired',
  needs: ['dbInstance'],
  judge(f) {
    const id = f.dbInstanceId;
    const group = f.tls?.group;
    if (!f.tls || !group) {
      return result(
        'tlsRequired',
        'fail',
        `RDS reports no DB parameter group on ${id}, so TLS cannot be required.`,
        'Attach a parameter group with require_secure_transport = 1, or deploy the lab stack.',
      );
    }
    const { value, ms } = f.tls;
    if (f.tls.error) return errorResult('tlsRequired', f.tls.error, ms);
    if (value !== undefined && /^(1|on)$/i.test(value.trim())) {
      return result('tlsRequired', 'pass', `${TLS_PARAMETER} = ${value} in the parameter group ${group}: connections without TLS are refused.`, undefined, ms);
    }
    const seen = value !== undefined ? `= ${value}` : 'is not set (engine default OFF)';
    const hint = group.startsWith('default.')
      ? `The instance uses the default parameter group ${group}, which cannot be changed: create a parameter group of the same family, set ${TLS_PARAMETER} to 1, and attach it (Modify > Additional configuration > DB parameter group) - or deploy the lab stack, which does all that.`
      : `Set ${TLS_PARAMETER} to 1 in ${group} (RDS > Parameter groups > ${group} > Edit), or \`aws rds modify-db-parameter-group --db-parameter-group-name ${group} --parameters ParameterName=${TLS_PARAMETER},ParameterValue=1,ApplyMethod=immediate\`; it applies without a reboot.`;
    return result(
      'tlsRequired',
      'fail',
      `${TLS_PARAMETER} ${seen} in the parameter group ${group} of ${id}: clients may connect without TLS and send the password in clear.`,
      hint,
      ms,
    );
  },
};

/** In report order. */
export const LAB01_JUDGES: readonly Lab01Judge[] = [
  dbInstance,
  engine,
  multiAz,
  encryption,
  notPublic,
  backups,
  storageAutoscaling,
  enhancedMonitoring,
  securityGroup,
  tlsRequired,
];
