import { App, CfnResource, TagManager } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { lab02 } from '../../labs/02-read-replicas/lab.js';
import { stackConfig as learnerConfig } from '../../labs/02-read-replicas/stack-config.js';
import { stackConfig as solutionConfig } from '../../solutions/02-read-replicas/stack-config.js';
import { addLab02Stack, LAB02_OUTPUT_KEYS, LAB02_REPLICA_OUTPUT_KEYS, LAB02_STACK_NAME, ReadReplicasStack } from '../02-read-replicas.js';
import { LabStack } from '../shared/lab-stack.js';
import { LabMysql, MYSQL_ENGINE_VERSION } from '../shared/mysql.js';
import { InvalidRdsConfig, MAX_READ_REPLICAS, type ReadReplicaConfig, readReplicaCount } from '../shared/rds-config.js';
import { LAB_TAG_KEY, MANAGED_TAG_KEY } from '../shared/secure-defaults.js';
import { renderedTags, resourcesOfType, SYNTH_TIMEOUT_MS, VARIANTS } from './support.js';
import { AZ, groupIdOf, ingressRules, logicalIdOf, onlyResource, templateApp } from './template-support.js';

const LAB_TAGS = { [LAB_TAG_KEY]: '02', [MANAGED_TAG_KEY]: 'true' };

function templateOf(solution: boolean): { stack: ReadReplicasStack; template: Template } {
  const stack = addLab02Stack(templateApp(), { solution });
  return { stack, template: Template.fromStack(stack) };
}

