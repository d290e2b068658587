import 'aws-sdk-client-mock-vitest/extend';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  DescribeCacheClustersCommand,
  DescribeReplicationGroupsCommand,
  ElastiCacheClient,
  type CacheCluster,
  type ReplicationGroup,
} from '@aws-sdk/client-elasticache';
import { DBInstanceNotFoundFault, DescribeDBInstancesCommand, RDSClient, type DBInstance } from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { LAB05_AWS_CHECKS, nodeTypePrice, runLab05AwsChecks, runLab05TrafficCheck } from '../../checks/05-elasticache-redis/aws.js';
import type { CheckResult } from '../../core/result.js';
import { awsError, byId, compliantCluster, compliantDb, compliantGroup, fakeClients, MEMBERS, resources, RG_ID } from './helpers.js';

const ec = mockClient(ElastiCacheClient);
const rds = mockClient(RDSClient);
const cw = mockClient(CloudWatchClient);

function serve(group: ReplicationGroup, cluster: (id: string) => CacheCluster = (id) => compliantCluster(id), db: DBInstance = compliantDb()) {
  ec.on(DescribeReplicationGroupsCommand).resolves({ ReplicationGroups: [group] });
  ec.on(DescribeCacheClustersCommand).callsFake((input: { CacheClusterId?: string }) => ({
    CacheClusters: [cluster(input.CacheClusterId ?? '')],
  }));
  rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [db] });
}

/** Every check id seen failing in this file; the last test asserts none is missing. */
const seenFailing = new Set<string>();
function note(results: CheckResult[]): CheckResult[] {
  for (const r of results) if (r.status === 'fail') seenFailing.add(r.id);
  return results;
}

async function run(group: ReplicationGroup, cluster?: (id: string) => CacheCluster, db?: DBInstance) {
  serve(group, cluster, db);
  return byId(note(await runLab05AwsChecks(fakeClients(), resources())));
}

beforeEach(() => {
  ec.reset();
  rds.reset();
  cw.reset();
});

describe('runLab05AwsChecks: the compliant lab stack', () => {
  it('passes every check, each in group aws with an id and a name', async () => {
    serve(compliantGroup());
    const results = await runLab05AwsChecks(fakeClients(), resources());
    expect(results.map((r) => [r.id, r.status])).toEqual(
      Object.values(LAB05_AWS_CHECKS)
        .filter((c) => c.id !== '05.aws.traffic')
        .map((c) => [c.id, 'pass']),
    );
    for (const r of results) {
      expect(r.group).toBe('aws');
      expect(r.name.length).toBeGreaterThan(5);
    }
    expect(ec).toHaveReceivedCommandWith(DescribeReplicationGroupsCommand, { ReplicationGroupId: RG_ID });
    expect(ec).toHaveReceivedCommandTimes(DescribeCacheClustersCommand, 3);
    expect(rds).toHaveReceivedCommandWith(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'dtl05-mysql' });
  });

  it('accepts Redis OSS 7.1, a t3.small node and StorageEncryptionType instead of the boolean', async () => {
    const r = await run(
      compliantGroup({ Engine: 'redis', CacheNodeType: 'cache.t3.small', AtRestEncryptionEnabled: undefined, StorageEncryptionType: 'sse-kms' }),
      (id) => compliantCluster(id, { Engine: 'redis', EngineVersion: '7.1.0' }),
    );
    expect(r['05.aws.engine']?.status).toBe('pass');
    expect(r['05.aws.node-type']?.status).toBe('pass');
    expect(r['05.aws.at-rest-encryption']?.status).toBe('pass');
  });
});

