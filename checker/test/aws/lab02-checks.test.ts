import { lab02 } from '../../../labs/02-read-replicas/lab.js';
import 'aws-sdk-client-mock-vitest/extend';
import { CloudFormationClient, DescribeStacksCommand, type Stack } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DBInstanceNotFoundFault, DescribeDBInstancesCommand, RDSClient, type DBInstance } from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { findPrimaryReplicaResources, isSameDbInstance, parseDbInstanceRef, type Lab02Resources } from '../../aws/rds-resources.js';
import { LAB02_AWS_CHECKS, runLab02AwsChecks } from '../../checks/02-read-replicas/aws.js';
import { EnvironmentError, UsageError } from '../../core/errors.js';
import type { CheckResult } from '../../core/result.js';
import { awsError, byId, fakeClients } from './helpers.js';

const rds = mockClient(RDSClient);
const cw = mockClient(CloudWatchClient);
const cfn = mockClient(CloudFormationClient);

const PRIMARY = 'dtl02-primary';
const REPLICA = 'dtl02-replica';
const STACK = 'DataTierLabs-02-ReadReplicas';
const NOW = new Date('2026-11-22T12:00:30Z');
const now = () => NOW;

function primary(overrides: Partial<DBInstance> = {}): DBInstance {
  return {
    DBInstanceIdentifier: PRIMARY,
    DBInstanceArn: `arn:aws:rds:us-east-1:123456789012:db:${PRIMARY}`,
    Engine: 'mysql',
    EngineVersion: '8.4.10',
    DBInstanceStatus: 'available',
    AvailabilityZone: 'us-east-1a',
    MultiAZ: false,
    ReadReplicaDBInstanceIdentifiers: [REPLICA],
    ...overrides,
  };
}

function replica(overrides: Partial<DBInstance> = {}): DBInstance {
  return {
    DBInstanceIdentifier: REPLICA,
    DBInstanceArn: `arn:aws:rds:us-east-1:123456789012:db:${REPLICA}`,
    Engine: 'mysql',
    EngineVersion: '8.4.10',
    DBInstanceStatus: 'available',
    AvailabilityZone: 'us-east-1b',
    ReadReplicaSourceDBInstanceIdentifier: PRIMARY,
    StatusInfos: [{ StatusType: 'read replication', Status: 'replicating', Normal: true }],
    ...overrides,
  };
}

function resources(overrides: Partial<Lab02Resources> = {}): Lab02Resources {
  return { primaryInstanceId: PRIMARY, stackName: STACK, region: 'us-east-1', source: 'stack', ...overrides };
}

/** ReplicaLag datapoints, newest first as ScanBy TimestampDescending returns them. */
function lag(values: number[]) {
  const timestamps = values.map((_, i) => new Date(Date.parse('2026-11-22T12:00:00Z') - i * 60_000));
  cw.on(GetMetricDataCommand).resolves({
    MetricDataResults: [{ Id: 'lag', Label: `${REPLICA} ReplicaLag`, Values: values, Timestamps: timestamps, StatusCode: 'Complete' }],
  });
}

function serve(p: DBInstance = primary(), r: DBInstance | undefined = replica(), lagValues: number[] = [0, 1, 0]) {
  rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: PRIMARY }).resolves({ DBInstances: [p] });
  if (r) rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: r.DBInstanceIdentifier }).resolves({ DBInstances: [r] });
  lag(lagValues);
}

const seenFailing = new Set<string>();
function note(results: CheckResult[]): CheckResult[] {
  for (const r of results) if (r.status === 'fail') seenFailing.add(r.id);
  return results;
}

async function run(res: Lab02Resources = resources()) {
  return byId(note(await runLab02AwsChecks(fakeClients(), res, { now })));
}

beforeEach(() => {
  rds.reset();
  cw.reset();
  cfn.reset();
});