describe.each(VARIANTS)('Lab 2 stack, $name variant', ({ solution }) => {
  let stack: ReadReplicasStack;
  let template: Template;
  let primaryId: string;

  beforeAll(() => {
    ({ stack, template } = templateOf(solution));
    primaryId = logicalIdOf(stack, stack.database.instance);
  }, SYNTH_TIMEOUT_MS);

  it('uses the stack name the checker deploys and reads', () => {
    expect(stack.stackName).toBe(LAB02_STACK_NAME);
    expect(lab02.stack?.name).toBe(LAB02_STACK_NAME);
  });

  it('runs a Single-AZ, private, encrypted MySQL 8.4 primary with backups on, deleted without a snapshot', () => {
    const primary = resourcesOfType(template, 'AWS::RDS::DBInstance')[primaryId]!;
    expect(primary.DeletionPolicy).toBe('Delete');
    expect(primary.Properties).toMatchObject({
      Engine: 'mysql',
      EngineVersion: MYSQL_ENGINE_VERSION.mysqlFullVersion,
      DBInstanceClass: 'db.t4g.micro',
      AllocatedStorage: '20',
      MaxAllocatedStorage: 100,
      StorageType: 'gp3',
      StorageEncrypted: true,
      PubliclyAccessible: false,
      MultiAZ: false,
      AvailabilityZone: AZ(0),
      DeletionProtection: false,
      DeleteAutomatedBackups: true,
      Port: '3306',
      DBName: 'labdb',
    });
    // Replicas need automated backups on their source.
    expect(primary.Properties?.BackupRetentionPeriod).toBeGreaterThanOrEqual(1);
    expect(primary.Properties?.SourceDBInstanceIdentifier).toBeUndefined();
  });

  it('pins what the lab metadata says it requires (engine, version, class, storage type)', () => {
    const db = resourcesOfType(template, 'AWS::RDS::DBInstance')[primaryId]!.Properties!;
    expect(lab02.requires?.rds).toEqual([
      { engine: db.Engine, engineVersion: db.EngineVersion, instanceClass: db.DBInstanceClass, storageType: db.StorageType },
    ]);
  });

  it('requires TLS through one parameter group that every instance uses', () => {
    const groups = resourcesOfType(template, 'AWS::RDS::DBParameterGroup');
    expect(Object.keys(groups)).toHaveLength(1);
    const [groupId, group] = Object.entries(groups)[0]!;
    expect(group.Properties).toMatchObject({ Family: 'mysql8.4', Parameters: { require_secure_transport: 'ON' } });
    for (const db of Object.values(resourcesOfType(template, 'AWS::RDS::DBInstance'))) {
      expect(db.Properties?.DBParameterGroupName).toEqual({ Ref: groupId });
    }
  });

  it('keeps the credentials in a stack-owned secret (RDS cannot replicate an instance whose secret it manages)', () => {
    const secretId = logicalIdOf(stack, stack.database.secret);
    const primary = resourcesOfType(template, 'AWS::RDS::DBInstance')[primaryId]!.Properties!;
    expect(primary.ManageMasterUserPassword).toBeUndefined();
    expect(primary.MasterUserPassword).toEqual({ 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: secretId }, ':SecretString:password::}}']] });
    const secrets = template.findResources('AWS::SecretsManager::Secret');
    expect(Object.keys(secrets)).toEqual([secretId]);
    expect(secrets[secretId]!.DeletionPolicy).toBe('Delete');
    expect(secrets[secretId]!.Properties?.Name).toBeUndefined();
  });

  it('puts every instance in the isolated subnets of two AZs', () => {
    const isolated = stack.network.vpc.isolatedSubnets.map((s) => ({ Ref: logicalIdOf(stack, s) }));
    expect(isolated).toHaveLength(2);
    const groups = Object.values(resourcesOfType(template, 'AWS::RDS::DBSubnetGroup'));
    expect(groups).toHaveLength(1 + stack.replicas.length);
    for (const g of groups) expect(g.Properties?.SubnetIds).toEqual(isolated);
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

  it('admits 3306 only from the bastion security group, to the primary and the replicas alike', () => {
    const dbSg = groupIdOf(stack, stack.database.securityGroup);
    expect(ingressRules(template)).toEqual([
      expect.objectContaining({
        groupId: dbSg,
        sourceSecurityGroupId: groupIdOf(stack, stack.bastion.securityGroup),
        protocol: 'tcp',
        fromPort: 3306,
        toPort: 3306,
      }),
    ]);
    for (const db of Object.values(resourcesOfType(template, 'AWS::RDS::DBInstance'))) {
      expect(db.Properties?.VPCSecurityGroups).toEqual([dbSg]);
      expect(db.Properties?.PubliclyAccessible).toBe(false);
    }
  });

  it('runs the SSM-only t4g.nano bastion', () => {
    const instance = onlyResource(template, 'AWS::EC2::Instance').Properties!;
    expect(instance.InstanceType).toBe('t4g.nano');
    expect(instance.KeyName).toBeUndefined();
  });

  it('retains nothing when the stack is deleted', () => {
    for (const [id, resource] of Object.entries(template.toJSON().Resources as Record<string, Record<string, unknown>>)) {
      if (resource.Type === 'AWS::CDK::Metadata') continue;
      expect.soft(resource.DeletionPolicy, id).toBe('Delete');
      expect.soft(resource.UpdateReplacePolicy, id).toBe('Delete');
    }
  });

  it('tags the stack and every taggable resource for lab 02', () => {
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
    for (const type of ['AWS::RDS::DBInstance', 'AWS::RDS::DBParameterGroup', 'AWS::RDS::DBSubnetGroup', 'AWS::EC2::Instance', 'AWS::SecretsManager::Secret']) {
      for (const resource of Object.values(resourcesOfType(template, type))) {
        expect.soft(renderedTags(resource.Properties), type).toMatchObject(LAB_TAGS);
      }
    }
  });

  it('exports the outputs the checker reads, with exact keys', () => {
    const outputs = template.findOutputs('*');
    expect(Object.values(lab02.stack?.outputs ?? {}).sort()).toEqual([...LAB02_OUTPUT_KEYS].sort());
    const expected = solution ? [...LAB02_OUTPUT_KEYS] : LAB02_OUTPUT_KEYS.filter((k) => !LAB02_REPLICA_OUTPUT_KEYS.includes(k));
    expect(Object.keys(outputs).sort()).toEqual(expected.sort());
    expect(outputs.PrimaryInstanceId?.Value).toEqual({ Ref: primaryId });
    expect(outputs.PrimaryEndpoint?.Value).toEqual({ 'Fn::GetAtt': [primaryId, 'Endpoint.Address'] });
    expect(outputs.DbPort?.Value).toEqual({ 'Fn::GetAtt': [primaryId, 'Endpoint.Port'] });
    expect(outputs.DbSecretArn?.Value).toEqual({ Ref: logicalIdOf(stack, stack.database.secret) });
    expect(outputs.DbName?.Value).toBe('labdb');
    expect(outputs.BastionInstanceId?.Value).toEqual({ Ref: logicalIdOf(stack, stack.bastion.instance) });
  });

  if (solution) {
    it('solution: one read replica of the primary, same class, in the other AZ, encryption inherited', () => {
      expect(solutionConfig).toEqual({ readReplicas: 1 });
      expect(stack.replicas).toHaveLength(1);
      const replicaId = logicalIdOf(stack, stack.replicas[0]!);
      const replica = resourcesOfType(template, 'AWS::RDS::DBInstance')[replicaId]!;
      expect(replica.DeletionPolicy).toBe('Delete');
      expect(replica.Properties).toMatchObject({
        SourceDBInstanceIdentifier: { 'Fn::Join': ['', expect.arrayContaining([{ Ref: primaryId }])] },
        DBInstanceClass: 'db.t4g.micro',
        StorageType: 'gp3',
        MaxAllocatedStorage: 100,
        MultiAZ: false,
        AvailabilityZone: AZ(1),
        Port: '3306',
        DeletionProtection: false,
        DeleteAutomatedBackups: true,
      });
      // Inherited from the encrypted source; setting it on a replica fails validation (F3020).
      expect(replica.Properties?.StorageEncrypted).toBeUndefined();
      // Engine, version, storage size, user and database all come from the source.
      for (const key of ['Engine', 'EngineVersion', 'AllocatedStorage', 'MasterUsername', 'MasterUserPassword', 'DBName', 'BackupRetentionPeriod']) {
        expect(replica.Properties?.[key], key).toBeUndefined();
      }
      const outputs = template.findOutputs('*');
      expect(outputs.ReplicaInstanceId?.Value).toEqual({ Ref: replicaId });
      expect(outputs.ReplicaEndpoint?.Value).toEqual({ 'Fn::GetAtt': [replicaId, 'Endpoint.Address'] });
    });
  } else {
    it('learner: the starting point is the primary alone', () => {
      expect(learnerConfig).toEqual({ readReplicas: 0 });
      expect(stack.replicas).toHaveLength(0);
      template.resourceCountIs('AWS::RDS::DBInstance', 1);
    });
  }
});

