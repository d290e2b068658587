import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { lab03 } from '../../labs/03-aurora-cluster/lab.js';
import { stackConfig as learnerConfig } from '../../labs/03-aurora-cluster/stack-config.js';
import { stackConfig as solutionConfig } from '../../solutions/03-aurora-cluster/stack-config.js';
import { addLab03Stack, AuroraClusterStack, LAB03_OUTPUT_KEYS, LAB03_STACK_NAME } from '../03-aurora-cluster.js';
import { AURORA_MYSQL_ENGINE_VERSION } from '../shared/aurora.js';
import { type AuroraReadersConfig, auroraReaderCount, InvalidAuroraConfig, MAX_AURORA_READERS } from '../shared/aurora-config.js';
import { resourcesOfType, SYNTH_TIMEOUT_MS, VARIANTS } from './support.js';
import {
  AZ,
  expectCheapNetwork,
  expectLabTags,
  expectNothingRetained,
  expectOnlyBastionToMysql,
  groupIdOf,
  logicalIdOf,
  onlyResource,
  templateApp,
} from './template-support.js';

function templateOf(solution: boolean): { stack: AuroraClusterStack; template: Template } {
  const stack = addLab03Stack(templateApp(), { solution });
  return { stack, template: Template.fromStack(stack) };
}

/** The cluster's DB instances: the writer (promotion tier 0) first, then the readers in order. */
function instancesOf(template: Template) {
  const all = Object.entries(resourcesOfType(template, 'AWS::RDS::DBInstance')).map(([id, r]) => ({ id, p: r.Properties! }));
  return { writers: all.filter((i) => i.p.PromotionTier === 0), readers: all.filter((i) => i.p.PromotionTier !== 0) };
}