describe('helpers', () => {
  it('parses ARNs and compares a replica source by suffix', () => {
    expect(parseDbInstanceRef('arn:aws:rds:eu-west-1:123456789012:db:dtl02-replica-eu')).toEqual({
      id: 'dtl02-replica-eu',
      region: 'eu-west-1',
      arn: 'arn:aws:rds:eu-west-1:123456789012:db:dtl02-replica-eu',
    });
    expect(parseDbInstanceRef('dtl02-replica')).toEqual({ id: 'dtl02-replica' });
    expect(isSameDbInstance('arn:aws:rds:us-east-1:123456789012:db:dtl02-primary', PRIMARY)).toBe(true);
    expect(isSameDbInstance(PRIMARY, PRIMARY)).toBe(true);
    expect(isSameDbInstance('arn:aws:rds:us-east-1:123456789012:db:xdtl02-primary', PRIMARY)).toBe(false);
    expect(isSameDbInstance(undefined, PRIMARY)).toBe(false);
  });
});

describe('runLab02AwsChecks: a primary with a healthy replica', () => {
  it('passes, skips the optional cross-region check and leaves the write test to the exercises', async () => {
    serve();
    const results = await runLab02AwsChecks(fakeClients(), resources(), { now });
    expect(results.map((r) => [r.id, r.status])).toEqual([
      ['02.aws.primary', 'pass'],
      ['02.aws.replica', 'pass'],
      ['02.aws.replica-available', 'pass'],
      ['02.aws.replica-lag', 'pass'],
      ['02.aws.cross-region-replica', 'skipped'],
      ['02.aws.writes-refused', 'skipped'],
    ]);
    for (const r of results) expect(r.group).toBe('aws');
    const r = byId(results);
    expect(r['02.aws.replica']?.message).toBe('dtl02-replica is a read replica of dtl02-primary (in us-east-1b).');
    expect(r['02.aws.replica-lag']?.message).toBe('ReplicaLag of dtl02-replica is 0 s (highest 1 s over the last 15 minutes, 3 datapoints).');
    expect(r['02.aws.writes-refused']?.message).toContain('error 1290');
    expect(r['02.aws.writes-refused']?.message).toContain('needs a database connection');
    expect(r['02.aws.cross-region-replica']?.message).toContain('optional');
    expect(cw).toHaveReceivedCommandWith(GetMetricDataCommand, {
      StartTime: new Date('2026-11-22T11:46:00Z'),
      EndTime: new Date('2026-11-22T12:01:00Z'),
      ScanBy: 'TimestampDescending',
      MetricDataQueries: [
        expect.objectContaining({
          Id: 'lag',
          MetricStat: {
            Metric: { Namespace: 'AWS/RDS', MetricName: 'ReplicaLag', Dimensions: [{ Name: 'DBInstanceIdentifier', Value: REPLICA }] },
            Period: 60,
            Stat: 'Maximum',
          },
        }),
      ],
    });
  });

  it('recognises a cross-region replica (an ARN of another Region) as an informational pass', async () => {
    serve(primary({ ReadReplicaDBInstanceIdentifiers: [REPLICA, 'arn:aws:rds:eu-west-1:123456789012:db:dtl02-replica-eu'] }));
    const r = await run();
    expect(r['02.aws.cross-region-replica']).toMatchObject({ status: 'pass' });
    expect(r['02.aws.cross-region-replica']?.message).toContain('dtl02-replica-eu in eu-west-1');
    expect(Object.values(r).some((x) => x.status === 'fail')).toBe(false);
  });

  it('takes the replica the stack or a flag names, and a source given as an ARN', async () => {
    serve(primary(), replica({ ReadReplicaSourceDBInstanceIdentifier: `arn:aws:rds:us-east-1:123456789012:db:${PRIMARY}` }));
    const r = await run(resources({ replicaInstanceId: REPLICA }));
    expect(r['02.aws.replica']?.status).toBe('pass');
  });

  it('a lag that was -1 earlier but is fine now passes', async () => {
    serve(primary(), replica(), [2, -1, -1]);
    expect((await run())['02.aws.replica-lag']?.status).toBe('pass');
  });
});

