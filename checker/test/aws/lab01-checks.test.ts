import { lab01 } from '../../../labs/01-rds-multi-az/lab.js';
import 'aws-sdk-client-mock-vitest/extend';
import { CloudFormationClient, DescribeStacksCommand, type Stack } from '@aws-sdk/client-cloudformation';
import { DescribeSecurityGroupsCommand, EC2Client, type SecurityGroup } from '@aws-sdk/client-ec2';
import {
  DBInstanceNotFoundFault,
  DescribeDBEngineVersionsCommand,
  DescribeDBInstancesCommand,
  DescribeDBMajorEngineVersionsCommand,
  DescribeDBParametersCommand,
  RDSClient,
  type DBInstance,
  type Parameter,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { findRdsInstanceResources, type Lab01Resources } from '../../aws/rds-resources.js';
import { LAB01_AWS_CHECKS, runLab01AwsChecks } from '../../checks/01-rds-multi-az/aws.js';
import { EnvironmentError, UsageError } from '../../core/errors.js';
import type { CheckResult } from '../../core/result.js';
import { awsError, byId, DECEMBER_2026, fakeClients, lifecycleAnswers } from './helpers.js';

const rds = mockClient(RDSClient);
const ec2 = mockClient(EC2Client);
const cfn = mockClient(CloudFormationClient);

const DB_ID = 'dtl01-mysql';
const DB_SG = 'sg-0db1a2b3c4d5e6f70';
const BASTION_SG = 'sg-0ba5710a2b3c4d5e6';
const PARAMS = 'datatierlabs-01-rdsmultiaz-params-1a2b3c';
const STACK = 'DataTierLabs-01-RdsMultiAz';

function compliantDb(overrides: Partial<DBInstance> = {}): DBInstance {
  return {
    DBInstanceIdentifier: DB_ID,
    DBInstanceArn: `arn:aws:rds:us-east-1:123456789012:db:${DB_ID}`,
    DBInstanceClass: 'db.t4g.micro',
    Engine: 'mysql',
    EngineVersion: '8.4.10',
    DBInstanceStatus: 'available',
    Endpoint: { Address: `${DB_ID}.c1a2b3c4d5e6.us-east-1.rds.amazonaws.com`, Port: 3306 },
    MultiAZ: true,
    AvailabilityZone: 'us-east-1a',
    SecondaryAvailabilityZone: 'us-east-1b',
    StorageType: 'gp3',
    StorageEncrypted: true,
    PubliclyAccessible: false,
    BackupRetentionPeriod: 7,
    AllocatedStorage: 20,
    MaxAllocatedStorage: 100,
    MonitoringInterval: 60,
    VpcSecurityGroups: [{ VpcSecurityGroupId: DB_SG, Status: 'active' }],
    DBParameterGroups: [{ DBParameterGroupName: PARAMS, ParameterApplyStatus: 'in-sync' }],
    ...overrides,
  };
}

function dbGroup(
  rules: SecurityGroup['IpPermissions'] = [
    { IpProtocol: 'tcp', FromPort: 3306, ToPort: 3306, UserIdGroupPairs: [{ GroupId: BASTION_SG, UserId: '123456789012' }] },
  ],
): SecurityGroup {
  return { GroupId: DB_SG, GroupName: 'DatabaseSecurityGroup', VpcId: 'vpc-0a1b2c3d', IpPermissions: rules };
}

const TLS_ON: Parameter = { ParameterName: 'require_secure_transport', ParameterValue: '1', Source: 'user', ApplyType: 'dynamic', IsModifiable: true };

function resources(overrides: Partial<Lab01Resources> = {}): Lab01Resources {
  return {
    dbInstanceId: DB_ID,
    dbSecurityGroupId: DB_SG,
    bastionSecurityGroupId: BASTION_SG,
    parameterGroupName: PARAMS,
    stackName: STACK,
    region: 'us-east-1',
    source: 'stack',
    ...overrides,
  };
}

function serve(db: DBInstance = compliantDb(), group: SecurityGroup = dbGroup(), param: Parameter | undefined = TLS_ON) {
  rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [db] });
  ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [group] });
  rds.on(DescribeDBParametersCommand).resolves({ Parameters: param ? [param] : [] });
  const lifecycle = lifecycleAnswers();
  rds.on(DescribeDBMajorEngineVersionsCommand).callsFake(lifecycle.majors);
  rds.on(DescribeDBEngineVersionsCommand).callsFake(lifecycle.versions);
}