describe('runLab05AwsChecks: every check fails on a wrong resource', () => {
  const single = compliantGroup().NodeGroups![0]!.NodeGroupMembers![0]!;
  const oneReplica = compliantGroup().NodeGroups![0]!.NodeGroupMembers!.slice(0, 2);
  const cases: Array<{ id: string; why: string; group?: Partial<ReplicationGroup>; cluster?: Partial<CacheCluster>; expected: RegExp; hint?: RegExp }> = [
    { id: '05.aws.replication-group', why: 'still modifying', group: { Status: 'modifying' }, expected: /still modifying/, hint: /re-run/ },
    { id: '05.aws.replication-group', why: 'still creating', group: { Status: 'creating' }, expected: /still creating/, hint: /wait|Wait/ },
    { id: '05.aws.replication-group', why: 'failed', group: { Status: 'create-failed' }, expected: /status "create-failed"/ },
    {
      id: '05.aws.engine',
      why: 'old Redis',
      group: { Engine: 'redis' },
      cluster: { Engine: 'redis', EngineVersion: '6.2.6' },
      expected: /Redis OSS 6\.2\.6, older than the 7\.0/,
    },
    { id: '05.aws.engine', why: 'old Valkey', cluster: { EngineVersion: '7.1.0' }, expected: /Valkey 7\.1\.0, older than the 7\.2/ },
    { id: '05.aws.engine', why: 'memcached', group: { Engine: 'memcached' }, expected: /engine "memcached"/ },
    { id: '05.aws.cluster-mode', why: 'cluster mode on', group: { ClusterEnabled: true, ClusterMode: 'enabled' }, expected: /cluster mode enabled/ },
    {
      id: '05.aws.replicas',
      why: 'the starting single node',
      group: { MemberClusters: [MEMBERS[0]!], NodeGroups: [{ NodeGroupId: '0001', NodeGroupMembers: [single] }] },
      expected: /has 0 replicas \(1 node: dtl05-valkey-001 primary\)/,
      hint: /stack-config\.ts.*replicasPerPrimary: 2/,
    },
    {
      id: '05.aws.replicas',
      why: 'one replica',
      group: { MemberClusters: MEMBERS.slice(0, 2), NodeGroups: [{ NodeGroupId: '0001', NodeGroupMembers: oneReplica }] },
      expected: /has 1 replica \(2 nodes/,
    },
    {
      id: '05.aws.availability-zones',
      why: 'all in one AZ',
      group: {
        NodeGroups: [
          {
            NodeGroupId: '0001',
            NodeGroupMembers: compliantGroup().NodeGroups![0]!.NodeGroupMembers!.map((m) => ({ ...m, PreferredAvailabilityZone: 'us-east-1c' })),
          },
        ],
      },
      expected: /All 3 nodes of dtl05-valkey are in us-east-1c/,
      hint: /multiAz: true/,
    },
    {
      id: '05.aws.automatic-failover',
      why: 'disabled',
      group: { AutomaticFailover: 'disabled' },
      expected: /Automatic failover on dtl05-valkey is "disabled"/,
      hint: /automaticFailover: true/,
    },
    { id: '05.aws.automatic-failover', why: 'enabling', group: { AutomaticFailover: 'enabling' }, expected: /still enabling/ },
    { id: '05.aws.multi-az', why: 'disabled', group: { MultiAZ: 'disabled' }, expected: /Multi-AZ on dtl05-valkey is "disabled"/, hint: /multiAz: true/ },
    {
      id: '05.aws.transit-encryption',
      why: 'off',
      group: { TransitEncryptionEnabled: false, TransitEncryptionMode: undefined },
      expected: /TransitEncryptionEnabled: false/,
    },
    { id: '05.aws.transit-encryption', why: 'preferred', group: { TransitEncryptionMode: 'preferred' }, expected: /mode "preferred".*plain-text/ },
    {
      id: '05.aws.at-rest-encryption',
      why: 'off',
      group: { AtRestEncryptionEnabled: false, StorageEncryptionType: 'none' },
      expected: /AtRestEncryptionEnabled: false, StorageEncryptionType: none/,
    },
    { id: '05.aws.auth-token', why: 'off', group: { AuthTokenEnabled: false }, expected: /does not require an AUTH token \(AuthTokenEnabled: false\)/ },
    { id: '05.aws.backups', why: 'retention 0', group: { SnapshotRetentionLimit: 0 }, expected: /SnapshotRetentionLimit: 0/ },
    {
      id: '05.aws.node-type',
      why: 'r6g.large',
      group: { CacheNodeType: 'cache.r6g.large' },
      expected: /cache\.r6g\.large, which costs about 13 x more than the lab needs/,
    },
    { id: '05.aws.node-type', why: 'm7g.xlarge (estimated)', group: { CacheNodeType: 'cache.m7g.xlarge' }, expected: /costs about 20 x more/ },
    { id: '05.aws.node-type', why: 't4g.medium', group: { CacheNodeType: 'cache.t4g.medium' }, expected: /costs about 4 x more/ },
    { id: '05.aws.node-type', why: 'unknown type', group: { CacheNodeType: 'cache.x9z.huge' }, expected: /is bigger than the lab needs/ },
  ];

  it.each(cases)('$id fails: $why', async ({ id, group, cluster, expected, hint }) => {
    const r = await run(compliantGroup(group), (cid) => compliantCluster(cid, cluster));
    expect(r[id]?.status).toBe('fail');
    expect(r[id]?.message).toMatch(expected);
    expect(r[id]?.hint ?? '').not.toBe('');
    if (hint) expect(r[id]?.hint).toMatch(hint);
  });

  it('a failing setting does not drag unrelated checks down', async () => {
    const r = await run(compliantGroup({ MultiAZ: 'disabled' }));
    const failing = Object.values(r)
      .filter((x) => x.status !== 'pass')
      .map((x) => x.id);
    expect(failing).toEqual(['05.aws.multi-az']);
  });

  it('takes the AZs from DescribeCacheClusters when the node group omits them', async () => {
    const members = compliantGroup().NodeGroups![0]!.NodeGroupMembers!.map((m) => ({ ...m, PreferredAvailabilityZone: undefined }));
    const r = await run(compliantGroup({ NodeGroups: [{ NodeGroupId: '0001', NodeGroupMembers: members }] }));
    expect(r['05.aws.availability-zones']?.status).toBe('pass');
    expect(r['05.aws.availability-zones']?.message).toContain('us-east-1a, us-east-1b');
  });

  it('replication group not found -> fail naming the id and region, dependants skipped', async () => {
    ec.on(DescribeReplicationGroupsCommand).rejects(awsError('ReplicationGroupNotFoundFault', 'ReplicationGroup dtl05-valkey not found.', 404));
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [compliantDb()] });
    const r = byId(note(await runLab05AwsChecks(fakeClients(), resources())));
    expect(r['05.aws.replication-group']).toMatchObject({ status: 'fail' });
    expect(r['05.aws.replication-group']?.message).toContain('"dtl05-valkey" in us-east-1');
    expect(r['05.aws.replication-group']?.message).toContain('DataTierLabs-05-ElastiCacheRedis');
    expect(r['05.aws.replication-group']?.hint).toContain('npm run deploy 5');
    expect(r['05.aws.multi-az']?.status).toBe('skipped');
    expect(r['05.aws.db-instance']?.status).toBe('pass');
  });

  it('AccessDenied on DescribeCacheClusters -> engine check is an error, the rest still judged', async () => {
    ec.on(DescribeReplicationGroupsCommand).resolves({ ReplicationGroups: [compliantGroup()] });
    ec.on(DescribeCacheClustersCommand).rejects(
      awsError('AccessDenied', 'User: arn:aws:iam::123456789012:user/learner is not authorized to perform: elasticache:DescribeCacheClusters', 403),
    );
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [compliantDb()] });
    const r = byId(await runLab05AwsChecks(fakeClients(), resources()));
    expect(r['05.aws.engine']?.status).toBe('error');
    expect(r['05.aws.engine']?.message).toContain('elasticache:DescribeCacheClusters');
    expect(r['05.aws.availability-zones']?.status).toBe('pass');
    expect(r['05.aws.multi-az']?.status).toBe('pass');
  });
});

