import { App, CfnResource, TagManager } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { lab01 } from '../../labs/01-rds-multi-az/lab.js';
import { stackConfig as learnerConfig } from '../../labs/01-rds-multi-az/stack-config.js';
import { stackConfig as solutionConfig } from '../../solutions/01-rds-multi-az/stack-config.js';
import { addLab01Stack, LAB01_OUTPUT_KEYS, LAB01_STACK_NAME, RdsMultiAzStack } from '../01-rds-multi-az.js';
import { MYSQL_ENGINE_VERSION } from '../shared/mysql.js';
import { InvalidRdsConfig, multiAzSetting, type RdsMultiAzConfig } from '../shared/rds-config.js';
import { LAB_TAG_KEY, MANAGED_TAG_KEY } from '../shared/secure-defaults.js';
import { renderedTags, resourcesOfType, SYNTH_TIMEOUT_MS, VARIANTS } from './support.js';
import { groupIdOf, ingressRules, logicalIdOf, onlyResource, templateApp } from './template-support.js';

const LAB_TAGS = { [LAB_TAG_KEY]: '01', [MANAGED_TAG_KEY]: 'true' };

/** A plugin-free app (Template.fromStack would run cdk-nag); validation is covered in lab01-synth.test.ts. */
function templateOf(solution: boolean): { stack: RdsMultiAzStack; template: Template } {
  const stack = addLab01Stack(templateApp(), { solution });
  return { stack, template: Template.fromStack(stack) };
}

