import { App, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as rds from 'aws-cdk-lib/aws-rds';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ElastiCacheRedisStack } from '../05-elasticache-redis.js';
import { bareStack, SYNTH_TIMEOUT_MS, templateOf, VARIANTS } from './support.js';

/** What the stack acknowledges, and why each is acceptable, is documented in docs/stack-05.md. */
const SHARED_ACKS = [
  'AwsSolutions-EC28',
  'AwsSolutions-EC29',
  'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore]',
  'AwsSolutions-RDS3',
  'AwsSolutions-RDS10',
  'AwsSolutions-RDS11',
  'AwsSolutions-SMG4',
];
const EXPECTED_ACKS = {
  learner: [...SHARED_ACKS, 'AwsSolutions-AEC4'].sort(),
  solution: [...SHARED_ACKS].sort(),
};

/** AwsSolutions acknowledgements under `scope` (CDK itself acknowledges some CloudFormation-Validate rules). */
function acknowledgedNagIds(scope: IConstruct): string[] {
  const ids = new Set<string>();
  for (const construct of scope.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const key of Object.keys(entry.data as Record<string, string>)) ids.add(key.replace(/^annotation::/i, ''));
    }
  }
  return [...ids].filter((id) => id.startsWith('AwsSolutions-')).sort();
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe.each(VARIANTS)('cdk-nag AwsSolutions on the $name variant', ({ name, solution }) => {
  let stack: ElastiCacheRedisStack;

  beforeAll(() => {
    ({ stack } = templateOf(solution));
  }, SYNTH_TIMEOUT_MS);

  it('passes with no unacknowledged finding', () => {
    const report = new AwsSolutionsChecks().validateScope(stack);
    expect(report.violations).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('acknowledges exactly the documented rules', () => {
    expect(acknowledgedNagIds(stack)).toEqual(EXPECTED_ACKS[name]);
  });

  it('needs every acknowledgement: without them exactly those rules fire', () => {
    vi.spyOn(Validations.prototype, 'acknowledge').mockImplementation(() => undefined);
    const report = new AwsSolutionsChecks().validateScope(bareStack(solution));
    expect(report.success).toBe(false);
    expect(report.violations.map((v) => v.ruleName).sort()).toEqual(EXPECTED_ACKS[name]);
  });
});

describe('cdk-nag AwsSolutions can fail', () => {
  it('reports a replication group without encryption or AUTH', () => {
    const stack = new Stack(new App(), 'Unsafe');
    new elasticache.CfnReplicationGroup(stack, 'Cache', {
      replicationGroupDescription: 'unsafe',
      engine: 'valkey',
      cacheNodeType: 'cache.t4g.micro',
      numCacheClusters: 1,
      port: 6380,
      atRestEncryptionEnabled: false,
      transitEncryptionEnabled: false,
    });
    const report = new AwsSolutionsChecks().validateScope(stack);
    expect(report.success).toBe(false);
    expect(report.violations.map((v) => v.ruleName)).toEqual(expect.arrayContaining(['AwsSolutions-AEC3', 'AwsSolutions-AEC6']));
  });

  it('reports an unencrypted Aurora MySQL cluster (the rules Labs 3 and 4 pass or acknowledge)', () => {
    const stack = new Stack(new App(), 'UnsafeAurora');
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    new rds.DatabaseCluster(stack, 'Cluster', {
      engine: rds.DatabaseClusterEngine.auroraMysql({ version: rds.AuroraMysqlEngineVersion.VER_3_10_4 }),
      writer: rds.ClusterInstance.provisioned('Writer', { instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MEDIUM) }),
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      storageEncrypted: false,
    });
    const report = new AwsSolutionsChecks().validateScope(stack);
    expect(report.success).toBe(false);
    expect(report.violations.map((v) => v.ruleName)).toEqual(
      expect.arrayContaining(['AwsSolutions-RDS2', 'AwsSolutions-RDS6', 'AwsSolutions-RDS10', 'AwsSolutions-RDS11', 'AwsSolutions-RDS14']),
    );
  });
});