describe('runLab05AwsChecks: the database', () => {
  const dbCases: Array<{ id: string; why: string; db: Partial<DBInstance>; expected: RegExp }> = [
    { id: '05.aws.db-instance', why: 'stopped', db: { DBInstanceStatus: 'stopped' }, expected: /dtl05-mysql is stopped, not available/ },
    { id: '05.aws.db-encryption', why: 'unencrypted', db: { StorageEncrypted: false }, expected: /unencrypted storage \(StorageEncrypted: false\)/ },
    { id: '05.aws.db-not-public', why: 'public', db: { PubliclyAccessible: true }, expected: /publicly accessible \(PubliclyAccessible: true\)/ },
    { id: '05.aws.db-storage-gp3', why: 'gp2', db: { StorageType: 'gp2' }, expected: /uses gp2 storage/ },
  ];
  it.each(dbCases)('$id fails: $why', async ({ id, db, expected }) => {
    const r = await run(compliantGroup(), undefined, compliantDb(db));
    expect(r[id]?.status).toBe('fail');
    expect(r[id]?.message).toMatch(expected);
    expect(r[id]?.hint).toBeTruthy();
  });

  it('DB instance not found -> fail, dependants skipped', async () => {
    serve(compliantGroup());
    rds.on(DescribeDBInstancesCommand).rejects(new DBInstanceNotFoundFault({ message: 'DBInstance dtl05-mysql not found.', $metadata: {} }));
    const r = byId(await runLab05AwsChecks(fakeClients(), resources()));
    expect(r['05.aws.db-instance']).toMatchObject({ status: 'fail' });
    expect(r['05.aws.db-instance']?.message).toContain('no RDS DB instance "dtl05-mysql" in us-east-1');
    expect(r['05.aws.db-storage-gp3']?.status).toBe('skipped');
  });

  it('no DB instance known -> skipped with a hint to pass --db-instance', async () => {
    serve(compliantGroup());
    const r = byId(await runLab05AwsChecks(fakeClients(), resources({ dbInstanceId: undefined })));
    expect(r['05.aws.db-instance']?.status).toBe('skipped');
    expect(r['05.aws.db-instance']?.hint).toContain('--db-instance');
    expect(rds).not.toHaveReceivedCommand(DescribeDBInstancesCommand);
  });
});