const seenFailing = new Set<string>();
function note(results: CheckResult[]): CheckResult[] {
  for (const r of results) if (r.status === 'fail') seenFailing.add(r.id);
  return results;
}

async function run(db?: DBInstance, group?: SecurityGroup, param?: Parameter | undefined, res: Lab01Resources = resources()) {
  serve(db, group, param);
  return byId(note(await runLab01AwsChecks(fakeClients(), res, { now: DECEMBER_2026 })));
}

beforeEach(() => {
  rds.reset();
  ec2.reset();
  cfn.reset();
});

describe('runLab01AwsChecks: the compliant instance', () => {
  it('passes every check, in order, each in group aws', async () => {
    serve();
    const results = await runLab01AwsChecks(fakeClients(), resources(), { now: DECEMBER_2026 });
    expect(results.map((r) => [r.id, r.status])).toEqual(Object.values(LAB01_AWS_CHECKS).map((c) => [c.id, 'pass']));
    for (const r of results) expect(r.group).toBe('aws');
    const r = byId(results);
    expect(r['01.aws.multi-az']?.message).toBe('Multi-AZ is on: primary in us-east-1a, standby in us-east-1b.');
    expect(r['01.aws.security-group']?.message).toContain(`only to the bastion's security group ${BASTION_SG}`);
    expect(rds).toHaveReceivedCommandWith(DescribeDBInstancesCommand, { DBInstanceIdentifier: DB_ID });
    expect(ec2).toHaveReceivedCommandWith(DescribeSecurityGroupsCommand, { GroupIds: [DB_SG] });
    expect(rds).toHaveReceivedCommandWith(DescribeDBParametersCommand, {
      DBParameterGroupName: PARAMS,
      Filters: [{ Name: 'parameter-name', Values: ['require_secure_transport'] }],
    });
  });

  it('accepts MySQL 9.7 LTS, "ON", all-TCP from the bastion, and a parameter on a later page', async () => {
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [compliantDb({ EngineVersion: '9.7.0' })] });
    rds.on(DescribeDBMajorEngineVersionsCommand).callsFake(lifecycleAnswers().majors);
    rds.on(DescribeDBEngineVersionsCommand).callsFake(lifecycleAnswers().versions);
    ec2.on(DescribeSecurityGroupsCommand).resolves({
      SecurityGroups: [dbGroup([{ IpProtocol: 'tcp', FromPort: 0, ToPort: 65535, UserIdGroupPairs: [{ GroupId: BASTION_SG }] }])],
    });
    rds
      .on(DescribeDBParametersCommand)
      .resolvesOnce({ Parameters: [{ ParameterName: 'autocommit', ParameterValue: '1' }], Marker: 'next' })
      .resolvesOnce({ Parameters: [{ ...TLS_ON, ParameterValue: 'ON' }] });
    const r = byId(await runLab01AwsChecks(fakeClients(), resources(), { now: DECEMBER_2026 }));
    expect(Object.values(r).filter((x) => x.status !== 'pass')).toEqual([]);
    expect(r['01.aws.engine']?.message).toBe('MySQL 9.7.0, in standard support until 2031-04-30.');
    expect(rds).toHaveReceivedCommandWith(DescribeDBMajorEngineVersionsCommand, { Engine: 'mysql', MajorEngineVersion: '9.7' });
    expect(rds).toHaveReceivedNthCommandWith(DescribeDBParametersCommand, 2, { Marker: 'next' });
  });

  it('ignores rules for other ports (e.g. 22 from anywhere on a shared group)', async () => {
    const r = await run(
      compliantDb(),
      dbGroup([
        { IpProtocol: 'tcp', FromPort: 3306, ToPort: 3306, UserIdGroupPairs: [{ GroupId: BASTION_SG }] },
        { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
      ]),
    );
    expect(r['01.aws.security-group']?.status).toBe('pass');
  });

  it('without the bastion group known: passes on group-only rules and says what was not checked', async () => {
    const r = await run(compliantDb(), undefined, undefined, resources({ bastionSecurityGroupId: undefined }));
    expect(r['01.aws.security-group']?.status).toBe('pass');
    expect(r['01.aws.security-group']?.hint).toContain('--bastion-security-group');
  });
});