describe.each(VARIANTS)('Lab 1 stack, $name variant', ({ solution }) => {
  let stack: RdsMultiAzStack;
  let template: Template;

  beforeAll(() => {
    ({ stack, template } = templateOf(solution));
  }, SYNTH_TIMEOUT_MS);

  it('uses the stack name the checker deploys and reads', () => {
    expect(stack.stackName).toBe(LAB01_STACK_NAME);
    expect(lab01.stack?.name).toBe(LAB01_STACK_NAME);
  });

  it('runs a small, private, encrypted MySQL 8.4 with a week of backups that is deleted without a snapshot', () => {
    template.resourceCountIs('AWS::RDS::DBInstance', 1);
    template.hasResource('AWS::RDS::DBInstance', {
      DeletionPolicy: 'Delete',
      UpdateReplacePolicy: 'Delete',
      Properties: Match.objectLike({
        Engine: 'mysql',
        EngineVersion: MYSQL_ENGINE_VERSION.mysqlFullVersion,
        DBInstanceClass: 'db.t4g.micro',
        AllocatedStorage: '20',
        StorageType: 'gp3',
        StorageEncrypted: true,
        PubliclyAccessible: false,
        DeletionProtection: false,
        DeleteAutomatedBackups: true,
        BackupRetentionPeriod: 7,
        Port: '3306',
        DBName: 'labdb',
        AvailabilityZone: Match.absent(),
      }),
    });
    expect(MYSQL_ENGINE_VERSION.mysqlFullVersion).toMatch(/^8\.4\.\d+$/);
  });

  it('pins what the lab metadata says it requires (engine, version, class, storage type)', () => {
    const db = onlyResource(template, 'AWS::RDS::DBInstance').Properties!;
    expect(lab01.requires?.rds).toEqual([
      { engine: db.Engine, engineVersion: db.EngineVersion, instanceClass: db.DBInstanceClass, storageType: db.StorageType },
    ]);
  });

  it('grows storage automatically from 20 GiB up to 100 GiB', () => {
    const db = onlyResource(template, 'AWS::RDS::DBInstance').Properties!;
    expect(db.AllocatedStorage).toBe('20');
    expect(db.MaxAllocatedStorage).toBe(100);
  });

  it('publishes Enhanced Monitoring every 60 s through a role only RDS monitoring can assume', () => {
    const db = onlyResource(template, 'AWS::RDS::DBInstance').Properties!;
    expect(db.MonitoringInterval).toBe(60);
    const roleId = logicalIdOf(stack, stack.database.monitoringRole!);
    expect(db.MonitoringRoleArn).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
    const role = template.findResources('AWS::IAM::Role')[roleId]!;
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'monitoring.rds.amazonaws.com' } },
    ]);
    expect(role.Properties.ManagedPolicyArns).toEqual([
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole']] },
    ]);
    expect(role.Properties.Policies).toBeUndefined();
  });

  it('requires TLS through its own parameter group', () => {
    const groups = resourcesOfType(template, 'AWS::RDS::DBParameterGroup');
    expect(Object.keys(groups)).toHaveLength(1);
    const [groupId, group] = Object.entries(groups)[0]!;
    expect(group.Properties).toMatchObject({ Family: 'mysql8.4', Parameters: { require_secure_transport: 'ON' } });
    expect(onlyResource(template, 'AWS::RDS::DBInstance').Properties!.DBParameterGroupName).toEqual({ Ref: groupId });
  });

  it('lets RDS own the master password secret: no password or secret in the template', () => {
    const db = onlyResource(template, 'AWS::RDS::DBInstance').Properties!;
    expect(db.ManageMasterUserPassword).toBe(true);
    expect(db.MasterUsername).toBe('admin');
    expect(db.MasterUserPassword).toBeUndefined();
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    expect(JSON.stringify(template.toJSON())).not.toMatch(/resolve:secretsmanager/);
  });

  it('puts the database in the isolated subnets of two AZs', () => {
    const isolated = stack.network.vpc.isolatedSubnets;
    expect(isolated).toHaveLength(2);
    template.hasResourceProperties('AWS::RDS::DBSubnetGroup', { SubnetIds: isolated.map((s) => ({ Ref: logicalIdOf(stack, s) })) });
    const subnets = resourcesOfType(template, 'AWS::EC2::Subnet');
    const azs = isolated.map((s) => subnets[logicalIdOf(stack, s)]!.Properties?.AvailabilityZone);
    expect(azs).toEqual([{ 'Fn::Select': [0, { 'Fn::GetAZs': '' }] }, { 'Fn::Select': [1, { 'Fn::GetAZs': '' }] }]);
    for (const s of isolated) {
      expect(subnets[logicalIdOf(stack, s)]!.Properties?.MapPublicIpOnLaunch).toBe(false);
    }
  });

  it('has no NAT gateway and no hard-coded AZ', () => {
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    template.resourceCountIs('AWS::EC2::EIP', 0);
    const subnets = Object.values(resourcesOfType(template, 'AWS::EC2::Subnet'));
    expect(subnets).toHaveLength(4);
    for (const subnet of subnets) {
      expect(subnet.Properties?.AvailabilityZone).toEqual({ 'Fn::Select': [expect.any(Number), { 'Fn::GetAZs': '' }] });
    }
    expect(JSON.stringify(template.toJSON())).not.toMatch(/\b[a-z]{2}(-gov)?-[a-z]+-\d[a-z]\b/);
  });

  it('admits no traffic from 0.0.0.0/0 or ::/0 anywhere', () => {
    for (const rule of ingressRules(template)) {
      expect(rule.cidrIp).not.toBe('0.0.0.0/0');
      expect(rule.cidrIpv6).not.toBe('::/0');
    }
  });

  it('admits 3306 only from the bastion security group, and nothing into the bastion', () => {
    const bastionSg = groupIdOf(stack, stack.bastion.securityGroup);
    expect(ingressRules(template)).toEqual([
      expect.objectContaining({
        groupId: groupIdOf(stack, stack.database.securityGroup),
        sourceSecurityGroupId: bastionSg,
        protocol: 'tcp',
        fromPort: 3306,
        toPort: 3306,
      }),
    ]);
    // The database group allows no egress (CDK renders allowAllOutbound: false as a placeholder that matches nothing).
    const dbGroup = resourcesOfType(template, 'AWS::EC2::SecurityGroup')[logicalIdOf(stack, stack.database.securityGroup)]!;
    expect(dbGroup.Properties?.SecurityGroupEgress).toEqual([expect.objectContaining({ CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic' })]);
    expect(onlyResource(template, 'AWS::RDS::DBInstance').Properties!.VPCSecurityGroups).toEqual([groupIdOf(stack, stack.database.securityGroup)]);
  });

  it('runs the SSM-only t4g.nano bastion: no SSH key, IMDSv2', () => {
    const instance = onlyResource(template, 'AWS::EC2::Instance').Properties!;
    expect(instance.InstanceType).toBe('t4g.nano');
    expect(instance.KeyName).toBeUndefined();
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: { MetadataOptions: { HttpTokens: 'required' } },
    });
  });

  it('sends VPC flow logs to a short-lived log group that is deleted with the stack', () => {
    template.resourceCountIs('AWS::EC2::FlowLog', 1);
    const logGroup = onlyResource(template, 'AWS::Logs::LogGroup');
    expect(logGroup.DeletionPolicy).toBe('Delete');
    expect(logGroup.Properties?.RetentionInDays).toBeLessThanOrEqual(7);
  });

  it('retains nothing when the stack is deleted', () => {
    for (const [id, resource] of Object.entries(template.toJSON().Resources as Record<string, Record<string, unknown>>)) {
      if (resource.Type === 'AWS::CDK::Metadata') continue;
      expect.soft(resource.DeletionPolicy, id).toBe('Delete');
      expect.soft(resource.UpdateReplacePolicy, id).toBe('Delete');
    }
  });

  it('tags the stack and every taggable resource for lab 01', () => {
    expect(stack.tags.tagValues()).toMatchObject(LAB_TAGS);
    let taggable = 0;
    for (const construct of stack.node.findAll()) {
      if (!CfnResource.isCfnResource(construct)) continue;
      const tags = TagManager.of(construct);
      if (!tags) continue;
      taggable++;
      expect.soft(tags.tagValues(), construct.node.path).toMatchObject(LAB_TAGS);
    }
    expect(taggable).toBeGreaterThanOrEqual(15);
    for (const type of [
      'AWS::RDS::DBInstance',
      'AWS::RDS::DBParameterGroup',
      'AWS::RDS::DBSubnetGroup',
      'AWS::EC2::Instance',
      'AWS::IAM::Role',
      'AWS::EC2::VPC',
    ]) {
      for (const resource of Object.values(resourcesOfType(template, type))) {
        expect.soft(renderedTags(resource.Properties), type).toMatchObject(LAB_TAGS);
      }
    }
  });

  it('exports exactly the outputs the checker reads', () => {
    const outputs = template.findOutputs('*');
    expect(Object.keys(outputs).sort()).toEqual([...LAB01_OUTPUT_KEYS].sort());
    expect(Object.values(lab01.stack?.outputs ?? {}).sort()).toEqual([...LAB01_OUTPUT_KEYS].sort());
    const dbId = logicalIdOf(stack, stack.database.instance);
    expect(outputs.DbInstanceId?.Value).toEqual({ Ref: dbId });
    expect(outputs.DbEndpoint?.Value).toEqual({ 'Fn::GetAtt': [dbId, 'Endpoint.Address'] });
    expect(outputs.DbPort?.Value).toEqual({ 'Fn::GetAtt': [dbId, 'Endpoint.Port'] });
    expect(outputs.DbSecretArn?.Value).toEqual({ 'Fn::GetAtt': [dbId, 'MasterUserSecret.SecretArn'] });
    expect(outputs.DbName?.Value).toBe('labdb');
    expect(outputs.DbSecurityGroupId?.Value).toEqual(groupIdOf(stack, stack.database.securityGroup));
    expect(outputs.BastionSecurityGroupId?.Value).toEqual(groupIdOf(stack, stack.bastion.securityGroup));
    expect(outputs.ParameterGroupName?.Value).toEqual({ Ref: Object.keys(resourcesOfType(template, 'AWS::RDS::DBParameterGroup'))[0] });
    expect(outputs.BastionInstanceId?.Value).toEqual({ Ref: logicalIdOf(stack, stack.bastion.instance) });
  });

  if (solution) {
    it('solution: Multi-AZ, with RDS placing the standby', () => {
      expect(solutionConfig).toEqual({ multiAz: true });
      template.hasResourceProperties('AWS::RDS::DBInstance', { MultiAZ: true, AvailabilityZone: Match.absent() });
    });
  } else {
    it('learner: the starting point is Single-AZ', () => {
      expect(learnerConfig).toEqual({ multiAz: false });
      template.hasResourceProperties('AWS::RDS::DBInstance', { MultiAZ: false });
    });
  }
});

describe('Lab 1 stack config', () => {
  it('accepts true and false', () => {
    expect(multiAzSetting({ multiAz: true })).toBe(true);
    expect(multiAzSetting({ multiAz: false })).toBe(false);
  });

  it.each([
    [{ multiAz: 'true' }, /multiAz must be true or false, got "true"/],
    [{ multiAz: 1 }, /multiAz must be true or false, got 1/],
    [{}, /multiAz must be true or false, got undefined/],
  ])('rejects %o at synth with a clear error', (config, message) => {
    expect(() => multiAzSetting(config as unknown as RdsMultiAzConfig)).toThrow(InvalidRdsConfig);
    expect(() => new RdsMultiAzStack(new App(), 'Impossible', { availability: config as unknown as RdsMultiAzConfig })).toThrow(message);
  });
});
