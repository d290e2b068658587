/**
 * The Aurora rules synth enforces: a Serverless v2 capacity range Aurora
 * accepts, and a minimum of 0 ACUs (auto-pause) only on Aurora MySQL 3.08.0
 * or later. Synth alone would not notice the engine: CloudFormation fails
 * twenty minutes into the deployment. The last block reads every template the
 * app builds, so an older engine slipped in anywhere fails here too.
 */
import { App } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import { beforeAll, describe, expect, it } from 'vitest';
import { AURORA_MYSQL_ENGINE_VERSION, LabAuroraCluster } from '../shared/aurora.js';
import {
  AUTO_PAUSE_MIN_AURORA_MYSQL_VERSION,
  auroraMysqlRelease,
  InvalidAuroraConfig,
  type ServerlessCapacityConfig,
  serverlessCapacity,
  supportsAutoPause,
} from '../shared/aurora-config.js';
import { LabStack } from '../shared/lab-stack.js';
import { SHARED_SYNTH_TIMEOUT_MS, sharedAssembly } from './shared-synth.js';
import { VARIANTS } from './support.js';

const CURRENT = AURORA_MYSQL_ENGINE_VERSION.auroraMysqlFullVersion;
const PAUSING: ServerlessCapacityConfig = { minCapacity: 0, maxCapacity: 16, autoPauseSeconds: 300 };

describe('supportsAutoPause', () => {
  it.each([
    ['8.0.mysql_aurora.3.08.0', true],
    ['8.0.mysql_aurora.3.08.2', true],
    ['8.0.mysql_aurora.3.10.4', true],
    ['8.0.mysql_aurora.3.12.0', true],
    ['8.0.mysql_aurora.3.07.1', false],
    ['8.0.mysql_aurora.3.04.6', false],
    ['5.7.mysql_aurora.2.12.5', false],
  ])('%s -> %s', (version, expected) => {
    expect(supportsAutoPause(version)).toBe(expected);
  });

  it('agrees with the CDK constants on both sides of the line', () => {
    expect(supportsAutoPause(rds.AuroraMysqlEngineVersion.VER_3_08_0.auroraMysqlFullVersion)).toBe(true);
    expect(supportsAutoPause(rds.AuroraMysqlEngineVersion.VER_3_07_1.auroraMysqlFullVersion)).toBe(false);
  });

  it('rejects something that is not an Aurora MySQL version', () => {
    expect(() => auroraMysqlRelease('8.4.10')).toThrow(/not an Aurora MySQL engine version/);
  });
});

describe('serverlessCapacity', () => {
  it('accepts the lab range on the lab engine', () => {
    expect(serverlessCapacity(PAUSING, CURRENT)).toEqual(PAUSING);
  });

  it('accepts a minimum of 0.5 without auto-pause on an older engine', () => {
    expect(serverlessCapacity({ minCapacity: 0.5, maxCapacity: 4 }, '8.0.mysql_aurora.3.07.1')).toEqual({ minCapacity: 0.5, maxCapacity: 4 });
  });

  it(`rejects a minimum of 0 on an engine older than ${AUTO_PAUSE_MIN_AURORA_MYSQL_VERSION}`, () => {
    expect(() => serverlessCapacity(PAUSING, '8.0.mysql_aurora.3.07.1')).toThrow(InvalidAuroraConfig);
    expect(() => serverlessCapacity(PAUSING, '8.0.mysql_aurora.3.07.1')).toThrow(
      /minCapacity 0 \(auto-pause\) needs Aurora MySQL 3\.08\.0 or later; the engine is 8\.0\.mysql_aurora\.3\.07\.1/,
    );
  });

  it.each([
    [{ minCapacity: -0.5, maxCapacity: 4 }, /minCapacity must be 0 to 256 ACUs in half steps/],
    [{ minCapacity: 0.25, maxCapacity: 4 }, /minCapacity must be 0 to 256 ACUs in half steps.*got 0.25/],
    [{ minCapacity: 0, maxCapacity: 0.5, autoPauseSeconds: 300 }, /maxCapacity must be 1 to 256 ACUs/],
    [{ minCapacity: 0, maxCapacity: 300, autoPauseSeconds: 300 }, /maxCapacity must be 1 to 256 ACUs.*got 300/],
    [{ minCapacity: 8, maxCapacity: 4 }, /maxCapacity \(4\) must be at least minCapacity \(8\)/],
    [{ minCapacity: 0, maxCapacity: 4 }, /autoPauseSeconds must be a whole number from 300 to 86400 with minCapacity 0, got undefined/],
    [{ minCapacity: 0, maxCapacity: 4, autoPauseSeconds: 60 }, /autoPauseSeconds must be .* got 60/],
    [{ minCapacity: 0, maxCapacity: 4, autoPauseSeconds: 90_000 }, /got 90000/],
    [{ minCapacity: 1, maxCapacity: 4, autoPauseSeconds: 300 }, /autoPauseSeconds only applies with minCapacity 0/],
    [{ minCapacity: '0', maxCapacity: 4 }, /minCapacity .* got "0"/],
  ])('rejects %o with a clear error', (config, message) => {
    expect(() => serverlessCapacity(config as unknown as ServerlessCapacityConfig, CURRENT)).toThrow(message);
  });
});