describe('runLab01AwsChecks: every check fails on a wrong instance', () => {
  const cases: Array<{ id: string; why: string; db?: Partial<DBInstance>; group?: SecurityGroup; param?: Parameter; expected: RegExp; hint?: RegExp }> = [
    { id: '01.aws.db-instance', why: 'modifying', db: { DBInstanceStatus: 'modifying' }, expected: /still modifying/, hint: /re-run/ },
    { id: '01.aws.db-instance', why: 'stopped', db: { DBInstanceStatus: 'stopped' }, expected: /status "stopped"/, hint: /start-db-instance/ },
    {
      id: '01.aws.engine',
      why: 'the newest 8.0, on paid Extended Support since August 2026',
      db: { EngineVersion: '8.0.43' },
      expected:
        /mysql 8\.0\.43 is past standard support: RDS ended standard support for mysql 8\.0 on 2026-07-31, and it now runs on paid RDS Extended Support \(until 2029-07-31\)\. Extended Support is billed at \$0\.100 per vCPU-hour .*db\.t4g\.micro \(2 vCPUs\) about \$0\.20 an hour, \$146 a month/,
      hint: /--engine-version 8\.4\.10/,
    },
    {
      id: '01.aws.engine',
      why: 'an 8.4 minor RDS no longer offers',
      db: { EngineVersion: '8.4.3' },
      expected: /mysql 8\.4\.3 is no longer offered by RDS \(status deprecated\)/,
    },
    {
      id: '01.aws.engine',
      why: '5.7, past Extended Support too',
      db: { EngineVersion: '5.7.44' },
      expected: /RDS reports no support lifecycle for mysql 5\.7: it is not a version RDS supports/,
    },
    { id: '01.aws.engine', why: 'MariaDB', db: { Engine: 'mariadb', EngineVersion: '11.4.5' }, expected: /engine "mariadb"/ },
    {
      id: '01.aws.multi-az',
      why: 'Single-AZ (the starting point)',
      db: { MultiAZ: false, SecondaryAvailabilityZone: undefined },
      expected: /is Single-AZ \(MultiAZ: false, only us-east-1a\)/,
      hint: /stack-config\.ts set `multiAz: true`.*Modify.*aws rds modify-db-instance --db-instance-identifier dtl01-mysql --multi-az --apply-immediately/s,
    },
    {
      id: '01.aws.multi-az',
      why: 'pending',
      db: { MultiAZ: false, SecondaryAvailabilityZone: undefined, PendingModifiedValues: { MultiAZ: true }, PreferredMaintenanceWindow: 'sun:04:00-sun:04:30' },
      expected: /pending.*sun:04:00-sun:04:30/,
      hint: /--apply-immediately/,
    },
    {
      id: '01.aws.multi-az',
      why: 'standby not there yet',
      db: { SecondaryAvailabilityZone: undefined, DBInstanceStatus: 'modifying' },
      expected: /no standby Availability Zone yet \(status modifying\)/,
    },
    {
      id: '01.aws.multi-az',
      why: 'standby in the same AZ',
      db: { SecondaryAvailabilityZone: 'us-east-1a' },
      expected: /same Availability Zone as the primary \(us-east-1a\)/,
    },
    { id: '01.aws.encryption', why: 'unencrypted', db: { StorageEncrypted: false }, expected: /unencrypted storage \(StorageEncrypted: false\)/ },
    { id: '01.aws.not-public', why: 'public', db: { PubliclyAccessible: true }, expected: /publicly accessible \(PubliclyAccessible: true\)/ },
    {
      id: '01.aws.backups',
      why: '1 day (the shared default)',
      db: { BackupRetentionPeriod: 1 },
      expected: /1 day \(BackupRetentionPeriod: 1\); the lab asks for at least 7/,
      hint: /--backup-retention-period 7/,
    },
    { id: '01.aws.backups', why: 'off', db: { BackupRetentionPeriod: 0 }, expected: /backups turned off/ },
    {
      id: '01.aws.storage-autoscaling',
      why: 'off',
      db: { MaxAllocatedStorage: undefined },
      expected: /autoscaling is off .*no MaxAllocatedStorage, 20 GiB/,
      hint: /--max-allocated-storage 100/,
    },
    {
      id: '01.aws.storage-autoscaling',
      why: 'max = allocated',
      db: { MaxAllocatedStorage: 20 },
      expected: /MaxAllocatedStorage 20 GiB is not above the 20 GiB/,
    },
    {
      id: '01.aws.enhanced-monitoring',
      why: 'off',
      db: { MonitoringInterval: 0 },
      expected: /Enhanced Monitoring is off .*MonitoringInterval: 0/,
      hint: /--monitoring-interval 60/,
    },
    {
      id: '01.aws.security-group',
      why: 'open to the world',
      group: dbGroup([{ IpProtocol: 'tcp', FromPort: 3306, ToPort: 3306, IpRanges: [{ CidrIp: '0.0.0.0/0' }], UserIdGroupPairs: [{ GroupId: BASTION_SG }] }]),
      expected: /admits port 3306 from IP ranges: 0\.0\.0\.0\/0 \(in sg-0db1a2b3c4d5e6f70\)/,
      hint: /Delete those inbound rules/,
    },
    {
      id: '01.aws.security-group',
      why: 'all traffic from an IPv6 range',
      group: dbGroup([{ IpProtocol: '-1', Ipv6Ranges: [{ CidrIpv6: '::/0' }] }]),
      expected: /::\/0/,
    },
    {
      id: '01.aws.security-group',
      why: 'another group too',
      group: dbGroup([{ IpProtocol: 'tcp', FromPort: 3306, ToPort: 3306, UserIdGroupPairs: [{ GroupId: BASTION_SG }, { GroupId: 'sg-0ffe1234567890abc' }] }]),
      expected: /other security groups besides the bastion's .*sg-0ffe1234567890abc/,
    },
    {
      id: '01.aws.security-group',
      why: 'bastion not allowed',
      group: dbGroup([]),
      expected: /No inbound rule .* lets the bastion's security group \(sg-0ba5710a2b3c4d5e6\) reach port 3306/,
    },
    {
      id: '01.aws.tls-required',
      why: 'set to 0',
      param: { ...TLS_ON, ParameterValue: '0' },
      expected: /require_secure_transport = 0 in the parameter group datatierlabs-01/,
      hint: /modify-db-parameter-group .*ParameterValue=1/,
    },
    {
      id: '01.aws.tls-required',
      why: 'not set',
      param: { ParameterName: 'require_secure_transport', Source: 'engine-default' },
      expected: /is not set \(engine default OFF\)/,
    },
    {
      id: '01.aws.tls-required',
      why: 'default parameter group',
      db: { DBParameterGroups: [{ DBParameterGroupName: 'default.mysql8.4', ParameterApplyStatus: 'in-sync' }] },
      param: { ParameterName: 'require_secure_transport', Source: 'engine-default' },
      expected: /parameter group default\.mysql8\.4/,
      hint: /cannot be changed: create a parameter group/,
    },
  ];

  it.each(cases)('$id fails: $why', async ({ id, db, group, param, expected, hint }) => {
    const r = await run(compliantDb(db), group, param);
    expect(r[id]?.status).toBe('fail');
    expect(r[id]?.message).toMatch(expected);
    expect(r[id]?.hint ?? '').not.toBe('');
    if (hint) expect(r[id]?.hint).toMatch(hint);
  });

  it('a Single-AZ instance fails only the Multi-AZ check', async () => {
    const r = await run(compliantDb({ MultiAZ: false, SecondaryAvailabilityZone: undefined }));
    expect(
      Object.values(r)
        .filter((x) => x.status !== 'pass')
        .map((x) => x.id),
    ).toEqual(['01.aws.multi-az']);
  });

  it('a group-only rule set without the bastion known, but no rule for the port, fails', async () => {
    const r = await run(compliantDb(), dbGroup([]), undefined, resources({ bastionSecurityGroupId: undefined }));
    expect(r['01.aws.security-group']?.status).toBe('fail');
    expect(r['01.aws.security-group']?.message).toContain('nothing, not even the bastion');
  });
});