describe.each(VARIANTS)('Lab 3 stack, $name variant', ({ solution }) => {
  let stack: AuroraClusterStack;
  let template: Template;
  let clusterId: string;

  beforeAll(() => {
    ({ stack, template } = templateOf(solution));
    clusterId = logicalIdOf(stack, stack.database.cluster);
  }, SYNTH_TIMEOUT_MS);

  it('uses the stack name the checker deploys and reads', () => {
    expect(stack.stackName).toBe(LAB03_STACK_NAME);
    expect(lab03.stack?.name).toBe(LAB03_STACK_NAME);
  });

  it('runs a private Aurora MySQL 3 cluster, encrypted with the AWS managed key, a week of backups, deleted without a snapshot', () => {
    const cluster = onlyResource(template, 'AWS::RDS::DBCluster');
    expect(cluster.DeletionPolicy).toBe('Delete');
    expect(cluster.Properties).toMatchObject({
      Engine: 'aurora-mysql',
      EngineVersion: AURORA_MYSQL_ENGINE_VERSION.auroraMysqlFullVersion,
      // Explicit: the checker reads StorageEncryptionType sse-kms (aws/rds), not the sse-rds default.
      StorageEncrypted: true,
      DeletionProtection: false,
      DeleteAutomatedBackups: true,
      BackupRetentionPeriod: 7,
      Port: 3306,
      DatabaseName: 'labdb',
    });
    expect(cluster.Properties?.KmsKeyId).toBeUndefined();
    expect(cluster.Properties?.ServerlessV2ScalingConfiguration).toBeUndefined();
    expect(cluster.Properties?.EngineMode).toBeUndefined();
    expect(AURORA_MYSQL_ENGINE_VERSION.auroraMysqlFullVersion).toMatch(/^8\.0\.mysql_aurora\.3\.\d{2}\.\d+$/);
  });

  it('runs every instance on db.t4g.medium, private, on the pinned version (no automatic minor upgrade)', () => {
    const { writers, readers } = instancesOf(template);
    for (const { p } of [...writers, ...readers]) {
      expect(p).toMatchObject({
        Engine: 'aurora-mysql',
        DBInstanceClass: 'db.t4g.medium',
        DBClusterIdentifier: { Ref: clusterId },
        PubliclyAccessible: false,
        AutoMinorVersionUpgrade: false,
      });
      // An Aurora instance takes its version, storage and encryption from the cluster.
      for (const key of ['EngineVersion', 'StorageEncrypted', 'AllocatedStorage', 'MasterUsername']) expect(p[key], key).toBeUndefined();
    }
  });

  it('pins what the lab metadata says it requires (engine, version, class)', () => {
    const cluster = onlyResource(template, 'AWS::RDS::DBCluster').Properties!;
    const { writers } = instancesOf(template);
    expect(lab03.requires?.rds).toEqual([{ engine: cluster.Engine, engineVersion: cluster.EngineVersion, instanceClass: writers[0]!.p.DBInstanceClass }]);
  });

  it('requires TLS through the cluster parameter group', () => {
    const [groupId, group] = Object.entries(resourcesOfType(template, 'AWS::RDS::DBClusterParameterGroup'))[0]!;
    template.resourceCountIs('AWS::RDS::DBClusterParameterGroup', 1);
    expect(group.Properties).toMatchObject({ Family: 'aurora-mysql8.0', Parameters: { require_secure_transport: 'ON' } });
    expect(onlyResource(template, 'AWS::RDS::DBCluster').Properties!.DBClusterParameterGroupName).toEqual({ Ref: groupId });
  });

  it('lets RDS own the master password secret: no password or secret in the template', () => {
    const cluster = onlyResource(template, 'AWS::RDS::DBCluster').Properties!;
    expect(cluster.ManageMasterUserPassword).toBe(true);
    expect(cluster.MasterUsername).toBe('admin');
    expect(cluster.MasterUserPassword).toBeUndefined();
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    expect(JSON.stringify(template.toJSON())).not.toMatch(/resolve:secretsmanager/);
  });

  it('puts the cluster in the isolated subnets of both AZs', () => {
    const isolated = stack.network.vpc.isolatedSubnets.map((s) => ({ Ref: logicalIdOf(stack, s) }));
    expect(isolated).toHaveLength(2);
    expect(onlyResource(template, 'AWS::RDS::DBSubnetGroup').Properties?.SubnetIds).toEqual(isolated);
  });

  it('has no NAT gateway and no hard-coded AZ', () => {
    expectCheapNetwork(template);
  });

  it('admits 3306 only from the bastion security group, and nothing from 0.0.0.0/0', () => {
    const dbSg = groupIdOf(stack, stack.database.securityGroup);
    expectOnlyBastionToMysql(template, dbSg, groupIdOf(stack, stack.bastion.securityGroup));
    expect(onlyResource(template, 'AWS::RDS::DBCluster').Properties!.VpcSecurityGroupIds).toEqual([dbSg]);
  });

  it('retains nothing when the stack is deleted', () => {
    expectNothingRetained(template);
  });

  it('tags the stack and every taggable resource for lab 03', () => {
    expectLabTags(stack, template, 3, [
      'AWS::RDS::DBCluster',
      'AWS::RDS::DBInstance',
      'AWS::RDS::DBClusterParameterGroup',
      'AWS::RDS::DBSubnetGroup',
      'AWS::EC2::Instance',
      'AWS::EC2::VPC',
    ]);
  });

  it('exports exactly the outputs the checker reads', () => {
    const outputs = template.findOutputs('*');
    expect(Object.keys(outputs).sort()).toEqual([...LAB03_OUTPUT_KEYS].sort());
    expect(Object.values(lab03.stack?.outputs ?? {}).sort()).toEqual([...LAB03_OUTPUT_KEYS].sort());
    expect(outputs.ClusterId?.Value).toEqual({ Ref: clusterId });
    expect(outputs.ClusterEndpoint?.Value).toEqual({ 'Fn::GetAtt': [clusterId, 'Endpoint.Address'] });
    expect(outputs.ReaderEndpoint?.Value).toEqual({ 'Fn::GetAtt': [clusterId, 'ReadEndpoint.Address'] });
    expect(JSON.stringify(outputs.DbPort?.Value)).toContain(clusterId);
    expect(outputs.DbSecretArn?.Value).toEqual({ 'Fn::GetAtt': [clusterId, 'MasterUserSecret.SecretArn'] });
    expect(outputs.DbName?.Value).toBe('labdb');
    expect(outputs.BastionInstanceId?.Value).toEqual({ Ref: logicalIdOf(stack, stack.bastion.instance) });
  });

  if (solution) {
    it('solution: a writer and two readers, in both AZs, every reader a failover target', () => {
      expect(solutionConfig).toEqual({ readers: 2 });
      const { writers, readers } = instancesOf(template);
      expect(writers).toHaveLength(1);
      expect(readers).toHaveLength(2);
      expect(writers[0]!.p.AvailabilityZone).toEqual(AZ(0));
      expect(readers.map((r) => r.p.AvailabilityZone)).toEqual([AZ(1), AZ(0)]);
      const zones = new Set([...writers, ...readers].map((i) => JSON.stringify(i.p.AvailabilityZone)));
      expect(zones.size).toBeGreaterThanOrEqual(2);
      for (const r of readers) expect(r.p.PromotionTier).toBeGreaterThan(0);
    });
  } else {
    it('learner: the starting point is the writer alone', () => {
      expect(learnerConfig).toEqual({ readers: 0 });
      const { writers, readers } = instancesOf(template);
      expect(writers).toHaveLength(1);
      expect(readers).toHaveLength(0);
      expect(writers[0]!.p.AvailabilityZone).toEqual(AZ(0));
    });
  }
});

describe('Lab 3 stack config', () => {
  it.each([0, 1, MAX_AURORA_READERS])('accepts %d readers', (n) => {
    expect(auroraReaderCount({ readers: n })).toBe(n);
  });

  it.each([
    [{ readers: -1 }, /readers must be a whole number from 0 to 2, got -1/],
    [{ readers: MAX_AURORA_READERS + 1 }, /from 0 to 2, got 3/],
    [{ readers: 1.5 }, /got 1.5/],
    [{ readers: '2' }, /got "2"/],
    [{}, /got undefined/],
  ])('rejects %o at synth with a clear error', (config, message) => {
    expect(() => auroraReaderCount(config as unknown as AuroraReadersConfig)).toThrow(InvalidAuroraConfig);
    expect(() => new AuroraClusterStack(new App(), 'Impossible', { cluster: config as unknown as AuroraReadersConfig })).toThrow(message);
  });
});
