import { CfnResource, TagManager } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { lab05 } from '../../labs/05-elasticache-redis/lab.js';
import { type ElastiCacheRedisStack, LAB05_OUTPUT_KEYS, LAB05_STACK_NAME } from '../05-elasticache-redis.js';
import { LAB_TAG_KEY, MANAGED_TAG_KEY } from '../shared/secure-defaults.js';
import { renderedTags, resourcesOfType, SYNTH_TIMEOUT_MS, templateOf, VARIANTS } from './support.js';
import { groupIdOf, type IngressRule, ingressRules, logicalIdOf, onlyResource } from './template-support.js';

const LAB_TAGS = { [LAB_TAG_KEY]: '05', [MANAGED_TAG_KEY]: 'true' };

function coversPort(rule: IngressRule, port: number): boolean {
  if (rule.protocol === '-1') return true;
  return (rule.fromPort ?? 0) <= port && port <= (rule.toPort ?? 65535);
}

function onlyProperties(template: Template, type: string): Record<string, unknown> {
  return onlyResource(template, type).Properties ?? {};
}

describe.each(VARIANTS)('Lab 5 stack, $name variant', ({ solution }) => {
  let stack: ElastiCacheRedisStack;
  let template: Template;

  beforeAll(() => {
    ({ stack, template } = templateOf(solution));
  }, SYNTH_TIMEOUT_MS);

  it('uses the stack name the checker deploys and reads', () => {
    expect(stack.stackName).toBe(LAB05_STACK_NAME);
    expect(lab05.stack?.name).toBe(LAB05_STACK_NAME);
  });

  it('builds an encrypted, AUTH-protected Valkey 8 replication group with cluster mode disabled', () => {
    const authSecretId = logicalIdOf(stack, stack.cache.authSecret);
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      Engine: 'valkey',
      EngineVersion: Match.stringLikeRegexp('^8\\.\\d+$'),
      CacheParameterGroupName: 'default.valkey8',
      ClusterMode: 'disabled',
      NumNodeGroups: Match.absent(),
      CacheNodeType: 'cache.t4g.micro',
      Port: 6379,
      TransitEncryptionEnabled: true,
      AtRestEncryptionEnabled: true,
      AuthToken: { 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: authSecretId }, ':SecretString:::}}']] },
      SnapshotWindow: Match.stringLikeRegexp('^\\d\\d:\\d\\d-\\d\\d:\\d\\d$'),
      FinalSnapshotIdentifier: Match.absent(),
    });
    const rg = onlyProperties(template, 'AWS::ElastiCache::ReplicationGroup');
    expect(rg.SnapshotRetentionLimit).toBeGreaterThanOrEqual(1);
  });

  it('generates an AUTH token ElastiCache accepts (16-128 letters and digits)', () => {
    const secret = template.findResources('AWS::SecretsManager::Secret')[logicalIdOf(stack, stack.cache.authSecret)];
    const generator = secret?.Properties?.GenerateSecretString as Record<string, unknown>;
    expect(generator.PasswordLength).toBeGreaterThanOrEqual(16);
    expect(generator.PasswordLength).toBeLessThanOrEqual(128);
    expect(generator.ExcludePunctuation).toBe(true);
    expect(generator.SecretStringTemplate).toBeUndefined();
  });

  it('puts the cache and the database in the isolated subnets only', () => {
    const isolated = stack.network.vpc.isolatedSubnets.map((s) => ({ Ref: logicalIdOf(stack, s) }));
    expect(isolated).toHaveLength(2);
    template.hasResourceProperties('AWS::ElastiCache::SubnetGroup', { SubnetIds: isolated });
    template.hasResourceProperties('AWS::RDS::DBSubnetGroup', { SubnetIds: isolated });
  });

  it('has no NAT gateway and no hard-coded AZ', () => {
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    const subnets = Object.values(resourcesOfType(template, 'AWS::EC2::Subnet'));
    expect(subnets).toHaveLength(4);
    for (const subnet of subnets) {
      expect(subnet.Properties?.AvailabilityZone).toEqual({ 'Fn::Select': [expect.any(Number), { 'Fn::GetAZs': '' }] });
    }
    expect(JSON.stringify(template.toJSON())).not.toMatch(/\b[a-z]{2}(-gov)?-[a-z]+-\d[a-z]\b/);
  });

  it('sends VPC flow logs to a short-lived log group that is deleted with the stack', () => {
    template.resourceCountIs('AWS::EC2::FlowLog', 1);
    template.hasResource('AWS::Logs::LogGroup', {
      DeletionPolicy: 'Delete',
      Properties: { RetentionInDays: Match.anyValue() },
    });
    const logGroup = onlyProperties(template, 'AWS::Logs::LogGroup');
    expect(logGroup.RetentionInDays).toBeLessThanOrEqual(7);
  });

  it('admits no traffic from 0.0.0.0/0 or ::/0 anywhere', () => {
    for (const rule of ingressRules(template)) {
      expect(rule.cidrIp).not.toBe('0.0.0.0/0');
      expect(rule.cidrIpv6).not.toBe('::/0');
    }
  });

  it('admits 6379 and 3306 only from the bastion security group, and nothing into the bastion', () => {
    const bastionSg = groupIdOf(stack, stack.bastion.securityGroup);
    const rules = ingressRules(template);

    const toCache = rules.filter((r) => coversPort(r, 6379));
    expect(toCache).toEqual([
      expect.objectContaining({ groupId: groupIdOf(stack, stack.cache.securityGroup), sourceSecurityGroupId: bastionSg, fromPort: 6379, toPort: 6379 }),
    ]);
    const toDb = rules.filter((r) => coversPort(r, 3306));
    expect(toDb).toEqual([
      expect.objectContaining({ groupId: groupIdOf(stack, stack.database.securityGroup), sourceSecurityGroupId: bastionSg, fromPort: 3306, toPort: 3306 }),
    ]);
    expect(rules).toHaveLength(2);
    expect(rules.filter((r) => JSON.stringify(r.groupId) === JSON.stringify(bastionSg))).toEqual([]);
  });

  it('runs a small, private, encrypted, TLS-only MySQL 8.4 that is deleted without a snapshot', () => {
    template.hasResource('AWS::RDS::DBInstance', {
      DeletionPolicy: 'Delete',
      UpdateReplacePolicy: 'Delete',
      Properties: Match.objectLike({
        Engine: 'mysql',
        EngineVersion: Match.stringLikeRegexp('^8\\.4\\.\\d+$'),
        DBInstanceClass: 'db.t4g.micro',
        AllocatedStorage: '20',
        StorageType: 'gp3',
        StorageEncrypted: true,
        PubliclyAccessible: false,
        DeletionProtection: false,
        DeleteAutomatedBackups: true,
        BackupRetentionPeriod: 1,
        MaxAllocatedStorage: Match.absent(),
      }),
    });
    template.hasResourceProperties('AWS::RDS::DBParameterGroup', {
      Family: 'mysql8.4',
      Parameters: { require_secure_transport: 'ON' },
    });
  });

  it('runs an SSM-only t4g.nano bastion: IMDSv2, encrypted root volume, no SSH key, AMI from SSM', () => {
    const instance = onlyProperties(template, 'AWS::EC2::Instance');
    expect(instance.InstanceType).toBe('t4g.nano');
    expect(instance.KeyName).toBeUndefined();
    expect(instance.BlockDeviceMappings).toEqual([expect.objectContaining({ Ebs: expect.objectContaining({ Encrypted: true, DeleteOnTermination: true }) })]);
    const imageParam = (instance.ImageId as { Ref: string }).Ref;
    expect(template.toJSON().Parameters[imageParam]).toMatchObject({
      Type: 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>',
      Default: expect.stringMatching(/^\/aws\/service\/ami-amazon-linux-latest\/al2023-ami-.*arm64$/),
    });
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: { MetadataOptions: { HttpTokens: 'required' } },
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      ManagedPolicyArns: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AmazonSSMManagedInstanceCore']] }],
    });
  });

  it('keeps both secrets deletable with the stack', () => {
    const secrets = template.findResources('AWS::SecretsManager::Secret');
    expect(Object.keys(secrets)).toHaveLength(2);
    for (const secret of Object.values(secrets)) {
      expect(secret.DeletionPolicy).toBe('Delete');
      expect(secret.Properties?.Name).toBeUndefined();
    }
  });

  it('retains nothing when the stack is deleted', () => {
    for (const [id, resource] of Object.entries(template.toJSON().Resources as Record<string, Record<string, unknown>>)) {
      if (resource.Type === 'AWS::CDK::Metadata') continue;
      expect.soft(resource.DeletionPolicy ?? 'Delete', id).toBe('Delete');
      expect.soft(resource.UpdateReplacePolicy ?? 'Delete', id).toBe('Delete');
    }
  });

  it('tags the stack itself, so CloudFormation tags what CDK cannot', () => {
    expect(stack.tags.tagValues()).toMatchObject(LAB_TAGS);
  });

  it('tags every taggable resource for the lab', () => {
    let taggable = 0;
    for (const construct of stack.node.findAll()) {
      if (!CfnResource.isCfnResource(construct)) continue;
      const tags = TagManager.of(construct);
      if (!tags) continue;
      taggable++;
      expect.soft(tags.tagValues(), construct.node.path).toMatchObject(LAB_TAGS);
    }
    expect(taggable).toBeGreaterThanOrEqual(20);

    for (const [id, resource] of Object.entries(template.toJSON().Resources as Record<string, { Properties?: Record<string, unknown> }>)) {
      if (resource.Properties?.Tags === undefined) continue;
      expect.soft(renderedTags(resource.Properties), id).toMatchObject(LAB_TAGS);
    }
    for (const type of [
      'AWS::ElastiCache::ReplicationGroup',
      'AWS::ElastiCache::SubnetGroup',
      'AWS::RDS::DBInstance',
      'AWS::EC2::Instance',
      'AWS::SecretsManager::Secret',
    ]) {
      for (const resource of Object.values(resourcesOfType(template, type))) {
        expect.soft(renderedTags(resource.Properties), type).toMatchObject(LAB_TAGS);
      }
    }
  });

  it('exports exactly the outputs the checker reads', () => {
    const outputs = template.findOutputs('*');
    expect(Object.keys(outputs).sort()).toEqual([...LAB05_OUTPUT_KEYS].sort());
    expect(Object.values(lab05.stack?.outputs ?? {}).sort()).toEqual([...LAB05_OUTPUT_KEYS].sort());
    expect(outputs.ReplicationGroupId?.Value).toEqual({ Ref: logicalIdOf(stack, stack.cache.replicationGroup) });
    expect(outputs.RedisAuthSecretArn?.Value).toEqual({ Ref: logicalIdOf(stack, stack.cache.authSecret) });
    expect(outputs.DbSecretArn?.Value).toEqual({ Ref: logicalIdOf(stack, stack.database.secret) });
    expect(outputs.DbName?.Value).toBe('labdb');
  });

  if (solution) {
    it('solution: a primary and two replicas, Multi-AZ, automatic failover', () => {
      template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
        NumCacheClusters: 3,
        MultiAZEnabled: true,
        AutomaticFailoverEnabled: true,
      });
    });
  } else {
    it('learner: the starting point is a single node without failover', () => {
      template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
        NumCacheClusters: 1,
        MultiAZEnabled: false,
        AutomaticFailoverEnabled: false,
      });
    });
  }
});
