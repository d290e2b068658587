/** Compliant AWS responses for lab 05 and small builders the unit tests vary. */
import type { CacheCluster, ReplicationGroup } from '@aws-sdk/client-elasticache';
import { DescribeDBEngineVersionsCommand, DescribeDBMajorEngineVersionsCommand, type DBInstance, type RDSClient } from '@aws-sdk/client-rds';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import { makeAwsClients, type AwsClients } from '../../aws/clients.js';
import type { Lab05Resources } from '../../aws/lab05-resources.js';
import type { CheckResult } from '../../core/result.js';

export const RG_ID = 'dtl05-valkey';
export const MEMBERS = ['dtl05-valkey-001', 'dtl05-valkey-002', 'dtl05-valkey-003'];

export function fakeClients(): AwsClients {
  return makeAwsClients({
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIAFAKEFORTESTS0000', secretAccessKey: 'fake' },
    maxAttempts: 1,
  });
}

export function compliantGroup(overrides: Partial<ReplicationGroup> = {}): ReplicationGroup {
  return {
    ReplicationGroupId: RG_ID,
    Description: 'Data Tier Labs lab 5 cache',
    Status: 'available',
    MemberClusters: [...MEMBERS],
    NodeGroups: [
      {
        NodeGroupId: '0001',
        Status: 'available',
        PrimaryEndpoint: { Address: `master.${RG_ID}.abc123.use1.cache.amazonaws.com`, Port: 6379 },
        NodeGroupMembers: [
          { CacheClusterId: MEMBERS[0], CacheNodeId: '0001', PreferredAvailabilityZone: 'us-east-1a', CurrentRole: 'primary' },
          { CacheClusterId: MEMBERS[1], CacheNodeId: '0001', PreferredAvailabilityZone: 'us-east-1b', CurrentRole: 'replica' },
          { CacheClusterId: MEMBERS[2], CacheNodeId: '0001', PreferredAvailabilityZone: 'us-east-1a', CurrentRole: 'replica' },
        ],
      },
    ],
    AutomaticFailover: 'enabled',
    MultiAZ: 'enabled',
    SnapshotRetentionLimit: 1,
    ClusterEnabled: false,
    ClusterMode: 'disabled',
    CacheNodeType: 'cache.t4g.micro',
    AuthTokenEnabled: true,
    TransitEncryptionEnabled: true,
    TransitEncryptionMode: 'required',
    AtRestEncryptionEnabled: true,
    Engine: 'valkey',
    ...overrides,
  };
}

export function compliantCluster(id: string, overrides: Partial<CacheCluster> = {}): CacheCluster {
  const az = { [MEMBERS[0]!]: 'us-east-1a', [MEMBERS[1]!]: 'us-east-1b', [MEMBERS[2]!]: 'us-east-1a' }[id] ?? 'us-east-1a';
  return {
    CacheClusterId: id,
    CacheNodeType: 'cache.t4g.micro',
    Engine: 'valkey',
    EngineVersion: '8.2',
    CacheClusterStatus: 'available',
    NumCacheNodes: 1,
    PreferredAvailabilityZone: az,
    ReplicationGroupId: RG_ID,
    ...overrides,
  };
}

export function compliantDb(overrides: Partial<DBInstance> = {}): DBInstance {
  return {
    DBInstanceIdentifier: 'dtl05-mysql',
    DBInstanceClass: 'db.t4g.micro',
    Engine: 'mysql',
    DBInstanceStatus: 'available',
    Endpoint: { Address: 'dtl05-mysql.c1a2b3c4d5e6.us-east-1.rds.amazonaws.com', Port: 3306 },
    StorageType: 'gp3',
    StorageEncrypted: true,
    PubliclyAccessible: false,
    ...overrides,
  };
}

export function resources(overrides: Partial<Lab05Resources> = {}): Lab05Resources {
  return {
    replicationGroupId: RG_ID,
    dbInstanceId: 'dtl05-mysql',
    stackName: 'DataTierLabs-05-ElastiCacheRedis',
    region: 'us-east-1',
    source: 'stack',
    ...overrides,
  };
}

