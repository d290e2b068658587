/**
 * Lab 1's deployed-resource judges, one at a time, from described resources
 * alone (no AWS client): each passes on the lab's Multi-AZ instance and fails
 * on one thing wrong; every check needs the instance.
 */
import type { SecurityGroup } from '@aws-sdk/client-ec2';
import type { DBInstance } from '@aws-sdk/client-rds';
import { describe, expect, it } from 'vitest';
import { judgeAll } from '../../checks/aws-judges.js';
import { LAB01_AWS_CHECKS, LAB01_JUDGES, lab01Results, type Lab01CheckKey, type Lab01Facts } from '../../checks/01-rds-multi-az/resource-judges.js';
import type { EngineLifecycle } from '../../aws/engine-lifecycle.js';
import { EnvironmentError } from '../../core/errors.js';

const ID = 'dtl01-mysql';
const BASTION = 'sg-bastion';
const db = (over: Partial<DBInstance> = {}): DBInstance => ({
  DBInstanceIdentifier: ID,
  DBInstanceStatus: 'available',
  Engine: 'mysql',
  EngineVersion: '8.4.10',
  DBInstanceClass: 'db.t4g.micro',
  MultiAZ: true,
  AvailabilityZone: 'us-east-1a',
  SecondaryAvailabilityZone: 'us-east-1b',
  StorageEncrypted: true,
  PubliclyAccessible: false,
  BackupRetentionPeriod: 7,
  AllocatedStorage: 20,
  MaxAllocatedStorage: 100,
  MonitoringInterval: 60,
  ...over,
});
const lifecycle = (over: Partial<EngineLifecycle> = {}): EngineLifecycle => ({
  engine: 'mysql',
  majorVersion: '8.4',
  version: '8.4.10',
  standardSupportEnds: new Date('2029-07-31T00:00:00Z'),
  offered: 'available',
  phase: 'standard',
  ...over,
});
const dbGroup = (sources: SecurityGroup['IpPermissions']): SecurityGroup => ({ GroupId: 'sg-db', IpPermissions: sources });
const fromBastion = [{ IpProtocol: 'tcp', FromPort: 3306, ToPort: 3306, UserIdGroupPairs: [{ GroupId: BASTION }] }];

function facts(over: Partial<Lab01Facts> = {}): Lab01Facts {
  return {
    dbInstanceId: ID,
    region: 'us-east-1',
    stackName: 'DataTierLabs-01',
    source: 'stack',
    instance: { found: db(), ms: 3 },
    lifecycle: { found: lifecycle() },
    securityGroups: { groupIds: ['sg-db'], groups: [dbGroup(fromBastion)], port: 3306, bastion: BASTION, ms: 2 },
    tls: { group: 'dtl01-params', value: '1', ms: 1 },
    ...over,
  };
}

const judge = (key: Lab01CheckKey, f: Lab01Facts) => LAB01_JUDGES.find((j) => j.key === key)!.judge(f);
const denied = new EnvironmentError('Access denied for rds:DescribeDBInstances.', 'Ask for the permission.');
const sg = (perms: SecurityGroup['IpPermissions']) => ({
  securityGroups: { groupIds: ['sg-db'], groups: [dbGroup(perms)], port: 3306, bastion: BASTION, ms: 1 },
});

/** One thing wrong per judge, and the words its message must name. */
const WRONG: Array<[Lab01CheckKey, Partial<Lab01Facts>, RegExp]> = [
  ['dbInstance', { instance: { found: db({ DBInstanceStatus: 'stopped' }), ms: 1 } }, /has status "stopped"/],
  [
    'engine',
    { lifecycle: { found: lifecycle({ phase: 'extended', majorVersion: '8.0', version: '8.0.42', standardSupportEnds: new Date('2026-07-31T00:00:00Z') }) } },
    /past standard support/,
  ],
  ['multiAz', { instance: { found: db({ MultiAZ: false, SecondaryAvailabilityZone: undefined }), ms: 1 } }, /is Single-AZ/],
  ['encryption', { instance: { found: db({ StorageEncrypted: false }), ms: 1 } }, /unencrypted storage/],
  ['notPublic', { instance: { found: db({ PubliclyAccessible: true }), ms: 1 } }, /is publicly accessible/],
  ['backups', { instance: { found: db({ BackupRetentionPeriod: 1 }), ms: 1 } }, /keeps automated backups 1 day /],
  ['storageAutoscaling', { instance: { found: db({ MaxAllocatedStorage: undefined }), ms: 1 } }, /Storage autoscaling is off/],
  ['enhancedMonitoring', { instance: { found: db({ MonitoringInterval: 0 }), ms: 1 } }, /Enhanced Monitoring is off/],
  ['securityGroup', sg([{ IpProtocol: 'tcp', FromPort: 3306, ToPort: 3306, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }]), /from IP ranges: 0\.0\.0\.0\/0/],
  ['tlsRequired', { tls: { group: 'default.mysql8.4', ms: 1 } }, /is not set \(engine default OFF\)/],
];