describe('runLab02AwsChecks: every check fails on a wrong setup', () => {
  it('no replica (the starting point) -> fail with the learner task; dependants skipped', async () => {
    serve(primary({ ReadReplicaDBInstanceIdentifiers: [] }), undefined);
    const r = await run();
    expect(r['02.aws.replica']?.status).toBe('fail');
    expect(r['02.aws.replica']?.message).toBe('dtl02-primary has no read replica in us-east-1 (ReadReplicaDBInstanceIdentifiers is empty).');
    expect(r['02.aws.replica']?.hint).toMatch(
      /stack-config\.ts set `readReplicas: 1`.*npm run deploy 2.*Create read replica.*create-db-instance-read-replica/s,
    );
    expect(r['02.aws.replica-available']?.status).toBe('skipped');
    expect(r['02.aws.replica-lag']?.status).toBe('skipped');
    expect(cw).not.toHaveReceivedCommand(GetMetricDataCommand);
  });

  it('only a cross-region replica -> fail that says so, the cross-region one still recognised', async () => {
    serve(primary({ ReadReplicaDBInstanceIdentifiers: ['arn:aws:rds:eu-west-1:123456789012:db:dtl02-replica-eu'] }), undefined);
    const r = await run();
    expect(r['02.aws.replica']?.status).toBe('fail');
    expect(r['02.aws.replica']?.message).toContain("has a cross-region replica, dtl02-replica-eu in eu-west-1, but the lab's replica belongs in us-east-1");
    expect(r['02.aws.cross-region-replica']?.status).toBe('pass');
  });

  it('replica still creating -> fail "still creating, re-run in a few minutes"; lag not read', async () => {
    serve(primary(), replica({ DBInstanceStatus: 'creating', StatusInfos: undefined }));
    const r = await run();
    expect(r['02.aws.replica']?.status).toBe('pass');
    expect(r['02.aws.replica-available']).toMatchObject({ status: 'fail', message: 'Replica dtl02-replica is still creating.' });
    expect(r['02.aws.replica-available']?.hint).toContain('re-run the check in a few minutes');
    expect(r['02.aws.replica-lag']?.status).toBe('skipped');
    expect(cw).not.toHaveReceivedCommand(GetMetricDataCommand);
  });

  it('replica stopped -> not available', async () => {
    serve(primary(), replica({ DBInstanceStatus: 'stopped' }));
    const r = await run();
    expect(r['02.aws.replica-available']?.message).toContain('status "stopped"');
    expect(r['02.aws.replica-available']?.hint).toContain('Start it');
  });

  it('ReplicaLag -1 -> fail "replication broken", with what RDS reports', async () => {
    serve(
      primary(),
      replica({ StatusInfos: [{ StatusType: 'read replication', Status: 'error', Normal: false, Message: 'Replication has stopped.' }] }),
      [-1, 0],
    );
    const r = await run();
    expect(r['02.aws.replica-lag']?.status).toBe('fail');
    expect(r['02.aws.replica-lag']?.message).toContain('ReplicaLag of dtl02-replica is -1 (latest datapoint, 12:00 UTC): replication is broken');
    expect(r['02.aws.replica-lag']?.message).toContain('RDS reports read replication "error": Replication has stopped.');
    expect(r['02.aws.replica-lag']?.hint).toContain('mysql.rds_start_replication');
  });

  it('ReplicaLag above the bound -> fail', async () => {
    serve(primary(), replica(), [95, 40, 3]);
    const r = await run();
    expect(r['02.aws.replica-lag']?.status).toBe('fail');
    expect(r['02.aws.replica-lag']?.message).toContain('is 95 s (latest datapoint), above the 30 s the lab allows');
  });

  it('no ReplicaLag datapoints -> fail with retry advice', async () => {
    serve(primary(), replica(), []);
    const r = await run();
    expect(r['02.aws.replica-lag']?.status).toBe('fail');
    expect(r['02.aws.replica-lag']?.message).toBe('CloudWatch has no ReplicaLag datapoints for dtl02-replica over the last 15 minutes.');
    expect(r['02.aws.replica-lag']?.hint).toContain('retry in 5 minutes');
  });

  it('primary stopped -> fail', async () => {
    serve(primary({ DBInstanceStatus: 'stopped' }));
    const r = await run();
    expect(r['02.aws.primary']?.status).toBe('fail');
    expect(r['02.aws.primary']?.hint).toContain('start-db-instance');
  });

  it('the replica passed as the primary -> fail that says which is which', async () => {
    rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: REPLICA }).resolves({ DBInstances: [replica({ ReadReplicaDBInstanceIdentifiers: [] })] });
    const r = await run(resources({ primaryInstanceId: REPLICA, source: 'flags' }));
    expect(r['02.aws.primary']?.message).toBe('dtl02-replica is itself a read replica (of dtl02-primary), not the primary.');
    expect(r['02.aws.primary']?.hint).toContain('--db-instance dtl02-primary');
  });

  it('primary name mistyped -> fail naming it and suggesting the lab instances; dependants skipped', async () => {
    rds
      .on(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'dtl02-primry' })
      .rejects(new DBInstanceNotFoundFault({ message: 'DBInstance dtl02-primry not found.', $metadata: {} }));
    rds.on(DescribeDBInstancesCommand, { MaxRecords: 100 }).resolves({ DBInstances: [primary(), replica(), primary({ DBInstanceIdentifier: 'dtl01-mysql' })] });
    const results = note(await runLab02AwsChecks(fakeClients(), resources({ primaryInstanceId: 'dtl02-primry', source: 'flags' }), { now }));
    const r = byId(results);
    expect(r['02.aws.primary']?.message).toBe(
      'There is no RDS DB instance "dtl02-primry" in us-east-1. The lab\'s DB instances here: dtl02-primary, dtl02-replica.',
    );
    expect(r['02.aws.primary']?.hint).toContain('--db-instance dtl02-primary');
    expect(results.filter((x) => x.status === 'skipped')).toHaveLength(5);
  });

  it("replica name mistyped -> fail naming it and suggesting the primary's replicas", async () => {
    serve();
    rds
      .on(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'dtl02-replca' })
      .rejects(awsError('DBInstanceNotFound', 'DBInstance dtl02-replca not found.', 404));
    rds.on(DescribeDBInstancesCommand, { MaxRecords: 100 }).resolves({ DBInstances: [primary(), replica()] });
    const r = await run(resources({ replicaInstanceId: 'dtl02-replca', source: 'flags' }));
    expect(r['02.aws.replica']?.status).toBe('fail');
    expect(r['02.aws.replica']?.message).toContain('There is no RDS DB instance "dtl02-replca" in us-east-1. The lab\'s DB instances here: dtl02-replica.');
    expect(r['02.aws.replica']?.hint).toContain('--replica-instance dtl02-replica');
  });

  it('a named instance that is not a replica of this primary -> fail', async () => {
    serve(primary(), replica({ DBInstanceIdentifier: 'other-db', ReadReplicaSourceDBInstanceIdentifier: undefined }));
    const r = await run(resources({ replicaInstanceId: 'other-db' }));
    expect(r['02.aws.replica']?.message).toContain('other-db is not a read replica');
    expect(r['02.aws.replica']?.hint).toContain('--replica-instance dtl02-replica');
  });

  it('AccessDenied on GetMetricData -> error, not fail', async () => {
    serve();
    cw.on(GetMetricDataCommand).rejects(
      awsError('AccessDenied', 'User: arn:aws:iam::123456789012:user/learner is not authorized to perform: cloudwatch:GetMetricData', 403),
    );
    const r = await run();
    expect(r['02.aws.replica-lag']?.status).toBe('error');
    expect(r['02.aws.replica-lag']?.message).toContain('cloudwatch:GetMetricData');
  });

  it('AccessDenied on DescribeDBInstances -> primary error, everything else skipped', async () => {
    rds.on(DescribeDBInstancesCommand).rejects(awsError('AccessDenied', 'not authorized to perform: rds:DescribeDBInstances', 403));
    const results = await runLab02AwsChecks(fakeClients(), resources(), { now });
    expect(results[0]).toMatchObject({ id: '02.aws.primary', status: 'error' });
    expect(results.slice(1).every((x) => x.status === 'skipped')).toBe(true);
  });
});

