/** Compliant AWS responses for lab 05 and small builders the unit tests vary. */
import type { CacheCluster, ReplicationGroup } from '@aws-sdk/client-elasticache';
import type { DBInstance } from '@aws-sdk/client-rds';
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
