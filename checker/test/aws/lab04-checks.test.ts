import { lab04 } from '../../../labs/04-aurora-serverless/lab.js';
import 'aws-sdk-client-mock-vitest/extend';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeDBClustersCommand, DescribeDBInstancesCommand, RDSClient, type DBCluster, type DBInstance } from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { findServerlessClusterResources, type Lab04Resources } from '../../aws/aurora-resources.js';
import { sampleServerlessCapacity } from '../../aws/serverless-capacity.js';
import { LAB04_AWS_CHECKS, LAB04_SCALING, capacityRoseCheck, runLab04AwsChecks } from '../../checks/04-aurora-serverless/aws.js';
import type { CheckResult } from '../../core/result.js';
import { answerLifecycles, awsError, byId, fakeClients } from './helpers.js';

const rds = mockClient(RDSClient);
const cw = mockClient(CloudWatchClient);
const cfn = mockClient(CloudFormationClient);

const CL = 'dtl04-serverless';
const W = 'dtl04-serverless-writer';
const NOW = new Date('2026-11-22T12:10:20Z');

function cluster(overrides: Partial<DBCluster> = {}): DBCluster {
  return {
    DBClusterIdentifier: CL,
    Status: 'available',
    Engine: 'aurora-mysql',
    EngineVersion: '8.0.mysql_aurora.3.10.4',
    Endpoint: `${CL}.cluster-c1a2b3c4d5e6.us-east-1.rds.amazonaws.com`,
    Port: 3306,
    DBClusterMembers: [{ DBInstanceIdentifier: W, IsClusterWriter: true }],
    ServerlessV2ScalingConfiguration: { MinCapacity: 0, MaxCapacity: 16, SecondsUntilAutoPause: 300 },
    ...overrides,
  };
}

const writer = (overrides: Partial<DBInstance> = {}): DBInstance => ({
  DBInstanceIdentifier: W,
  DBInstanceClass: 'db.serverless',
  DBInstanceStatus: 'available',
  AvailabilityZone: 'us-east-1a',
  ...overrides,
});
const resources = (o: Partial<Lab04Resources> = {}): Lab04Resources => ({
  clusterId: CL,
  stackName: 'DataTierLabs-04-AuroraServerless',
  region: 'us-east-1',
  source: 'stack',
  ...o,
});

const seenFailing = new Set<string>();
const note = (results: CheckResult[]) => {
  for (const r of results) if (r.status === 'fail') seenFailing.add(r.id);
  return byId(results);
};

async function run(c: DBCluster = cluster(), instances: DBInstance[] = [writer()]) {
  rds.on(DescribeDBClustersCommand, { DBClusterIdentifier: CL }).resolves({ DBClusters: [c] });
  rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: instances });
  return note((await runLab04AwsChecks(fakeClients(), resources())).checks);
}

/** CloudWatch answers newest first, as ScanBy TimestampDescending asks. */
function capacity(values: number[], endMinute = Date.parse('2026-11-22T12:09:00Z')) {
  return {
    MetricDataResults: [
      {
        Id: 'acu',
        Label: `${CL} ServerlessDatabaseCapacity`,
        StatusCode: 'Complete' as const,
        Timestamps: values.map((_, i) => new Date(endMinute - i * 60_000)),
        Values: values,
      },
    ],
  };
}

beforeEach(() => {
  rds.reset();
  answerLifecycles(rds);
  cw.reset();
  cfn.reset();
});