describe('findPrimaryReplicaResources', () => {
  const OUTPUTS: Record<string, string> = {
    PrimaryInstanceId: PRIMARY,
    PrimaryEndpoint: `${PRIMARY}.c1a2b3c4d5e6.us-east-1.rds.amazonaws.com`,
    ReplicaInstanceId: REPLICA,
    ReplicaEndpoint: `${REPLICA}.c1a2b3c4d5e6.us-east-1.rds.amazonaws.com`,
    DbPort: '3306',
    DbSecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf',
    DbName: 'labdb',
    BastionInstanceId: 'i-0a1b2c3d4e5f67890',
  };
  const stack = (outputs: Record<string, string> = OUTPUTS): Stack => ({
    StackName: STACK,
    StackStatus: 'UPDATE_COMPLETE',
    CreationTime: new Date('2026-11-20T10:00:00Z'),
    Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
  });

  it('reads the primary and the replica from the stack outputs', async () => {
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [stack()] });
    expect(await findPrimaryReplicaResources(fakeClients(), lab02.stack, { region: 'us-east-1' })).toEqual({
      primaryInstanceId: PRIMARY,
      primaryEndpoint: OUTPUTS.PrimaryEndpoint,
      replicaInstanceId: REPLICA,
      replicaEndpoint: OUTPUTS.ReplicaEndpoint,
      dbPort: 3306,
      dbSecretArn: OUTPUTS.DbSecretArn,
      dbName: 'labdb',
      bastionInstanceId: 'i-0a1b2c3d4e5f67890',
      stackName: STACK,
      region: 'us-east-1',
      source: 'stack',
    });
  });

  it('the starting stack has no replica outputs: the replica is left to the checks to find', async () => {
    const { ReplicaInstanceId: _a, ReplicaEndpoint: _b, ...rest } = OUTPUTS;
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [stack(rest)] });
    const r = await findPrimaryReplicaResources(fakeClients(), lab02.stack, {});
    expect(r.primaryInstanceId).toBe(PRIMARY);
    expect(r.replicaInstanceId).toBeUndefined();
  });

  it('flags win; a flagged primary does not inherit the stack replica', async () => {
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [stack()] });
    const r = await findPrimaryReplicaResources(fakeClients(), lab02.stack, { dbInstanceId: 'my-primary' });
    expect(r).toMatchObject({ primaryInstanceId: 'my-primary', source: 'flags' });
    expect(r.replicaInstanceId).toBeUndefined();
    expect(r.primaryEndpoint).toBeUndefined();
    const both = await findPrimaryReplicaResources(fakeClients(), lab02.stack, { dbInstanceId: PRIMARY, replicaInstanceId: 'my-replica' });
    expect(both).toMatchObject({ primaryInstanceId: PRIMARY, replicaInstanceId: 'my-replica', primaryEndpoint: OUTPUTS.PrimaryEndpoint });
    expect(both.replicaEndpoint).toBeUndefined();
  });

  it('console learners: flags without any stack; no flags and no stack -> deploy hint', async () => {
    cfn.on(DescribeStacksCommand).rejects(awsError('ValidationError', `Stack with id ${STACK} does not exist`));
    await expect(findPrimaryReplicaResources(fakeClients(), lab02.stack, { dbInstanceId: 'p', replicaInstanceId: 'r' })).resolves.toMatchObject({
      primaryInstanceId: 'p',
      replicaInstanceId: 'r',
      source: 'flags',
    });
    const err = (await findPrimaryReplicaResources(fakeClients(), lab02.stack, {}).catch((e: unknown) => e)) as EnvironmentError;
    expect(err).toBeInstanceOf(EnvironmentError);
    expect(err.nextStep).toContain('npm run deploy 2');
    expect(err.nextStep).toContain('--db-instance <primary-id>');
  });

  it('rejects a malformed --replica-instance', async () => {
    await expect(findPrimaryReplicaResources(fakeClients(), lab02.stack, { dbInstanceId: 'p', replicaInstanceId: '9lives' })).rejects.toBeInstanceOf(
      UsageError,
    );
  });
});

describe('coverage of the checks themselves', () => {
  it('every check id except the informational ones was made to fail by at least one test above', () => {
    const informational = ['02.aws.cross-region-replica', '02.aws.writes-refused'];
    const missing = Object.values(LAB02_AWS_CHECKS)
      .map((c) => c.id)
      .filter((id) => !informational.includes(id) && !seenFailing.has(id));
    expect(missing).toEqual([]);
  });
});