export function byId(results: CheckResult[]): Record<string, CheckResult> {
  return Object.fromEntries(results.map((r) => [r.id, r]));
}

/** An error shaped like the SDK's service exceptions. */
export function awsError(name: string, message: string, status = 400): Error {
  const err = new Error(message) as Error & { $metadata: { httpStatusCode: number }; $fault: string };
  err.name = name;
  err.$metadata = { httpStatusCode: status };
  err.$fault = 'client';
  return err;
}

/** Support lifecycles as DescribeDBMajorEngineVersions reports them (December 2026): MySQL 8.0 is on Extended Support. */
export const LIFECYCLES: Record<string, Record<string, { standardEnds: string; extendedEnds: string }>> = {
  mysql: {
    '8.0': { standardEnds: '2026-07-31T00:00:00Z', extendedEnds: '2029-07-31T00:00:00Z' },
    '8.4': { standardEnds: '2029-07-31T00:00:00Z', extendedEnds: '2032-07-31T00:00:00Z' },
    '9.7': { standardEnds: '2031-04-30T00:00:00Z', extendedEnds: '2034-04-30T00:00:00Z' },
  },
  'aurora-mysql': {
    '8.0': { standardEnds: '2028-04-30T00:00:00Z', extendedEnds: '2031-04-30T00:00:00Z' },
  },
};

/** The day the checks are judged at in these tests. */
export const DECEMBER_2026 = new Date('2026-12-04T00:00:00Z');

/** Answers DescribeDBMajorEngineVersions from LIFECYCLES and DescribeDBEngineVersions with `offered` (default: available unless in RETIRED_MINORS). */
/** Minor versions RDS has stopped offering, in these tests. */
export const RETIRED_MINORS = new Set(['8.4.3', '8.0.36', '8.0.mysql_aurora.3.05.2']);

export function lifecycleAnswers(
  offered: (engine: string, version: string) => string | undefined = (_e, v) => (RETIRED_MINORS.has(v) ? 'deprecated' : 'available'),
) {
  return {
    majors: (input: { Engine?: string; MajorEngineVersion?: string }) => {
      const lc = LIFECYCLES[input.Engine ?? '']?.[input.MajorEngineVersion ?? ''];
      if (!lc) return { DBMajorEngineVersions: [] };
      return {
        DBMajorEngineVersions: [
          {
            Engine: input.Engine,
            MajorEngineVersion: input.MajorEngineVersion,
            SupportedEngineLifecycles: [
              {
                LifecycleSupportName: 'open-source-rds-standard-support' as const,
                LifecycleSupportStartDate: new Date('2018-10-23T00:00:00Z'),
                LifecycleSupportEndDate: new Date(lc.standardEnds),
              },
              {
                LifecycleSupportName: 'open-source-rds-extended-support' as const,
                LifecycleSupportStartDate: new Date(lc.standardEnds),
                LifecycleSupportEndDate: new Date(lc.extendedEnds),
              },
            ],
          },
        ],
      };
    },
    versions: (input: { Engine?: string; EngineVersion?: string }) => {
      const status = offered(input.Engine ?? '', input.EngineVersion ?? '');
      return { DBEngineVersions: status ? [{ Engine: input.Engine, EngineVersion: input.EngineVersion, Status: status }] : [] };
    },
  };
}

/** Makes a mocked RDS client answer the two lifecycle calls from LIFECYCLES (call after each reset). */
export function answerLifecycles(rds: AwsClientStub<RDSClient>, offered?: (engine: string, version: string) => string | undefined): void {
  const answers = lifecycleAnswers(offered);
  rds.on(DescribeDBMajorEngineVersionsCommand).callsFake(answers.majors);
  rds.on(DescribeDBEngineVersionsCommand).callsFake(answers.versions);
}