describe('runLab04AwsChecks', () => {
  it("passes the lab's serverless cluster", async () => {
    const r = await run();
    expect(Object.values(r).map((c) => [c.id, c.status])).toEqual(
      Object.values(LAB04_AWS_CHECKS)
        .slice(0, 4)
        .map((c) => [c.id, 'pass']),
    );
    expect(r['04.aws.scaling']?.message).toBe(`Serverless v2 scaling of ${CL}: minimum 0 ACU, maximum 16 ACU, auto-pause after 300 s.`);
    expect(r['04.aws.instance-class']?.message).toBe(`The writer ${W} is db.serverless.`);
  });

  it('a cluster that is not available, on another engine, or too old for auto-pause', async () => {
    expect((await run(cluster({ Status: 'creating' })))['04.aws.cluster']?.status).toBe('fail');
    expect((await run(cluster({ Engine: 'aurora-postgresql' })))['04.aws.engine']?.status).toBe('fail');
    const old = (await run(cluster({ EngineVersion: '8.0.mysql_aurora.3.05.2' })))['04.aws.engine']!;
    expect(old).toMatchObject({ status: 'fail' });
    expect(old.message).toContain('scaling to 0 ACUs (auto-pause) needs 3.08.0 or newer');
    answerLifecycles(rds, () => 'deprecated');
    const retired = (await run(cluster({ EngineVersion: '8.0.mysql_aurora.3.08.0' })))['04.aws.engine']!;
    expect(retired.status).toBe('fail');
    expect(retired.message).toContain('8.0.mysql_aurora.3.08.0 is no longer offered by RDS (status deprecated)');
  });

  it('a provisioned cluster has no scaling configuration', async () => {
    const r = await run(cluster({ ServerlessV2ScalingConfiguration: undefined }), [writer({ DBInstanceClass: 'db.r6g.large' })]);
    expect(r['04.aws.scaling']?.message).toContain('has no Serverless v2 scaling configuration');
    expect(r['04.aws.scaling']?.hint).toContain('MinCapacity=0,MaxCapacity=16,SecondsUntilAutoPause=300');
    expect(r['04.aws.instance-class']).toMatchObject({ status: 'fail' });
    expect(r['04.aws.instance-class']?.message).toContain('is a db.r6g.large instance, not db.serverless');
  });

  it.each([
    [{ MinCapacity: 0.5, MaxCapacity: 16 }, 'the minimum is 0.5 ACU, not 0: the cluster never pauses'],
    [{ MinCapacity: 0, MaxCapacity: 64, SecondsUntilAutoPause: 300 }, "above the lab's 16: a runaway load could cost 4x"],
    // The starting stack-config: the ramp hits 1 ACU at once.
    [{ MinCapacity: 0, MaxCapacity: 1, SecondsUntilAutoPause: 300 }, "the maximum is 1 ACU, below the lab's 16"],
    [{ MinCapacity: 0, MaxCapacity: 16, SecondsUntilAutoPause: 3600 }, 'auto-pause is after 3600 seconds, not 300'],
  ])('scaling %j fails: %s', async (config, text) => {
    const r = await run(cluster({ ServerlessV2ScalingConfiguration: config }));
    expect(r['04.aws.scaling']?.status).toBe('fail');
    expect(r['04.aws.scaling']?.message).toContain(text);
  });

  it('a cluster without any instance has no writer to run queries', async () => {
    const r = await run(cluster({ DBClusterMembers: [] }), []);
    expect(r['04.aws.instance-class']?.message).toContain('has no writer instance');
  });

  it('a missing cluster: fail, the rest skipped', async () => {
    rds.on(DescribeDBClustersCommand).rejects(awsError('DBClusterNotFoundFault', 'not found', 404));
    const checks = (await runLab04AwsChecks(fakeClients(), resources())).checks;
    expect(checks.map((c) => c.status)).toEqual(['fail', 'skipped', 'skipped', 'skipped']);
  });

  it("holds the cluster to the solution's scaling, and fails the starting stack-config", async () => {
    const { stackConfig: solution } = await import('../../../solutions/04-aurora-serverless/stack-config.js');
    const { stackConfig: starting } = await import('../../../labs/04-aurora-serverless/stack-config.js');
    expect(LAB04_SCALING).toEqual({ minCapacity: solution.minCapacity, maxCapacity: solution.maxCapacity, secondsUntilAutoPause: solution.autoPauseSeconds });
    const r = await run(
      cluster({
        ServerlessV2ScalingConfiguration: {
          MinCapacity: starting.minCapacity,
          MaxCapacity: starting.maxCapacity,
          SecondsUntilAutoPause: starting.autoPauseSeconds,
        },
      }),
    );
    expect(r['04.aws.scaling']?.status).toBe('fail');
  });
});

