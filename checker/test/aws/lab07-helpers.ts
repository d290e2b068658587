/** Compliant AWS answers for the deployed Lab 7 stack, and a plan context for tests. */
import type { RouteTable, SecurityGroup } from '@aws-sdk/client-ec2';
import type { CacheCluster, ReplicationGroup } from '@aws-sdk/client-elasticache';
import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import type { DBCluster } from '@aws-sdk/client-rds';
import type { AwsClients } from '../../aws/clients.js';
import type { AwsPlanContext, PluginIo } from '../../checks/plugin.js';

export const STACK = 'DataTierLabs-07-ServerlessCache';
export const FN = 'DataTierLabs-07-ServerlessCache-Function76856677-AbCdEf123456';
export const CLUSTER = 'datatierlabs-07-serverlesscache-databasecluster5b53a178-q1w2e3r4t5y6';
export const RG = 'dat1a2b3c4d5e6f7';
export const NODE = `${RG}-001`;
export const VPC = 'vpc-0a1b2c3d4e5f60718';
export const SUBNETS = ['subnet-0aaa1111bbbb2222c', 'subnet-0ddd3333eeee4444f'];
export const SG = { fn: 'sg-0f1f2f3f4f5f6f7f8', db: 'sg-0d1d2d3d4d5d6d7d8', cache: 'sg-0c1c2c3c4c5c6c7c8', bastion: 'sg-0b1b2b3b4b5b6b7b8' };

export const OUTPUTS: Record<string, string> = {
  FunctionName: FN,
  FunctionLogGroup: 'DataTierLabs-07-ServerlessCache-FunctionLogsAE28C13D-Zx9Yw8Vu7Ts6',
  ClusterId: CLUSTER,
  ClusterEndpoint: `${CLUSTER}.cluster-c9akciq32.us-east-1.rds.amazonaws.com`,
  WriterInstanceId: `${CLUSTER}-writer`,
  DbPort: '3306',
  DbName: 'labdb',
  DbSecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!cluster-0c1d2e3f-AbCdEf',
  DbAppUser: 'lab07_app',
  DbAppSecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:AppDbPassword1A2B3C4D-MnOpQr',
  ReplicationGroupId: RG,
  CachePrimaryEndpoint: `master.${RG}.abc123.use1.cache.amazonaws.com`,
  CachePort: '6379',
  CacheAuthSecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:CacheAuthToken-GhIjKl',
  BastionInstanceId: 'i-0123456789abcdef0',
};

export function goodFunction(overrides: Partial<FunctionConfiguration> = {}): FunctionConfiguration {
  return {
    FunctionName: FN,
    Runtime: 'nodejs22.x',
    Architectures: ['arm64'],
    Handler: 'index.handler',
    MemorySize: 512,
    Timeout: 30,
    State: 'Active',
    LastUpdateStatus: 'Successful',
    PackageType: 'Zip',
    VpcConfig: { VpcId: VPC, SubnetIds: [...SUBNETS], SecurityGroupIds: [SG.fn] },
    Environment: {
      Variables: {
        REDIS_URL: `rediss://:not-a-real-token-0123456789abcdef@${OUTPUTS.CachePrimaryEndpoint!}:6379`,
        DB_HOST: OUTPUTS.ClusterEndpoint!,
        DB_PORT: '3306',
        DB_USER: 'lab07_app',
        DB_PASSWORD: 'not-a-real-password-0123456789',
        DB_NAME: 'labdb',
        DB_SSL: 'true',
        CACHE_TTL_SECONDS: '60',
      },
    },
    ...overrides,
  };
}