describe('runLab01AwsChecks: bad input and a broken environment', () => {
  it('a mistyped instance name -> fail naming it and suggesting the lab instances found, dependants skipped', async () => {
    rds
      .on(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'dtl01-msql' })
      .rejects(new DBInstanceNotFoundFault({ message: 'DBInstance dtl01-msql not found.', $metadata: {} }));
    rds.on(DescribeDBInstancesCommand, { MaxRecords: 100 }).resolves({
      DBInstances: [
        compliantDb(),
        compliantDb({ DBInstanceIdentifier: 'datatierlabs-01-rdsmultiaz-databaseinstance-xyz' }),
        compliantDb({ DBInstanceIdentifier: 'dtl05-mysql', TagList: [{ Key: 'data-tier-labs:lab', Value: '05' }] }),
        compliantDb({ DBInstanceIdentifier: 'prod-orders' }),
        compliantDb({ DBInstanceIdentifier: 'dtl01-mysql-old', TagList: [{ Key: 'data-tier-labs:lab', Value: '01' }] }),
      ],
    });
    const results = note(await runLab01AwsChecks(fakeClients(), resources({ dbInstanceId: 'dtl01-msql', source: 'flags' }), { now: DECEMBER_2026 }));
    const r = byId(results);
    expect(r['01.aws.db-instance']?.status).toBe('fail');
    expect(r['01.aws.db-instance']?.message).toBe(
      'There is no RDS DB instance "dtl01-msql" in us-east-1. The lab\'s DB instances here: datatierlabs-01-rdsmultiaz-databaseinstance-xyz, dtl01-mysql, dtl01-mysql-old.',
    );
    expect(r['01.aws.db-instance']?.hint).toContain('--db-instance datatierlabs-01-rdsmultiaz-databaseinstance-xyz');
    expect(r['01.aws.db-instance']?.message).not.toContain('dtl05-mysql'); // another lab's, though a typo away
    expect(r['01.aws.db-instance']?.message).not.toContain('prod-orders');
    expect(results.filter((x) => x.status === 'skipped')).toHaveLength(9);
    expect(ec2).not.toHaveReceivedCommand(DescribeSecurityGroupsCommand);
  });

  it('a name from the stack that no longer exists, with no lab instances left -> deploy hint', async () => {
    rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: DB_ID }).rejects(awsError('DBInstanceNotFound', 'DBInstance dtl01-mysql not found.', 404));
    rds.on(DescribeDBInstancesCommand, { MaxRecords: 100 }).resolves({ DBInstances: [compliantDb({ DBInstanceIdentifier: 'prod-orders' })] });
    const r = byId(await runLab01AwsChecks(fakeClients(), resources(), { now: DECEMBER_2026 }));
    expect(r['01.aws.db-instance']?.message).toContain('although the stack DataTierLabs-01-RdsMultiAz names it');
    expect(r['01.aws.db-instance']?.hint).toContain('npm run deploy 1');
  });

  it('AccessDenied on DescribeDBInstances -> error, everything else skipped, nothing fails', async () => {
    rds
      .on(DescribeDBInstancesCommand)
      .rejects(awsError('AccessDenied', 'User: arn:aws:iam::123456789012:user/learner is not authorized to perform: rds:DescribeDBInstances', 403));
    const results = await runLab01AwsChecks(fakeClients(), resources(), { now: DECEMBER_2026 });
    expect(results[0]).toMatchObject({ id: '01.aws.db-instance', status: 'error' });
    expect(results[0]?.message).toContain('rds:DescribeDBInstances');
    expect(results.slice(1).every((x) => x.status === 'skipped')).toBe(true);
  });

  it('AccessDenied on DescribeSecurityGroups or DescribeDBParameters -> that check is an error, the rest judged', async () => {
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [compliantDb()] });
    ec2
      .on(DescribeSecurityGroupsCommand)
      .rejects(
        awsError(
          'UnauthorizedOperation',
          'You are not authorized to perform this operation. User: arn:aws:iam::123456789012:user/learner is not authorized to perform: ec2:DescribeSecurityGroups',
          403,
        ),
      );
    rds.on(DescribeDBParametersCommand).rejects(awsError('ExpiredToken', 'The security token included in the request is expired', 403));
    const r = byId(await runLab01AwsChecks(fakeClients(), resources(), { now: DECEMBER_2026 }));
    expect(r['01.aws.security-group']?.status).toBe('error');
    expect(r['01.aws.security-group']?.message).toContain('ec2:DescribeSecurityGroups');
    expect(r['01.aws.tls-required']?.status).toBe('error');
    expect(r['01.aws.tls-required']?.message).toContain('expired');
    expect(r['01.aws.multi-az']?.status).toBe('pass');
  });
});

