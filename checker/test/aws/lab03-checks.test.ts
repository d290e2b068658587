import { lab03 } from '../../../labs/03-aurora-cluster/lab.js';
import 'aws-sdk-client-mock-vitest/extend';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DescribeDBMajorEngineVersionsCommand,
  RDSClient,
  type DBCluster,
  type DBInstance,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { auroraSupportsAutoPause, clusterIdFromEndpoint, findProvisionedClusterResources, type Lab03Resources } from '../../aws/aurora-resources.js';
import { LAB03_AWS_CHECKS, runLab03AwsChecks, type Resolver } from '../../checks/03-aurora-cluster/aws.js';
import { EnvironmentError, UsageError } from '../../core/errors.js';
import type { CheckResult } from '../../core/result.js';
import { answerLifecycles, awsError, byId, fakeClients } from './helpers.js';

const rds = mockClient(RDSClient);
const cfn = mockClient(CloudFormationClient);

const CL = 'dtl03-aurora';
const W = 'dtl03-aurora-writer';
const R1 = 'dtl03-aurora-reader-1';
const R2 = 'dtl03-aurora-reader-2';
const STACK = 'DataTierLabs-03-AuroraCluster';
const READER_HOST = `${CL}.cluster-ro-c1a2b3c4d5e6.us-east-1.rds.amazonaws.com`;

function compliantCluster(overrides: Partial<DBCluster> = {}): DBCluster {
  return {
    DBClusterIdentifier: CL,
    Status: 'available',
    Engine: 'aurora-mysql',
    EngineVersion: '8.0.mysql_aurora.3.10.4',
    Endpoint: `${CL}.cluster-c1a2b3c4d5e6.us-east-1.rds.amazonaws.com`,
    ReaderEndpoint: READER_HOST,
    Port: 3306,
    DatabaseName: 'labdb',
    DBClusterMembers: [
      { DBInstanceIdentifier: W, IsClusterWriter: true, PromotionTier: 1 },
      { DBInstanceIdentifier: R1, IsClusterWriter: false, PromotionTier: 1 },
      { DBInstanceIdentifier: R2, IsClusterWriter: false, PromotionTier: 1 },
    ],
    // Encrypted with the AWS-owned key: StorageEncrypted reads false.
    StorageEncrypted: false,
    StorageEncryptionType: 'sse-rds',
    BackupRetentionPeriod: 7,
    ...overrides,
  };
}

function member(id: string, az: string, overrides: Partial<DBInstance> = {}): DBInstance {
  return {
    DBInstanceIdentifier: id,
    DBClusterIdentifier: CL,
    DBInstanceClass: 'db.t4g.medium',
    Engine: 'aurora-mysql',
    DBInstanceStatus: 'available',
    AvailabilityZone: az,
    Endpoint: { Address: `${id}.c1a2b3c4d5e6.us-east-1.rds.amazonaws.com`, Port: 3306 },
    ...overrides,
  };
}

const MEMBERS = () => [member(W, 'us-east-1a'), member(R1, 'us-east-1b'), member(R2, 'us-east-1a')];
const PRIVATE: Resolver = async () => ['10.0.2.17'];

function resources(overrides: Partial<Lab03Resources> = {}): Lab03Resources {
  return { clusterId: CL, stackName: STACK, region: 'us-east-1', source: 'stack', ...overrides };
}

function serve(cluster: DBCluster = compliantCluster(), instances: DBInstance[] = MEMBERS()) {
  rds.on(DescribeDBClustersCommand, { DBClusterIdentifier: CL }).resolves({ DBClusters: [cluster] });
  rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: instances });
}

const seenFailing = new Set<string>();
function note(results: CheckResult[]): CheckResult[] {
  for (const r of results) if (r.status === 'fail') seenFailing.add(r.id);
  return results;
}

async function run(cluster?: DBCluster, instances?: DBInstance[], resolve: Resolver = PRIVATE) {
  serve(cluster, instances);
  return byId(note((await runLab03AwsChecks(fakeClients(), resources(), { resolve })).checks));
}

beforeEach(() => {
  rds.reset();
  cfn.reset();
  answerLifecycles(rds);
});

describe('auroraSupportsAutoPause (a feature floor, not a support judgement)', () => {
  it.each([
    ['8.0.mysql_aurora.3.10.4', true],
    ['8.0.mysql_aurora.3.08.0', true],
    ['8.0.mysql_aurora.3.12.0', true],
    ['8.4.mysql_aurora.8.4.7', true],
    ['8.0.mysql_aurora.3.07.1', false],
    ['8.0.mysql_aurora.3.04.3', false],
    ['5.7.mysql_aurora.2.12.5', false],
    ['8.4.10', false],
    ['', false],
  ])('%s -> %s', (v, expected) => expect(auroraSupportsAutoPause(v)).toBe(expected));
});