export function isolatedRouteTables(): RouteTable[] {
  return [
    {
      RouteTableId: 'rtb-main',
      VpcId: VPC,
      Associations: [{ Main: true, RouteTableId: 'rtb-main' }],
      Routes: [{ DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', State: 'active' }],
    },
    ...SUBNETS.map((s, i) => ({
      RouteTableId: `rtb-data${i}`,
      VpcId: VPC,
      Associations: [{ Main: false, SubnetId: s, RouteTableId: `rtb-data${i}` }],
      Routes: [{ DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', State: 'active' as const }],
    })),
    {
      RouteTableId: 'rtb-public',
      VpcId: VPC,
      Associations: [{ Main: false, SubnetId: 'subnet-0public000000001', RouteTableId: 'rtb-public' }],
      Routes: [
        { DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', State: 'active' },
        { DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-0abc', State: 'active' },
      ],
    },
  ];
}

const from = (group: string, port: number) => ({
  IpProtocol: 'tcp',
  FromPort: port,
  ToPort: port,
  UserIdGroupPairs: [{ GroupId: group }],
  IpRanges: [],
  Ipv6Ranges: [],
});

export function tightGroups(): SecurityGroup[] {
  return [
    {
      GroupId: SG.fn,
      VpcId: VPC,
      IpPermissions: [],
      IpPermissionsEgress: [
        { IpProtocol: 'tcp', FromPort: 3306, ToPort: 3306, IpRanges: [{ CidrIp: '10.0.0.0/16' }] },
        { IpProtocol: 'tcp', FromPort: 6379, ToPort: 6379, IpRanges: [{ CidrIp: '10.0.0.0/16' }] },
      ],
    },
    {
      GroupId: SG.db,
      VpcId: VPC,
      IpPermissions: [{ ...from(SG.bastion, 3306), UserIdGroupPairs: [{ GroupId: SG.bastion }, { GroupId: SG.fn }] }],
      IpPermissionsEgress: [],
    },
    {
      GroupId: SG.cache,
      VpcId: VPC,
      IpPermissions: [{ ...from(SG.bastion, 6379), UserIdGroupPairs: [{ GroupId: SG.bastion }, { GroupId: SG.fn }] }],
      IpPermissionsEgress: [],
    },
  ];
}

export function goodCluster(overrides: Partial<DBCluster> = {}): DBCluster {
  return {
    DBClusterIdentifier: CLUSTER,
    Status: 'available',
    Engine: 'aurora-mysql',
    EngineVersion: '8.0.mysql_aurora.3.10.4',
    ServerlessV2ScalingConfiguration: { MinCapacity: 0, MaxCapacity: 2, SecondsUntilAutoPause: 300 },
    IAMDatabaseAuthenticationEnabled: true,
    StorageEncrypted: true,
    VpcSecurityGroups: [{ VpcSecurityGroupId: SG.db, Status: 'active' }],
    ...overrides,
  };
}

export function goodCache(overrides: Partial<ReplicationGroup> = {}): ReplicationGroup {
  return {
    ReplicationGroupId: RG,
    Status: 'available',
    MemberClusters: [NODE],
    TransitEncryptionEnabled: true,
    TransitEncryptionMode: 'required',
    AtRestEncryptionEnabled: true,
    AuthTokenEnabled: true,
    ...overrides,
  };
}

export function goodNode(): CacheCluster {
  return { CacheClusterId: NODE, CacheClusterStatus: 'available', Engine: 'valkey', SecurityGroups: [{ SecurityGroupId: SG.cache, Status: 'active' }] };
}

export function silentIo(): PluginIo & { lines: string[] } {
  const lines: string[] = [];
  const handle = { update: () => undefined, succeed: () => undefined, fail: () => undefined };
  return { quiet: true, lines, say: (l) => lines.push(l), progress: () => handle, confirm: async () => false };
}

export function planContext(
  clients: AwsClients,
  names: AwsPlanContext['names'] = {},
): AwsPlanContext & { closers: Array<() => Promise<void>>; reached: Array<{ host: string; port: number }> } {
  const closers: Array<() => Promise<void>> = [];
  const reached: Array<{ host: string; port: number }> = [];
  return {
    clients,
    region: 'us-east-1',
    names,
    tunnel: false,
    drills: { failover: false, resume: false },
    io: silentIo(),
    run: async () => undefined,
    reach: async (targets) => {
      reached.push(...targets);
      return targets;
    },
    onClose: (close) => closers.push(close),
    closers,
    reached,
  };
}

/** A REPORT line as Lambda writes it (tab-separated), in a base64 log tail. */
export function logTail(requestId: string, durationMs: number, initMs?: number, extra = ''): string {
  const billed = Math.ceil(durationMs + (initMs ?? 0));
  const lines = [
    ...(initMs !== undefined ? ['INIT_START Runtime Version: nodejs:22.v47\tRuntime Version ARN: arn:aws:lambda:us-east-1::runtime:8a6f4c0b3e2d'] : []),
    `START RequestId: ${requestId} Version: $LATEST`,
    `2026-12-04T10:00:00.000Z\t${requestId}\tINFO\tGET /users/1${extra}`,
    `END RequestId: ${requestId}`,
    `REPORT RequestId: ${requestId}\tDuration: ${durationMs.toFixed(2)} ms\tBilled Duration: ${billed} ms\tMemory Size: 512 MB\tMax Memory Used: 92 MB${initMs !== undefined ? `\tInit Duration: ${initMs.toFixed(2)} ms` : ''}\t`,
    '',
  ];
  return Buffer.from(lines.join('\n')).toString('base64');
}