describe('LabAuroraCluster with a Serverless v2 writer', () => {
  function cluster(engineVersion: rds.AuroraMysqlEngineVersion, capacity: ServerlessCapacityConfig): LabAuroraCluster {
    const stack = new LabStack(new App(), 'Db', { labId: 4 });
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    return new LabAuroraCluster(stack, 'Database', {
      vpc,
      subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      databaseName: 'labdb',
      engineVersion,
      instances: { kind: 'serverless', capacity },
    });
  }

  it('refuses 0 ACUs on Aurora MySQL 3.07.1 at synth, before anything is created', () => {
    expect(() => cluster(rds.AuroraMysqlEngineVersion.VER_3_07_1, PAUSING)).toThrow(/needs Aurora MySQL 3\.08\.0 or later/);
  });

  it('builds 0 ACUs on 3.08.0, the first release that pauses', () => {
    expect(cluster(rds.AuroraMysqlEngineVersion.VER_3_08_0, PAUSING).serverlessCapacity).toEqual(PAUSING);
  });
});

describe.each(VARIANTS)('every Aurora cluster the app builds ($name variant)', ({ solution }) => {
  let clusters: { stack: string; id: string; version: string; min?: number }[];

  beforeAll(async () => {
    // Every stack of the app as the CLI builds it, synthesised once per run (shared-synth.ts).
    const assembly = await sharedAssembly(solution ? 'app-solution' : 'app-learner');
    clusters = assembly.stacks.flatMap((s) =>
      Object.entries((s.template as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> }).Resources)
        .filter(([, r]) => r.Type === 'AWS::RDS::DBCluster')
        .map(([id, r]) => ({
          stack: s.stackName,
          id,
          version: r.Properties.EngineVersion as string,
          min: (r.Properties.ServerlessV2ScalingConfiguration as { MinCapacity?: number } | undefined)?.MinCapacity,
        })),
    );
  }, SHARED_SYNTH_TIMEOUT_MS);

  it('includes the Lab 4 cluster that scales to 0 ACUs', () => {
    expect(clusters.filter((c) => c.min === 0).map((c) => c.stack)).toContain('DataTierLabs-04-AuroraServerless');
  });

  it(`runs Aurora MySQL ${AUTO_PAUSE_MIN_AURORA_MYSQL_VERSION} or later wherever the minimum is 0 ACUs`, () => {
    // Its own comparison (numeric, part by part), independent of supportsAutoPause.
    const atLeast308 = (v: string) => v.localeCompare('8.0.mysql_aurora.3.08.0', 'en', { numeric: true }) >= 0 && v.startsWith('8.0.mysql_aurora.3.');
    const tooOld = clusters.filter((c) => c.min === 0 && !atLeast308(c.version)).map((c) => `${c.stack} ${c.id}: ${c.version}`);
    expect(tooOld).toEqual([]);
  });
});
