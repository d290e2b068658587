/**
 * Lab 02 at the wire level: DescribeDBInstances for a primary and its replica
 * (awsQuery XML), and GetMetricData for AWS/RDS ReplicaLag (AWS JSON 1.0, the
 * protocol @aws-sdk/client-cloudwatch uses, with query-compatible errors).
 */
import { lab02 } from '../../../labs/02-read-replicas/lab.js';
import { DescribeDBInstancesCommand } from '@aws-sdk/client-rds';
import { afterEach, describe, expect, it } from 'vitest';
import { destroyAwsClients, makeAwsClients, type AwsClients } from '../../aws/clients.js';
import { findPrimaryReplicaResources } from '../../aws/rds-resources.js';
import { runLab02AwsChecks } from '../../checks/02-read-replicas/aws.js';
import { fixture, json10, startWireServer, xml, type WireHandler, type WireServer } from './wire-server.js';

const CREDENTIALS = { accessKeyId: 'AKIAFAKEFORTESTS0000', secretAccessKey: 'fake-secret-key-for-wire-tests' };
const PRIMARY = 'datatierlabs-02-readreplicas-databaseinstance1f2e3d4c-r7t9w2y4u6i8';
const REPLICA = 'datatierlabs-02-readreplicas-databasereplica1a9b8c7d-k3m5n7p9q2s4';
const NOW = () => new Date('2026-11-22T12:00:40Z');

let server: WireServer | undefined;
let clients: AwsClients | undefined;

async function setup(handler: WireHandler): Promise<{ server: WireServer; clients: AwsClients }> {
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

function replicaXml(status = 'available', replication = 'replicating', normal = 'true') {
  return xml(
    fixture('rds-describe-db-instances-lab02-replica.template.xml', {
      DBInstanceIdentifier: REPLICA,
      DBInstanceStatus: status,
      ReplicationStatus: replication,
      Normal: normal,
    }),
  );
}

function rdsHandler(lagFixture: string, replica = () => replicaXml()): WireHandler {
  return (req) => {
    if (req.operation === 'DescribeStacks') return xml(fixture('lab02-cloudformation-describe-stacks.xml'));
    if (req.operation === 'DescribeDBInstances') {
      const id = req.form?.get('DBInstanceIdentifier');
      if (id === PRIMARY) return xml(fixture('rds-describe-db-instances-lab02-primary.xml'));
      if (id === REPLICA) return replica();
    }
    if (req.target === 'GraniteServiceVersion20100801' && req.operation === 'GetMetricData') return json10(fixture(lagFixture));
    throw new Error(`unexpected ${req.target ?? ''}${req.operation}`);
  };
}

describe('RDS DescribeDBInstances for a primary and a replica (awsQuery XML)', () => {
  it('parses the replica link both ways, the cross-region ARN and the replication status', async () => {
    await setup(rdsHandler('lab02-cloudwatch-get-metric-data-replica-lag.json'));
    const p = (await clients!.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: PRIMARY }))).DBInstances?.[0];
    expect(p?.ReadReplicaDBInstanceIdentifiers).toEqual([REPLICA, 'arn:aws:rds:eu-west-1:123456789012:db:dtl02-replica-eu']);
    expect(p?.ReadReplicaSourceDBInstanceIdentifier).toBeUndefined();
    expect(p?.DBInstanceArn).toBe(`arn:aws:rds:us-east-1:123456789012:db:${PRIMARY}`);

    const r = (await clients!.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: REPLICA }))).DBInstances?.[0];
    expect(r).toMatchObject({
      DBInstanceIdentifier: REPLICA,
      DBInstanceStatus: 'available',
      ReadReplicaSourceDBInstanceIdentifier: PRIMARY,
      ReplicaMode: 'open-read-only',
      AvailabilityZone: 'us-east-1b',
      BackupRetentionPeriod: 0,
    });
    expect(r?.ReadReplicaDBInstanceIdentifiers).toEqual([]);
    expect(r?.StatusInfos).toEqual([{ StatusType: 'read replication', Normal: true, Status: 'replicating' }]);
  });
});

