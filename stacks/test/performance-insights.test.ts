/**
 * Performance Insights only on classes that have it: RDS for MySQL and
 * Aurora MySQL offer none on micro or small classes, and CloudFormation would
 * only say so at deploy time. LabMysql refuses at synth; the last block reads
 * every template the app builds, so a class change anywhere fails here too.
 */
import { App } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import { beforeAll, describe, expect, it } from 'vitest';
import { LAB06_INSTANCE_TYPE } from '../06-performance-insights.js';
import { LabStack } from '../shared/lab-stack.js';
import { LabMysql } from '../shared/mysql.js';
import { assertPerformanceInsightsClass, PerformanceInsightsUnsupported, supportsPerformanceInsights } from '../shared/performance-insights.js';
import { SHARED_SYNTH_TIMEOUT_MS, sharedAssembly } from './shared-synth.js';
import { VARIANTS } from './support.js';

const PI = { retention: rds.PerformanceInsightRetention.DEFAULT, databaseInsightsMode: rds.DatabaseInsightsMode.STANDARD };

describe('supportsPerformanceInsights', () => {
  it.each([
    ['db.t4g.micro', false],
    ['db.t4g.small', false],
    ['db.t3.micro', false],
    ['db.t3.small', false],
    ['db.t4g.medium', true],
    ['db.t4g.large', true],
    ['db.m7g.large', true],
    ['db.r8g.xlarge', true],
    ['db.serverless', true],
  ])('%s -> %s', (instanceClass, expected) => {
    expect(supportsPerformanceInsights(instanceClass)).toBe(expected);
  });

  it('reads CDK instance types too', () => {
    expect(supportsPerformanceInsights(ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.SMALL))).toBe(false);
    expect(supportsPerformanceInsights(LAB06_INSTANCE_TYPE)).toBe(true);
  });

  it('explains the refusal and names the smallest class that works', () => {
    expect(() => assertPerformanceInsightsClass('t4g.micro')).toThrow(
      /Performance Insights is not available on db\.t4g\.micro: .* Use db\.t4g\.medium or larger\./,
    );
  });
});

describe('LabMysql with Performance Insights', () => {
  function labMysql(instanceType: ec2.InstanceType): LabMysql {
    const stack = new LabStack(new App(), 'Db', { labId: 6 });
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    return new LabMysql(stack, 'Database', {
      vpc,
      subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      databaseName: 'labdb',
      instanceType,
      performanceInsights: PI,
      manageMasterUserPassword: true,
    });
  }

  it.each([ec2.InstanceSize.MICRO, ec2.InstanceSize.SMALL])('refuses it on db.t4g.%s at synth', (size) => {
    expect(() => labMysql(ec2.InstanceType.of(ec2.InstanceClass.T4G, size))).toThrow(PerformanceInsightsUnsupported);
  });

  it('builds it on db.t4g.medium', () => {
    expect(labMysql(ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MEDIUM)).instanceType.toString()).toBe('t4g.medium');
  });
});

describe.each(VARIANTS)('every instance with Performance Insights the app builds ($name variant)', ({ name, solution }) => {
  let withPi: { stack: string; id: string; instanceClass: string }[];

  beforeAll(async () => {
    // Every stack of the app as the CLI builds it, synthesised once per run (shared-synth.ts).
    const assembly = await sharedAssembly(solution ? 'app-solution' : 'app-learner');
    withPi = assembly.stacks.flatMap((s) =>
      Object.entries((s.template as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> }).Resources)
        .filter(([, r]) => r.Type === 'AWS::RDS::DBInstance' && r.Properties.EnablePerformanceInsights === true)
        .map(([id, r]) => ({ stack: s.stackName, id, instanceClass: r.Properties.DBInstanceClass as string })),
    );
  }, SHARED_SYNTH_TIMEOUT_MS);

  if (name === 'solution') {
    it('includes the Lab 6 instance', () => {
      expect(withPi.map((i) => i.stack)).toContain('DataTierLabs-06-PerformanceInsights');
    });
  }

  it('runs on a class that supports it', () => {
    expect(withPi.filter((i) => !supportsPerformanceInsights(i.instanceClass)).map((i) => `${i.stack} ${i.id}: ${i.instanceClass}`)).toEqual([]);
  });
});