describe('nodeTypePrice', () => {
  it('knows the lab types and estimates larger sizes by doubling', () => {
    expect(nodeTypePrice('cache.t4g.micro')).toBe(0.016);
    expect(nodeTypePrice('cache.r7g.2xlarge')).toBeCloseTo(0.876, 3);
    expect(nodeTypePrice('nonsense')).toBeUndefined();
  });
});

describe('runLab05TrafficCheck', () => {
  const since = new Date('2026-11-22T10:00:00Z');
  const now = () => new Date('2026-11-22T10:12:00Z');

  function metrics(hits: number[], misses: number[]) {
    cw.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        { Id: 'h0', Values: hits, Timestamps: hits.map(() => new Date()) },
        { Id: 'm0', Values: misses, Timestamps: misses.map(() => new Date()) },
        { Id: 'h1', Values: [], Timestamps: [] },
        { Id: 'm1', Values: [], Timestamps: [] },
        { Id: 'h2', Values: [], Timestamps: [] },
        { Id: 'm2', Values: [], Timestamps: [] },
      ],
    });
  }

  it('passes with hits and misses, and returns the figures', async () => {
    ec.on(DescribeReplicationGroupsCommand).resolves({ ReplicationGroups: [compliantGroup()] });
    metrics([10, 5], [3, 1]);
    const { check, figures } = await runLab05TrafficCheck(fakeClients(), RG_ID, since, { now });
    expect(check).toMatchObject({ id: '05.aws.traffic', status: 'pass', group: 'aws' });
    expect(figures).toMatchObject({ hits: 15, misses: 4 });
    expect(figures.byCluster[MEMBERS[0]!]).toEqual({ hits: 15, misses: 4 });
    expect(cw).toHaveReceivedCommandWith(GetMetricDataCommand, {
      StartTime: since,
      MetricDataQueries: expect.arrayContaining([
        expect.objectContaining({
          Id: 'm2',
          MetricStat: expect.objectContaining({
            Metric: { Namespace: 'AWS/ElastiCache', MetricName: 'CacheMisses', Dimensions: [{ Name: 'CacheClusterId', Value: MEMBERS[2] }] },
          }),
        }),
      ]),
    });
  });

  it('zero right after the run is a fail that says to retry in 5 minutes (not an error)', async () => {
    metrics([], []);
    const { check, figures } = await runLab05TrafficCheck(fakeClients(), RG_ID, since, { now, memberClusterIds: MEMBERS });
    note([check]);
    expect(check.status).toBe('fail');
    expect(check.message).toContain('no cache hits and no misses on dtl05-valkey since 10:00 UTC');
    expect(check.hint).toContain('retry in 5 minutes');
    expect(figures).toMatchObject({ hits: 0, misses: 0 });
  });

  it('misses without hits fails and points at cache-aside', async () => {
    metrics([0, 0], [4]);
    const { check } = await runLab05TrafficCheck(fakeClients(), RG_ID, since, { now, memberClusterIds: MEMBERS });
    expect(check.status).toBe('fail');
    expect(check.message).toContain('4 misses but no hits');
  });

  it('hits without misses fails', async () => {
    metrics([7], [0]);
    const { check } = await runLab05TrafficCheck(fakeClients(), RG_ID, since, { now, memberClusterIds: MEMBERS });
    expect(check.status).toBe('fail');
    expect(check.message).toContain('7 hits but no misses');
  });

  it('follows NextToken pages', async () => {
    cw.on(GetMetricDataCommand)
      .resolvesOnce({ MetricDataResults: [{ Id: 'h0', Values: [2] }], NextToken: 'page2' })
      .resolvesOnce({ MetricDataResults: [{ Id: 'm0', Values: [3] }] });
    const { figures } = await runLab05TrafficCheck(fakeClients(), RG_ID, since, { now, memberClusterIds: MEMBERS });
    expect(figures).toMatchObject({ hits: 2, misses: 3 });
    expect(cw).toHaveReceivedCommandTimes(GetMetricDataCommand, 2);
    expect(cw).toHaveReceivedNthCommandWith(GetMetricDataCommand, 2, { NextToken: 'page2' });
  });

  it('replication group not found -> fail; expired token -> error', async () => {
    ec.on(DescribeReplicationGroupsCommand).rejects(awsError('ReplicationGroupNotFoundFault', 'not found', 404));
    const missing = await runLab05TrafficCheck(fakeClients(), 'nope', since, { now });
    expect(missing.check.status).toBe('fail');
    cw.on(GetMetricDataCommand).rejects(awsError('ExpiredTokenException', 'The security token included in the request is expired', 403));
    const expired = await runLab05TrafficCheck(fakeClients(), RG_ID, since, { now, memberClusterIds: MEMBERS });
    expect(expired.check.status).toBe('error');
    expect(expired.check.message).toContain('expired');
  });
});

describe('coverage of the checks themselves', () => {
  it('every check id was made to fail by at least one test above', () => {
    const missing = Object.values(LAB05_AWS_CHECKS)
      .map((c) => c.id)
      .filter((id) => !seenFailing.has(id));
    expect(missing).toEqual([]);
  });
});