describe('CloudWatch GetMetricData for ReplicaLag (AWS JSON 1.0)', () => {
  it('Lab 2 end to end: stack, primary, replica, ReplicaLag; the cross-region replica recognised', async () => {
    const { server } = await setup(rdsHandler('lab02-cloudwatch-get-metric-data-replica-lag.json'));
    const resources = await findPrimaryReplicaResources(clients!, lab02.stack, { region: 'us-east-1' });
    expect(resources).toMatchObject({ primaryInstanceId: PRIMARY, replicaInstanceId: REPLICA, dbPort: 3306, source: 'stack' });
    const results = await runLab02AwsChecks(clients!, resources, { now: NOW });
    expect(results.map((r) => [r.id, r.status])).toEqual([
      ['02.aws.primary', 'pass'],
      ['02.aws.replica', 'pass'],
      ['02.aws.replica-available', 'pass'],
      ['02.aws.replica-lag', 'pass'],
      ['02.aws.cross-region-replica', 'pass'],
      ['02.aws.writes-refused', 'skipped'],
    ]);
    expect(results[3]?.message).toBe(`ReplicaLag of ${REPLICA} is 0 s (highest 2 s over the last 15 minutes, 5 datapoints).`);
    expect(results[4]?.message).toContain('dtl02-replica-eu in eu-west-1');

    const req = server.requests.find((r) => r.operation === 'GetMetricData')!;
    expect(req.headers['content-type']).toBe('application/x-amz-json-1.0');
    expect(req.headers['x-amz-target']).toBe('GraniteServiceVersion20100801.GetMetricData');
    expect(req.headers['x-amzn-query-mode']).toBe('true');
    const body = req.json as { StartTime: number; EndTime: number; ScanBy: string; MetricDataQueries: Array<Record<string, any>> };
    // JSON protocols send epoch seconds; the window is the last 15 whole minutes.
    expect(body.EndTime).toBe(Date.parse('2026-11-22T12:01:00Z') / 1000);
    expect(body.StartTime).toBe(Date.parse('2026-11-22T11:46:00Z') / 1000);
    expect(body.ScanBy).toBe('TimestampDescending');
    expect(body.MetricDataQueries).toEqual([
      {
        Id: 'lag',
        Label: `${REPLICA} ReplicaLag`,
        MetricStat: {
          Metric: { Namespace: 'AWS/RDS', MetricName: 'ReplicaLag', Dimensions: [{ Name: 'DBInstanceIdentifier', Value: REPLICA }] },
          Period: 60,
          Stat: 'Maximum',
        },
        ReturnData: true,
      },
    ]);
  });

  it('ReplicaLag -1 from the wire -> replication broken, with the status RDS reports', async () => {
    await setup(rdsHandler('lab02-cloudwatch-get-metric-data-replica-lag-broken.json', () => replicaXml('available', 'error', 'false')));
    const results = await runLab02AwsChecks(
      clients!,
      { primaryInstanceId: PRIMARY, replicaInstanceId: REPLICA, stackName: 'x', source: 'flags' },
      { now: NOW },
    );
    const lag = results.find((r) => r.id === '02.aws.replica-lag')!;
    expect(lag.status).toBe('fail');
    expect(lag.message).toContain('is -1 (latest datapoint, 12:00 UTC): replication is broken');
    expect(lag.message).toContain('RDS reports read replication "error"');
  });

  it('a replica still creating (from the wire) -> fail, and GetMetricData is not called', async () => {
    const { server } = await setup(rdsHandler('lab02-cloudwatch-get-metric-data-replica-lag.json', () => replicaXml('creating')));
    const results = await runLab02AwsChecks(clients!, { primaryInstanceId: PRIMARY, stackName: 'x', source: 'flags' }, { now: NOW });
    expect(results.find((r) => r.id === '02.aws.replica-available')).toMatchObject({ status: 'fail', message: `Replica ${REPLICA} is still creating.` });
    expect(server.requests.some((r) => r.operation === 'GetMetricData')).toBe(false);
  });

  it('AccessDenied in the JSON 1.0 error format -> the lag check is an error naming the action', async () => {
    await setup((req) => {
      if (req.operation === 'GetMetricData') {
        return json10(fixture('cloudwatch-error-access-denied.json'), 400, { 'x-amzn-query-error': 'AccessDenied;Sender' });
      }
      return rdsHandler('lab02-cloudwatch-get-metric-data-replica-lag.json')(req);
    });
    const results = await runLab02AwsChecks(clients!, { primaryInstanceId: PRIMARY, stackName: 'x', source: 'flags' }, { now: NOW });
    const lag = results.find((r) => r.id === '02.aws.replica-lag')!;
    expect(lag.status).toBe('error');
    expect(lag.message).toContain('cloudwatch:GetMetricData');
  });
});