describe('Lab 2 stack with the most replicas the lab allows', () => {
  it(
    `builds ${MAX_READ_REPLICAS} replicas of the primary, alternating AZs; the outputs name the first`,
    () => {
      const stack = new ReadReplicasStack(templateApp(), 'Two', { replication: { readReplicas: MAX_READ_REPLICAS } });
      const template = Template.fromStack(stack);
      const primaryId = logicalIdOf(stack, stack.database.instance);
      const dbs = resourcesOfType(template, 'AWS::RDS::DBInstance');
      expect(Object.keys(dbs)).toHaveLength(1 + MAX_READ_REPLICAS);
      expect(stack.replicas.map((r) => dbs[logicalIdOf(stack, r)]!.Properties?.AvailabilityZone)).toEqual([AZ(1), AZ(0)]);
      for (const r of stack.replicas) {
        expect(dbs[logicalIdOf(stack, r)]!.Properties?.SourceDBInstanceIdentifier).toEqual({ 'Fn::Join': ['', expect.arrayContaining([{ Ref: primaryId }])] });
      }
      expect(template.findOutputs('*').ReplicaInstanceId?.Value).toEqual({ Ref: logicalIdOf(stack, stack.replicas[0]!) });
    },
    SYNTH_TIMEOUT_MS,
  );
});

describe('Lab 2 stack config', () => {
  it.each([0, 1, MAX_READ_REPLICAS])('accepts %d replicas', (n) => {
    expect(readReplicaCount({ readReplicas: n })).toBe(n);
  });

  it.each([
    [{ readReplicas: -1 }, /readReplicas must be a whole number from 0 to 2, got -1/],
    [{ readReplicas: MAX_READ_REPLICAS + 1 }, /from 0 to 2, got 3/],
    [{ readReplicas: 1.5 }, /whole number from 0 to 2, got 1.5/],
    [{ readReplicas: '1' }, /whole number from 0 to 2, got "1"/],
    [{}, /got undefined/],
  ])('rejects %o at synth with a clear error', (config, message) => {
    expect(() => readReplicaCount(config as unknown as ReadReplicaConfig)).toThrow(InvalidRdsConfig);
    expect(() => new ReadReplicasStack(new App(), 'Impossible', { replication: config as unknown as ReadReplicaConfig })).toThrow(message);
  });
});

describe('LabMysql read replicas', () => {
  function labMysql(props: Partial<ConstructorParameters<typeof LabMysql>[2]>): LabMysql {
    const stack = new LabStack(new App(), 'Db', { labId: 2 });
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    return new LabMysql(stack, 'Database', { vpc, subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, databaseName: 'labdb', ...props });
  }

  it('refuses a replica of an instance whose password RDS manages (RDS rejects it)', () => {
    expect(() => labMysql({ manageMasterUserPassword: true }).addReadReplica('Replica')).toThrow(/cannot create a read replica/);
  });

  it('refuses an AZ on a Multi-AZ instance', () => {
    expect(() => labMysql({ multiAz: true, availabilityZone: 'x' })).toThrow(/Single-AZ instance only/);
  });
});
