/**
 * Lab 06 at the wire level: DescribeDBInstances for the PI instance
 * (awsQuery XML: PerformanceInsightsEnabled, retention, DatabaseInsightsMode,
 * DbiResourceId), DescribeAlarmsForMetric (AWS JSON 1.0) and the PI API's
 * GetResourceMetrics (AWS JSON 1.1), whose total-load series (no Dimensions) may come in any position.
 */
import { lab06 } from '../../../labs/06-performance-insights/lab.js';
import { afterEach, describe, expect, it } from 'vitest';
import { findInsightsInstanceResources } from '../../aws/aurora-resources.js';
import { destroyAwsClients, makeAwsClients, type AwsClients } from '../../aws/clients.js';
import { runLab06AwsChecks, topSqlCheck } from '../../checks/06-performance-insights/aws.js';
import { fixture, json10, json11, startWireServer, xml, type WireHandler, type WireServer } from './wire-server.js';

const CREDENTIALS = { accessKeyId: 'AKIAFAKEFORTESTS0000', secretAccessKey: 'fake-secret-key-for-wire-tests' };
const ID = 'datatierlabs-06-performanceinsights-database3c7e1a9b-w6y9a2c5e8g1';
const DBI = 'db-7KQ2WX4ZB6DF8HJ0LN3PR5TV7X';

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
  if (req.operation === 'DescribeStacks') return xml(fixture('lab06-cloudformation-describe-stacks.xml'));
  if (req.operation === 'DescribeDBInstances') return xml(fixture('rds-describe-db-instances-lab06.xml'));
  if (req.operation === 'DescribeAlarmsForMetric') {
    const metric = (req.json as { MetricName: string }).MetricName;
    return json10(
      fixture(
        metric === 'CPUUtilization' ? 'lab06-cloudwatch-describe-alarms-for-metric-cpu.json' : 'lab06-cloudwatch-describe-alarms-for-metric-connections.json',
      ),
    );
  }
  if (req.target === 'PerformanceInsightsv20180227' && req.operation === 'GetResourceMetrics') return json11(fixture('pi-get-resource-metrics-top-sql.json'));
  throw new Error(`unexpected ${req.target ?? ''}${req.operation}`);
};

describe('Lab 6 from the wire', () => {
  it('the PI instance: Performance Insights 7 days, Database Insights standard, Enhanced Monitoring 60 s, both alarms', async () => {
    const { server } = await setup(handler);
    const resources = await findInsightsInstanceResources(clients!, lab06.stack, { region: 'us-east-1' });
    expect(resources).toMatchObject({ dbInstanceId: ID, dbiResourceId: DBI, dbName: 'labdb', source: 'stack' });
    const report = await runLab06AwsChecks(clients!, resources);
    expect(report.checks.map((c) => [c.id, c.status])).toEqual([
      ['06.aws.db-instance', 'pass'],
      ['06.aws.performance-insights', 'pass'],
      ['06.aws.database-insights', 'pass'],
      ['06.aws.enhanced-monitoring', 'pass'],
      ['06.aws.alarms', 'pass'],
    ]);
    expect(report.instance).toMatchObject({
      DbiResourceId: DBI,
      PerformanceInsightsRetentionPeriod: 7,
      DatabaseInsightsMode: 'standard',
      MonitoringInterval: 60,
    });
    expect(report.checks[4]?.message).toBe(
      `Alarms on ${ID}: CPU: DataTierLabs-06-PerformanceInsights-HighCpu (OK); connections: DataTierLabs-06-PerformanceInsights-HighConnections (ALARM).`,
    );
    const alarmRequests = server.requests.filter((r) => r.operation === 'DescribeAlarmsForMetric');
    expect(alarmRequests.map((r) => r.json)).toEqual([
      { Namespace: 'AWS/RDS', MetricName: 'CPUUtilization', Dimensions: [{ Name: 'DBInstanceIdentifier', Value: ID }] },
      { Namespace: 'AWS/RDS', MetricName: 'DatabaseConnections', Dimensions: [{ Name: 'DBInstanceIdentifier', Value: ID }] },
    ]);
  });

  it('top SQL: the same ranking when the total series is not the first one in MetricList', async () => {
    const recorded = JSON.parse(fixture('pi-get-resource-metrics-top-sql.json')) as { MetricList: Array<{ Key: { Dimensions?: unknown } }> };
    const total = recorded.MetricList.findIndex((m) => m.Key.Dimensions === undefined);
    expect(total).toBeGreaterThanOrEqual(0);
    const reordered = {
      ...recorded,
      MetricList: [...recorded.MetricList.slice(0, total), ...recorded.MetricList.slice(total + 1), recorded.MetricList[total]],
    };
    await setup((req) => (req.operation === 'GetResourceMetrics' ? json11(JSON.stringify(reordered)) : handler(req)));
    const { topSql } = await topSqlCheck(clients!, DBI, new Date('2026-11-22T12:01:20Z'), { now: () => new Date('2026-11-22T12:05:40Z'), waitMs: 0 });
    expect(topSql!.totalLoad).toBeCloseTo(1.6, 5);
    expect(topSql!.rows.map((r) => (r.share * 100).toFixed(1))).toEqual(['80.8', '10.8', '6.1', '1.5']);
  });

  it('top SQL from GetResourceMetrics: ranked by share of the total series', async () => {
    const { server } = await setup(handler);
    const since = new Date('2026-11-22T12:01:20Z');
    const { check, topSql } = await topSqlCheck(clients!, DBI, since, { now: () => new Date('2026-11-22T12:05:40Z'), waitMs: 0 });
    expect(topSql!.rows.map((r) => [r.rank, (r.share * 100).toFixed(1), r.averageLoad.toFixed(3)])).toEqual([
      [1, '80.8', '1.292'],
      [2, '10.8', '0.172'],
      [3, '6.1', '0.098'],
      [4, '1.5', '0.024'],
    ]);
    expect(topSql!.rows[0]?.statement).toMatch(/^SELECT `o` \. `id`.*FROM `orders` `o` WHERE `o` \. `customer_id` = \?/);
    expect(topSql!.totalLoad).toBeCloseTo(1.6, 5);
    expect(check).toMatchObject({ id: '06.aws.top-sql', status: 'pass' });
    expect(check.message.split('\n')[0]).toBe('The top statement carried 80.8% of the database load (1.29 of 1.60 average active sessions):');
    const req = server.requests.find((r) => r.operation === 'GetResourceMetrics')!;
    expect(req.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(req.json).toEqual({
      ServiceType: 'RDS',
      Identifier: DBI,
      MetricQueries: [{ Metric: 'db.load.avg', GroupBy: { Group: 'db.sql_tokenized', Limit: 10 } }],
      StartTime: Date.parse('2026-11-22T12:00:00Z') / 1000,
      EndTime: Date.parse('2026-11-22T12:05:40Z') / 1000,
      PeriodInSeconds: 60,
    });
  });
});