describe('Lab 1 judges', () => {
  it('there is one judge per resource check, in the order of LAB01_AWS_CHECKS', () => {
    expect(LAB01_JUDGES.map((j) => j.key)).toEqual(Object.keys(LAB01_AWS_CHECKS));
    expect(WRONG.map(([k]) => k)).toEqual(LAB01_JUDGES.map((j) => j.key));
  });

  it.each(WRONG.map(([key]) => key))('%s passes on the lab stack', (key) => {
    const r = judge(key, facts());
    expect(r.status, r.message).toBe('pass');
    expect(r.id).toBe(LAB01_AWS_CHECKS[key].id);
  });

  it.each(WRONG)('%s fails on one thing wrong', (key, over, says) => {
    const r = judge(key, facts(over));
    expect(r.status).toBe('fail');
    expect(r.message).toMatch(says);
    expect(r.hint).toBeTruthy();
  });

  it('engine: not MySQL fails without a lifecycle; an unreadable lifecycle is an error', () => {
    expect(judge('engine', facts({ instance: { found: db({ Engine: 'postgres' }), ms: 1 }, lifecycle: undefined })).message).toMatch(
      /runs the engine "postgres"/,
    );
    expect(judge('engine', facts({ lifecycle: { error: denied } })).status).toBe('error');
  });

  it('multi-AZ pending for the maintenance window says to apply it now', () => {
    const r = judge('multiAz', facts({ instance: { found: db({ MultiAZ: false, PendingModifiedValues: { MultiAZ: true } }), ms: 1 } }));
    expect(r.message).toContain('Multi-AZ is pending');
    expect(r.hint).toContain('--apply-immediately');
  });

  it('security group: another group besides the bastion, and no rule for the bastion, fail', () => {
    const other = [{ IpProtocol: 'tcp', FromPort: 3306, ToPort: 3306, UserIdGroupPairs: [{ GroupId: BASTION }, { GroupId: 'sg-app' }] }];
    expect(judge('securityGroup', facts(sg(other))).message).toContain('sg-app (in sg-db)');
    expect(judge('securityGroup', facts(sg([]))).message).toContain(`lets the bastion's security group (${BASTION}) reach port 3306`);
    expect(judge('securityGroup', facts({ securityGroups: { groupIds: [], groups: [], port: 3306, ms: 0 } })).message).toContain('no VPC security group');
  });

  it('TLS: no parameter group fails; an unreadable one is an error', () => {
    expect(judge('tlsRequired', facts({ tls: { ms: 0 } })).message).toContain('no DB parameter group');
    expect(judge('tlsRequired', facts({ tls: { group: 'g', error: denied, ms: 1 } })).status).toBe('error');
  });
});

describe('Lab 1: every check needs the instance', () => {
  const run = (f: Lab01Facts) => judgeAll(LAB01_JUDGES, f, lab01Results.skipped);

  it('unreadable: an error, and the other nine skipped with the reason', () => {
    const out = run(facts({ instance: { error: denied, ms: 1 } }));
    expect(out[0]!.status).toBe('error');
    expect(out.slice(1).map((r) => r.message)).toEqual(Array(9).fill('Not checked: the DB instance could not be read (see 01.aws.db-instance).'));
  });

  it('not found: a fail naming the lab instances there, the rest skipped', () => {
    const out = run(facts({ instance: { suggestions: { lab: ['dtl01-mysql2'], similar: [] }, ms: 1 } }));
    expect(out[0]!.message).toContain("The lab's DB instances here: dtl01-mysql2.");
    expect(out[9]!.message).toBe(`Not checked: the DB instance "${ID}" was not found.`);
  });
});