describe('capacityRoseCheck', () => {
  const since = new Date('2026-11-22T12:05:10Z');
  const quick = { now: () => NOW, sleep: async () => {}, waitMs: 0 };

  it('passes when the capacity rose above its level at the start of the ramp, with the per-minute series', async () => {
    cw.on(GetMetricDataCommand).resolves(capacity([1, 2.5, 1.5, 0]));
    const { check, figures } = await capacityRoseCheck(fakeClients(), CL, since, quick);
    expect(check).toMatchObject({ id: '04.aws.capacity-rose', status: 'pass' });
    expect(check.message).toBe(
      `ServerlessDatabaseCapacity of ${CL} rose to 2.5 ACU since 12:05 UTC, from 0 ACU at the start of the ramp (minimum 0; per minute: 0 -> 1.5 -> 2.5 -> 1).`,
    );
    expect(figures).toMatchObject({ peak: 2.5, baseline: 0, threshold: 0.5 });
    expect(cw).toHaveReceivedCommandWith(GetMetricDataCommand, {
      StartTime: new Date('2026-11-22T12:04:00Z'),
      EndTime: new Date('2026-11-22T12:12:00Z'),
      MetricDataQueries: [
        expect.objectContaining({
          MetricStat: expect.objectContaining({
            Metric: { Namespace: 'AWS/RDS', MetricName: 'ServerlessDatabaseCapacity', Dimensions: [{ Name: 'DBClusterIdentifier', Value: CL }] },
          }),
        }),
      ],
    });
  });

  it('fails when it stayed at the minimum, or when CloudWatch has nothing', async () => {
    cw.on(GetMetricDataCommand).resolves(capacity([0.5, 0.5]));
    const flat = await capacityRoseCheck(fakeClients(), CL, since, { ...quick, minCapacity: 0.5 });
    note([flat.check]);
    expect(flat.check.message).toContain('never rose above 0.5 ACU at the start of the ramp');
    cw.reset();
    cw.on(GetMetricDataCommand).resolves({ MetricDataResults: [{ Id: 'acu', Timestamps: [], Values: [] }] });
    const empty = await capacityRoseCheck(fakeClients(), CL, since, quick);
    expect(empty.check).toMatchObject({ status: 'fail' });
    expect(empty.check.message).toContain('no ServerlessDatabaseCapacity datapoints');
  });

  it('with a 0-ACU minimum, a bare resume (0 -> 0.5 ACU) is not scaling', async () => {
    cw.on(GetMetricDataCommand).resolves(capacity([0.5, 0.5, 0]));
    const { check, figures } = await capacityRoseCheck(fakeClients(), CL, since, { ...quick, minCapacity: 0 });
    note([check]);
    expect(check.status).toBe('fail');
    expect(check.message).toContain('rose only to 0.5 ACU, a resume from a pause (0.5 ACU) rather than scaling; it had 0 ACU at the start of the ramp');
    expect(figures).toMatchObject({ baseline: 0, threshold: 0.5, peak: 0.5 });
  });

  it('a cluster already at 3 ACU when the ramp started must go above 3, not above the minimum', async () => {
    cw.on(GetMetricDataCommand).resolves(capacity([2.5, 3, 3]));
    const { check } = await capacityRoseCheck(fakeClients(), CL, since, { ...quick, minCapacity: 0 });
    note([check]);
    expect(check.status).toBe('fail');
    expect(check.message).toContain('never rose above 3 ACU at the start of the ramp');
  });

  it('waits for CloudWatch to publish the load, then passes', async () => {
    let clock = NOW.getTime();
    cw.on(GetMetricDataCommand)
      .resolvesOnce(capacity([0]))
      .resolves(capacity([2, 0]));
    const waits: string[] = [];
    const { check } = await capacityRoseCheck(fakeClients(), CL, since, {
      now: () => new Date(clock),
      sleep: async (ms) => void (clock += ms),
      onWaiting: (l) => waits.push(l),
    });
    expect(check.status).toBe('pass');
    expect(waits).toHaveLength(1);
    expect(cw).toHaveReceivedCommandTimes(GetMetricDataCommand, 2);
  });

  it('a denied GetMetricData is an error naming the action', async () => {
    cw.on(GetMetricDataCommand).rejects(awsError('AccessDenied', 'User: arn:aws:iam::1:user/l is not authorized to perform: cloudwatch:GetMetricData', 403));
    const { check } = await capacityRoseCheck(fakeClients(), CL, since, quick);
    expect(check.status).toBe('error');
    expect(check.message).toContain('cloudwatch:GetMetricData');
  });
});

describe("sampleServerlessCapacity (the exercise process's reading)", () => {
  it('returns the newest datapoint of the cluster over the last minutes, undefined without one', async () => {
    cw.on(GetMetricDataCommand).resolves(capacity([3, 1]));
    expect(await sampleServerlessCapacity({ region: 'us-east-1', clusterId: CL })).toBe(3);
    cw.reset();
    cw.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
    expect(await sampleServerlessCapacity({ region: 'us-east-1', clusterId: CL })).toBeUndefined();
    expect(await sampleServerlessCapacity({ region: 'us-east-1' })).toBeUndefined();
  });

  it('throws an explained error when AWS refuses', async () => {
    cw.on(GetMetricDataCommand).rejects(awsError('ExpiredToken', 'The security token included in the request is expired', 403));
    await expect(sampleServerlessCapacity({ region: 'us-east-1', clusterId: CL })).rejects.toThrow(/session has expired/);
  });
});

describe('findServerlessClusterResources', () => {
  it('reads the cluster, writer, secret and bastion from the stack outputs', async () => {
    const o = {
      ClusterId: CL,
      ClusterEndpoint: 'e',
      WriterInstanceId: W,
      DbPort: '3306',
      DbSecretArn: 'arn:s',
      DbName: 'labdb',
      DashboardName: 'dtl04',
      BastionInstanceId: 'i-0b',
    };
    cfn.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: 'x',
          StackStatus: 'CREATE_COMPLETE' as const,
          CreationTime: new Date(),
          Outputs: Object.entries(o).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
        },
      ],
    });
    expect(await findServerlessClusterResources(fakeClients(), lab04.stack)).toMatchObject({
      clusterId: CL,
      writerInstanceId: W,
      dbSecretArn: 'arn:s',
      dashboardName: 'dtl04',
      bastionInstanceId: 'i-0b',
      source: 'stack',
    });
  });
});

describe('coverage of the checks themselves', () => {
  it('every check id was made to fail by at least one test above', () => {
    expect(
      Object.values(LAB04_AWS_CHECKS)
        .map((c) => c.id)
        .filter((id) => !seenFailing.has(id)),
    ).toEqual([]);
  });
});
