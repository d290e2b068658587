/**
 * One source for every lab fact: the CDK app lists each lab's stack once,
 * and the shared constructs build what the lab's `requires` states rather
 * than constants of their own.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { describe, expect, it } from 'vitest';
import { labs } from '../../labs/index.js';
import { LAB_STACKS } from '../lab-app.js';
import { LabAuroraCluster } from '../shared/aurora.js';
import { LabMysql } from '../shared/mysql.js';
import { LabValkeyCache } from '../shared/valkey.js';
import { onlyResource } from './template-support.js';

/** CloudFormation validation is not what these tests judge (synth-validation.test.ts does); loading it costs seconds. */
const plainApp = () => new App({ builtinCloudFormationValidation: false });

function isolatedVpc(stack: Stack): ec2.Vpc {
  return new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
}
const SUBNETS = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };

describe('the CDK app lists every lab stack once', () => {
  it('keys each entry labNN by its lab number', () => {
    for (const [key, entry] of Object.entries(LAB_STACKS)) {
      expect(key).toBe(`lab${String(entry.lab.id).padStart(2, '0')}`);
    }
  });

  it('has an entry for every lab in the registry that declares a stack, with the same metadata', () => {
    const listed = Object.values(LAB_STACKS).map((e) => e.lab);
    for (const lab of labs.filter((l) => l.stack)) {
      expect(listed, `lab ${lab.id}`).toContain(lab);
    }
    expect(listed).toHaveLength(labs.filter((l) => l.stack).length);
  });
});

describe("the shared constructs build what the lab's requires states", () => {
  it('LabMysql: engine version, class and storage type', () => {
    const stack = new Stack(plainApp(), 'Db');
    new LabMysql(stack, 'Database', {
      vpc: isolatedVpc(stack),
      subnets: SUBNETS,
      databaseName: 'labdb',
      requires: { engine: 'mysql', engineVersion: '8.4.7', instanceClass: 'db.t4g.small', storageType: 'gp2' },
    });
    const db = onlyResource(Template.fromStack(stack), 'AWS::RDS::DBInstance').Properties!;
    expect([db.Engine, db.EngineVersion, db.DBInstanceClass, db.StorageType]).toEqual(['mysql', '8.4.7', 'db.t4g.small', 'gp2']);
  });

  it('LabMysql refuses an engine it does not create', () => {
    const stack = new Stack(plainApp(), 'Db');
    expect(
      () =>
        new LabMysql(stack, 'Database', {
          vpc: isolatedVpc(stack),
          subnets: SUBNETS,
          databaseName: 'labdb',
          requires: { engine: 'aurora-mysql', engineVersion: '8.0.mysql_aurora.3.10.4', instanceClass: 'db.t4g.medium' },
        }),
    ).toThrow(/requires engine "aurora-mysql"/);
  });

  it('LabAuroraCluster: engine version and the class of every provisioned instance', () => {
    const stack = new Stack(plainApp(), 'Db');
    new LabAuroraCluster(stack, 'Database', {
      vpc: isolatedVpc(stack),
      subnets: SUBNETS,
      databaseName: 'labdb',
      requires: { engine: 'aurora-mysql', engineVersion: '8.0.mysql_aurora.3.08.2', instanceClass: 'db.r7g.large' },
      instances: { kind: 'provisioned', writerAvailabilityZone: 'us-east-1a', readerAvailabilityZones: ['us-east-1b'] },
    });
    const template = Template.fromStack(stack);
    expect(onlyResource(template, 'AWS::RDS::DBCluster').Properties!.EngineVersion).toBe('8.0.mysql_aurora.3.08.2');
    const classes = Object.values(template.findResources('AWS::RDS::DBInstance')).map(
      (r) => (r as { Properties: { DBInstanceClass: string } }).Properties.DBInstanceClass,
    );
    expect(classes).toEqual(['db.r7g.large', 'db.r7g.large']);
  });

  it('LabAuroraCluster refuses a provisioned class for a serverless writer', () => {
    const stack = new Stack(plainApp(), 'Db');
    expect(
      () =>
        new LabAuroraCluster(stack, 'Database', {
          vpc: isolatedVpc(stack),
          subnets: SUBNETS,
          databaseName: 'labdb',
          requires: { engine: 'aurora-mysql', engineVersion: '8.0.mysql_aurora.3.10.4', instanceClass: 'db.t4g.medium' },
          instances: { kind: 'serverless', capacity: { minCapacity: 0, maxCapacity: 1, autoPauseSeconds: 300 } },
        }),
    ).toThrow(/requires instance class db\.t4g\.medium but the cluster's writer is Serverless v2/);
  });

  it('LabValkeyCache: engine, version, node type and parameter group family', () => {
    const stack = new Stack(plainApp(), 'Cache');
    new LabValkeyCache(stack, 'Cache', {
      vpc: isolatedVpc(stack),
      subnets: SUBNETS,
      description: 'test cache',
      replication: { replicasPerPrimary: 0, multiAz: false, automaticFailover: false },
      requires: { engine: 'redis', engineVersion: '7.1', nodeType: 'cache.t4g.small' },
    });
    const group = onlyResource(Template.fromStack(stack), 'AWS::ElastiCache::ReplicationGroup').Properties!;
    expect([group.Engine, group.EngineVersion, group.CacheNodeType, group.CacheParameterGroupName]).toEqual([
      'redis',
      '7.1',
      'cache.t4g.small',
      'default.redis7',
    ]);
  });
});