describe('runLab03AwsChecks: the compliant cluster', () => {
  it('passes every check, in order, reading the members with one filtered DescribeDBInstances', async () => {
    serve();
    const report = await runLab03AwsChecks(fakeClients(), resources(), { resolve: PRIVATE });
    expect(report.checks.map((r) => [r.id, r.status])).toEqual(Object.values(LAB03_AWS_CHECKS).map((c) => [c.id, 'pass']));
    const r = byId(report.checks);
    expect(r['03.aws.writer']?.message).toBe(`${W} is the writer (available).`);
    expect(r['03.aws.readers']?.message).toBe(`2 readers available: ${R1}, ${R2}.`);
    expect(r['03.aws.availability-zones']?.message).toContain('2 Availability Zones');
    expect(r['03.aws.reader-endpoint']?.message).toContain('resolves to 10.0.2.17 (private addresses');
    expect(r['03.aws.encryption']?.message).toContain('AWS-owned key (StorageEncryptionType sse-rds; StorageEncrypted reads false');
    expect(rds).toHaveReceivedCommandWith(DescribeDBInstancesCommand, { Filters: [{ Name: 'db-cluster-id', Values: [CL] }] });
    expect(report.instances).toHaveLength(3);
  });
});

describe('runLab03AwsChecks: each check fails for what it checks', () => {
  it('a stopped cluster', async () => {
    const r = await run(compliantCluster({ Status: 'stopped' }));
    expect(r['03.aws.cluster']).toMatchObject({ status: 'fail', message: `DB cluster ${CL} has status "stopped", not "available".` });
    expect(r['03.aws.cluster']?.hint).toContain('start-db-cluster');
  });

  it('another engine, and an Aurora minor RDS no longer offers (read from RDS, not from a floor in code)', async () => {
    expect((await run(compliantCluster({ Engine: 'aurora-postgresql', EngineVersion: '16.4' })))['03.aws.engine']?.message).toContain('"aurora-postgresql"');
    const old = (await run(compliantCluster({ EngineVersion: '8.0.mysql_aurora.3.05.2' })))['03.aws.engine']!;
    expect(old.status).toBe('fail');
    expect(old.message).toContain('aurora-mysql 8.0.mysql_aurora.3.05.2 is no longer offered by RDS (status deprecated)');
    expect(old.hint).toContain('--engine-version 8.0.mysql_aurora.3.10.4');
    expect(rds).toHaveReceivedCommandWith(DescribeDBMajorEngineVersionsCommand, { Engine: 'aurora-mysql', MajorEngineVersion: '8.0' });
  });

  it('a 3.08 minor RDS still offers passes, though the old floor-in-code said 3.08 was the line', async () => {
    const r = await run(compliantCluster({ EngineVersion: '8.0.mysql_aurora.3.08.2' }));
    expect(r['03.aws.engine']).toMatchObject({ status: 'pass', message: 'Aurora MySQL 8.0.mysql_aurora.3.08.2, in standard support until 2028-04-30.' });
  });

  it('Aurora MySQL past standard support fails with the Extended Support cost of the writer class', async () => {
    const later = new Date('2028-06-01T00:00:00Z');
    serve();
    const r = byId((await runLab03AwsChecks(fakeClients(), resources(), { now: later, resolve: PRIVATE })).checks);
    expect(r['03.aws.engine']?.status).toBe('fail');
    expect(r['03.aws.engine']?.message).toMatch(
      /past standard support: RDS ended standard support for aurora-mysql 8\.0 on 2028-04-30.*db\.t4g\.medium \(2 vCPUs\)/,
    );
  });

  it('no writer, and two writers', async () => {
    const none = await run(compliantCluster({ DBClusterMembers: [{ DBInstanceIdentifier: R1, IsClusterWriter: false }] }));
    expect(none['03.aws.writer']).toMatchObject({ status: 'fail' });
    expect(none['03.aws.writer']?.message).toContain('has no writer instance');
    const two = await run(
      compliantCluster({
        DBClusterMembers: [
          { DBInstanceIdentifier: W, IsClusterWriter: true },
          { DBInstanceIdentifier: R1, IsClusterWriter: true },
          { DBInstanceIdentifier: R2, IsClusterWriter: false },
        ],
      }),
    );
    expect(two['03.aws.writer']?.message).toContain('reports 2 writers');
  });

  it('only the starting writer: no readers, with the three ways to add them', async () => {
    const r = await run(compliantCluster({ DBClusterMembers: [{ DBInstanceIdentifier: W, IsClusterWriter: true }] }), [member(W, 'us-east-1a')]);
    expect(r['03.aws.readers']).toMatchObject({
      status: 'fail',
      message: `DB cluster ${CL} has 0 readers; the lab asks for at least 2, so a failover still leaves a reader to serve reads.`,
    });
    expect(r['03.aws.readers']?.hint).toContain('Add 2 readers');
    expect(r['03.aws.readers']?.hint).toContain(`aws rds create-db-instance --db-cluster-identifier ${CL}`);
    expect(r['03.aws.availability-zones']?.status).toBe('fail');
  });

  it('two readers, one still creating', async () => {
    const r = await run(undefined, [member(W, 'us-east-1a'), member(R1, 'us-east-1b'), member(R2, 'us-east-1a', { DBInstanceStatus: 'creating' })]);
    expect(r['03.aws.readers']?.status).toBe('fail');
    expect(r['03.aws.readers']?.message).toContain(`only 1 available: ${R2} (creating)`);
  });

  it('every instance in one Availability Zone', async () => {
    const r = await run(undefined, [member(W, 'us-east-1a'), member(R1, 'us-east-1a'), member(R2, 'us-east-1a')]);
    expect(r['03.aws.availability-zones']).toMatchObject({ status: 'fail' });
    expect(r['03.aws.availability-zones']?.message).toContain('Every instance of dtl03-aurora is in us-east-1a');
  });

  it('a reader endpoint that does not resolve fails; a resolver that cannot answer is an error; none at all fails', async () => {
    const notFound: Resolver = async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
    };
    expect((await run(undefined, undefined, notFound))['03.aws.reader-endpoint']).toMatchObject({
      status: 'fail',
      message: `The reader endpoint ${READER_HOST} does not resolve from this machine (ENOTFOUND).`,
    });
    const offline: Resolver = async () => {
      throw Object.assign(new Error('getaddrinfo EAI_AGAIN'), { code: 'EAI_AGAIN' });
    };
    expect((await run(undefined, undefined, offline))['03.aws.reader-endpoint']?.status).toBe('error');
    expect((await run(compliantCluster({ ReaderEndpoint: undefined })))['03.aws.reader-endpoint']?.message).toContain('reports no reader endpoint');
  });

  it('judges encryption by StorageEncryptionType, not StorageEncrypted', async () => {
    const none = await run(compliantCluster({ StorageEncryptionType: 'none', StorageEncrypted: false }));
    expect(none['03.aws.encryption']).toMatchObject({ status: 'fail' });
    expect(none['03.aws.encryption']?.message).toContain('StorageEncryptionType: none');
    const kms = await run(
      compliantCluster({ StorageEncryptionType: 'sse-kms', StorageEncrypted: true, KmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/1a2b' }),
    );
    expect(kms['03.aws.encryption']).toMatchObject({ status: 'pass', message: `DB cluster ${CL} is encrypted with a KMS key (1a2b).` });
    // An older cluster that predates the field still counts by StorageEncrypted.
    const legacy = await run(compliantCluster({ StorageEncryptionType: undefined, StorageEncrypted: true }));
    expect(legacy['03.aws.encryption']?.status).toBe('pass');
    const clear = await run(compliantCluster({ StorageEncryptionType: undefined, StorageEncrypted: false }));
    expect(clear['03.aws.encryption']?.status).toBe('fail');
  });

  it('backups kept a single day', async () => {
    const r = await run(compliantCluster({ BackupRetentionPeriod: 1 }));
    expect(r['03.aws.backups']).toMatchObject({ status: 'fail' });
    expect(r['03.aws.backups']?.hint).toContain('--backup-retention-period 7');
  });
});

describe('runLab03AwsChecks: the cluster cannot be read', () => {
  it('not found: fail naming the lab clusters that exist, the rest skipped', async () => {
    rds
      .on(DescribeDBClustersCommand, { DBClusterIdentifier: 'dtl03-aurro' })
      .rejects(awsError('DBClusterNotFoundFault', 'DBCluster dtl03-aurro not found.', 404));
    rds.on(DescribeDBClustersCommand, { MaxRecords: 100 }).resolves({ DBClusters: [{ DBClusterIdentifier: CL }, { DBClusterIdentifier: 'someone-else' }] });
    const report = await runLab03AwsChecks(fakeClients(), resources({ clusterId: 'dtl03-aurro', source: 'flags' }), { resolve: PRIVATE });
    const r = byId(note(report.checks));
    expect(r['03.aws.cluster']).toMatchObject({
      status: 'fail',
      message: `There is no Aurora DB cluster "dtl03-aurro" in us-east-1. The lab's DB clusters here: ${CL}.`,
    });
    expect(r['03.aws.cluster']?.hint).toContain(`--cluster ${CL}`);
    expect(report.checks.slice(1).every((c) => c.status === 'skipped')).toBe(true);
  });

  it('access denied: an error naming the permission, the rest skipped', async () => {
    rds
      .on(DescribeDBClustersCommand)
      .rejects(awsError('AccessDenied', 'User: arn:aws:iam::123456789012:user/learner is not authorized to perform: rds:DescribeDBClusters', 403));
    const report = await runLab03AwsChecks(fakeClients(), resources(), { resolve: PRIVATE });
    expect(report.checks[0]).toMatchObject({ id: '03.aws.cluster', status: 'error' });
    expect(report.checks[0]?.message).toContain('rds:DescribeDBClusters');
    expect(report.checks.slice(1).map((c) => c.status)).toEqual(Array(7).fill('skipped'));
  });
});

describe('findProvisionedClusterResources', () => {
  const outputs = (o: Record<string, string>) => ({
    Stacks: [
      {
        StackName: STACK,
        StackStatus: 'CREATE_COMPLETE' as const,
        CreationTime: new Date(),
        Outputs: Object.entries(o).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
      },
    ],
  });

  it('reads the cluster, its endpoints, the secret and the bastion from the stack outputs', async () => {
    cfn.on(DescribeStacksCommand).resolves(
      outputs({
        ClusterId: CL,
        ClusterEndpoint: 'x',
        ReaderEndpoint: READER_HOST,
        DbPort: '3306',
        DbSecretArn: 'arn:secret',
        DbName: 'labdb',
        BastionInstanceId: 'i-0abc',
      }),
    );
    expect(await findProvisionedClusterResources(fakeClients(), lab03.stack, { region: 'us-east-1' })).toMatchObject({
      clusterId: CL,
      readerEndpoint: READER_HOST,
      dbPort: 3306,
      dbSecretArn: 'arn:secret',
      bastionInstanceId: 'i-0abc',
      source: 'stack',
    });
  });

  it("--cluster without a stack works for console learners; another cluster than the stack's gets none of its outputs", async () => {
    cfn.on(DescribeStacksCommand).rejects(awsError('ValidationError', `Stack with id ${STACK} does not exist`));
    expect(await findProvisionedClusterResources(fakeClients(), lab03.stack, { clusterId: 'my-cluster' })).toMatchObject({
      clusterId: 'my-cluster',
      source: 'flags',
      dbSecretArn: undefined,
    });
    cfn.reset();
    cfn.on(DescribeStacksCommand).resolves(outputs({ ClusterId: CL, DbSecretArn: 'arn:secret', BastionInstanceId: 'i-0abc' }));
    expect(await findProvisionedClusterResources(fakeClients(), lab03.stack, { clusterId: 'my-cluster' })).toMatchObject({
      clusterId: 'my-cluster',
      dbSecretArn: undefined,
      bastionInstanceId: 'i-0abc',
    });
  });

  it('no stack and no flag: deploy, or --cluster', async () => {
    cfn.on(DescribeStacksCommand).rejects(awsError('ValidationError', `Stack with id ${STACK} does not exist`));
    const err = (await findProvisionedClusterResources(fakeClients(), lab03.stack, { region: 'us-east-1' }).catch((e: unknown) => e)) as EnvironmentError;
    expect(err).toBeInstanceOf(EnvironmentError);
    expect(err.nextStep).toContain('npm run deploy 3');
    expect(err.nextStep).toContain('--cluster <id>');
  });

  it('the cluster id can come from the endpoint output alone; malformed ids are refused before any call', async () => {
    expect(clusterIdFromEndpoint(READER_HOST)).toBe(CL);
    expect(clusterIdFromEndpoint('dtl03-aurora.cluster-c1a2b3c4d5e6.us-east-1.rds.amazonaws.com')).toBe(CL);
    await expect(findProvisionedClusterResources(fakeClients(), lab03.stack, { clusterId: 'bad_name!' })).rejects.toBeInstanceOf(UsageError);
    await expect(findProvisionedClusterResources(fakeClients(), lab03.stack, { clusterId: 'ends-' })).rejects.toBeInstanceOf(UsageError);
    expect(cfn).not.toHaveReceivedCommand(DescribeStacksCommand);
  });
});

describe('coverage of the checks themselves', () => {
  it('every check id was made to fail by at least one test above', () => {
    expect(
      Object.values(LAB03_AWS_CHECKS)
        .map((c) => c.id)
        .filter((id) => !seenFailing.has(id)),
    ).toEqual([]);
  });
});