describe('findRdsInstanceResources', () => {
  const OUTPUTS: Record<string, string> = {
    DbInstanceId: DB_ID,
    DbEndpoint: `${DB_ID}.c1a2b3c4d5e6.us-east-1.rds.amazonaws.com`,
    DbPort: '3306',
    DbSecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf',
    DbName: 'labdb',
    DbSecurityGroupId: DB_SG,
    BastionSecurityGroupId: BASTION_SG,
    ParameterGroupName: PARAMS,
    BastionInstanceId: 'i-0a1b2c3d4e5f67890',
  };
  const stack = (outputs = OUTPUTS): Stack => ({
    StackName: STACK,
    StackStatus: 'CREATE_COMPLETE',
    CreationTime: new Date('2026-11-20T10:00:00Z'),
    Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
  });

  it('reads everything from the stack outputs', async () => {
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [stack()] });
    const r = await findRdsInstanceResources(fakeClients(), lab01.stack, { region: 'us-east-1' });
    expect(r).toEqual({
      dbInstanceId: DB_ID,
      dbEndpoint: OUTPUTS.DbEndpoint,
      dbPort: 3306,
      dbSecretArn: OUTPUTS.DbSecretArn,
      dbName: 'labdb',
      dbSecurityGroupId: DB_SG,
      bastionSecurityGroupId: BASTION_SG,
      parameterGroupName: PARAMS,
      bastionInstanceId: 'i-0a1b2c3d4e5f67890',
      stackName: STACK,
      region: 'us-east-1',
      source: 'stack',
    });
    expect(cfn).toHaveReceivedCommandWith(DescribeStacksCommand, { StackName: STACK });
  });

  it('falls back to the endpoint when DbInstanceId is missing', async () => {
    const { DbInstanceId: _, ...rest } = OUTPUTS;
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [stack(rest)] });
    expect((await findRdsInstanceResources(fakeClients(), lab01.stack, {})).dbInstanceId).toBe(DB_ID);
  });

  it('flags win; the stack details of another instance are not mixed in, the bastion group is kept', async () => {
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [stack()] });
    const r = await findRdsInstanceResources(fakeClients(), lab01.stack, { dbInstanceId: 'my-db' });
    expect(r).toMatchObject({ dbInstanceId: 'my-db', source: 'flags', bastionSecurityGroupId: BASTION_SG });
    expect(r.dbEndpoint).toBeUndefined();
    expect(r.dbSecurityGroupId).toBeUndefined();
    expect(r.parameterGroupName).toBeUndefined();
  });

  it('console learners: flags without any stack', async () => {
    cfn.on(DescribeStacksCommand).rejects(awsError('ValidationError', `Stack with id ${STACK} does not exist`));
    const r = await findRdsInstanceResources(fakeClients(), lab01.stack, { dbInstanceId: 'my-db', bastionSecurityGroupId: 'sg-0123456789abcdef0' });
    expect(r).toMatchObject({ dbInstanceId: 'my-db', source: 'flags', bastionSecurityGroupId: 'sg-0123456789abcdef0' });
  });

  it('no stack and no flags -> deploy with npm run deploy 1, or --db-instance', async () => {
    cfn.on(DescribeStacksCommand).rejects(awsError('ValidationError', `Stack with id ${STACK} does not exist`));
    const err = (await findRdsInstanceResources(fakeClients(), lab01.stack, { region: 'us-east-1' }).catch((e: unknown) => e)) as EnvironmentError;
    expect(err).toBeInstanceOf(EnvironmentError);
    expect(err.message).toContain(`no stack named ${STACK}`);
    expect(err.nextStep).toContain('npm run deploy 1');
    expect(err.nextStep).toContain('--db-instance <id>');
  });

  it('a stack without the instance output is explained', async () => {
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [stack({ BastionInstanceId: 'i-0a1b2c3d4e5f67890' })] });
    await expect(findRdsInstanceResources(fakeClients(), lab01.stack, {})).rejects.toThrow(/no DbInstanceId output/);
  });

  it('rejects malformed identifiers before calling AWS', async () => {
    await expect(findRdsInstanceResources(fakeClients(), lab01.stack, { dbInstanceId: 'my_db!' })).rejects.toBeInstanceOf(UsageError);
    await expect(findRdsInstanceResources(fakeClients(), lab01.stack, { dbInstanceId: 'ok', bastionSecurityGroupId: 'bastion' })).rejects.toThrow(
      /not a security group id/,
    );
    expect(cfn).not.toHaveReceivedCommand(DescribeStacksCommand);
  });
});

describe('coverage of the checks themselves', () => {
  it('every check id was made to fail by at least one test above', () => {
    const missing = Object.values(LAB01_AWS_CHECKS)
      .map((c) => c.id)
      .filter((id) => !seenFailing.has(id));
    expect(missing).toEqual([]);
  });
});
