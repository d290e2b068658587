/**
 * Lab 04 at the wire level: DescribeDBClusters for a Serverless v2 cluster
 * (the scaling configuration in awsQuery XML, capacities as decimals) and
 * GetMetricData for ServerlessDatabaseCapacity (AWS JSON 1.0, epoch seconds).
 */
import { lab04 } from '../../../labs/04-aurora-serverless/lab.js';
import { afterEach, describe, expect, it } from 'vitest';
import { findServerlessClusterResources } from '../../aws/aurora-resources.js';
import { destroyAwsClients, makeAwsClients, type AwsClients } from '../../aws/clients.js';
import { capacityRoseCheck, runLab04AwsChecks } from '../../checks/04-aurora-serverless/aws.js';
import { fixture, lifecycleWireAnswer, json10, startWireServer, xml, type WireHandler, type WireServer } from './wire-server.js';
import { LIFECYCLES } from './helpers.js';

const CREDENTIALS = { accessKeyId: 'AKIAFAKEFORTESTS0000', secretAccessKey: 'fake-secret-key-for-wire-tests' };
const CL = 'datatierlabs-04-auroraserverless-cluster8f3d1b7a-t2v5x8z1b4d7';

let server: WireServer | undefined;
let clients: AwsClients | undefined;

async function setup(handler: WireHandler) {
  server = await startWireServer(handler);
  clients = makeAwsClients({ region: 'us-east-1', endpoint: server.endpoint, credentials: CREDENTIALS, maxAttempts: 1 });
  return { server, clients };
}

afterEach(async () => {
  if (clients) destroyAwsClients(clients);
  if (server) await server.close();
  clients = undefined;
  server = undefined;
});

const handler: WireHandler = (req) => {
  const lifecycle = lifecycleWireAnswer(req, LIFECYCLES);
  if (lifecycle) return lifecycle;
  if (req.operation === 'DescribeStacks') return xml(fixture('lab04-cloudformation-describe-stacks.xml'));
  if (req.operation === 'DescribeDBClusters') return xml(fixture('rds-describe-db-clusters-lab04-serverless.xml'));
  if (req.operation === 'DescribeDBInstances') return xml(fixture('rds-describe-db-instances-lab04-writer.xml'));
  if (req.target === 'GraniteServiceVersion20100801' && req.operation === 'GetMetricData')
    return json10(fixture('lab04-cloudwatch-get-metric-data-serverless-capacity.json'));
  throw new Error(`unexpected ${req.target ?? ''}${req.operation}`);
};

describe('Lab 4 from the wire', () => {
  it('a Serverless v2 cluster: scaling 0-16 ACU with auto-pause, a db.serverless writer', async () => {
    await setup(handler);
    const resources = await findServerlessClusterResources(clients!, lab04.stack, { region: 'us-east-1' });
    expect(resources).toMatchObject({ clusterId: CL, writerInstanceId: `${CL}-writer`, dashboardName: 'DataTierLabs-04-Capacity' });
    const report = await runLab04AwsChecks(clients!, resources);
    expect(report.checks.map((c) => [c.id, c.status])).toEqual([
      ['04.aws.cluster', 'pass'],
      ['04.aws.engine', 'pass'],
      ['04.aws.scaling', 'pass'],
      ['04.aws.instance-class', 'pass'],
    ]);
    expect(report.cluster?.ServerlessV2ScalingConfiguration).toEqual({ MinCapacity: 0, MaxCapacity: 16, SecondsUntilAutoPause: 300 });
    expect(report.cluster?.StorageEncryptionType).toBe('sse-kms');
    expect(report.instances[0]?.DBInstanceClass).toBe('db.serverless');
  });

  it('ServerlessDatabaseCapacity over the run window: rose to 3.5 ACU', async () => {
    const { server } = await setup(handler);
    const since = new Date('2026-11-22T12:01:10Z');
    const { check, figures } = await capacityRoseCheck(clients!, CL, since, { now: () => new Date('2026-11-22T12:07:30Z'), waitMs: 0 });
    expect(check).toMatchObject({
      status: 'pass',
      message: `ServerlessDatabaseCapacity of ${CL} rose to 3.5 ACU since 12:01 UTC, from 0 ACU at the start of the ramp (minimum 0; per minute: 0 -> 0.5 -> 1 -> 2.5 -> 3.5 -> 1.5).`,
    });
    expect(figures.points[0]).toEqual({ at: Date.parse('2026-11-22T12:06:00Z'), value: 1.5 });
    const req = server.requests.find((r) => r.operation === 'GetMetricData')!;
    const body = req.json as { StartTime: number; EndTime: number; MetricDataQueries: Array<Record<string, any>> };
    expect(body.StartTime).toBe(Date.parse('2026-11-22T12:00:00Z') / 1000);
    expect(body.EndTime).toBe(Date.parse('2026-11-22T12:09:00Z') / 1000);
    expect(body.MetricDataQueries[0]?.MetricStat).toEqual({
      Metric: { Namespace: 'AWS/RDS', MetricName: 'ServerlessDatabaseCapacity', Dimensions: [{ Name: 'DBClusterIdentifier', Value: CL }] },
      Period: 60,
      Stat: 'Maximum',
    });
  });
});
