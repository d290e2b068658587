import { lab06 } from '../../../labs/06-performance-insights/lab.js';
import 'aws-sdk-client-mock-vitest/extend';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, DescribeAlarmsForMetricCommand, type MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { GetResourceMetricsCommand, PIClient, type MetricKeyDataPoints } from '@aws-sdk/client-pi';
import { DescribeDBInstancesCommand, RDSClient, type DBInstance } from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { findInsightsInstanceResources, type Lab06Resources } from '../../aws/aurora-resources.js';
import { readTopSql } from '../../aws/pi-top-sql.js';
import { LAB06_AWS_CHECKS, lab06LocalSkips, runLab06AwsChecks, topSqlCheck } from '../../checks/06-performance-insights/aws.js';
import { awsError, byId, fakeClients } from './helpers.js';

const rds = mockClient(RDSClient);
const cw = mockClient(CloudWatchClient);
const pi = mockClient(PIClient);
const cfn = mockClient(CloudFormationClient);

const ID = 'dtl06-mysql';
const DBI = 'db-ABCDEFGHIJKLMNOPQRSTUVWXY2';

function db(overrides: Partial<DBInstance> = {}): DBInstance {
  return {
    DBInstanceIdentifier: ID,
    DBInstanceClass: 'db.t4g.medium',
    Engine: 'mysql',
    EngineVersion: '8.4.10',
    DBInstanceStatus: 'available',
    DbiResourceId: DBI,
    PerformanceInsightsEnabled: true,
    PerformanceInsightsRetentionPeriod: 7,
    DatabaseInsightsMode: 'standard',
    MonitoringInterval: 60,
    ...overrides,
  };
}

const alarm = (metric: string): MetricAlarm => ({ AlarmName: `${ID}-${metric}`, MetricName: metric, Namespace: 'AWS/RDS', StateValue: 'OK' });
const resources = (o: Partial<Lab06Resources> = {}): Lab06Resources => ({
  dbInstanceId: ID,
  stackName: 'DataTierLabs-06-PerformanceInsights',
  region: 'us-east-1',
  source: 'stack',
  ...o,
});

function serve(
  instance: DBInstance = db(),
  alarms: Record<string, MetricAlarm[]> = { CPUUtilization: [alarm('CPUUtilization')], DatabaseConnections: [alarm('DatabaseConnections')] },
) {
  rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: ID }).resolves({ DBInstances: [instance] });
  for (const [metric, list] of Object.entries(alarms)) cw.on(DescribeAlarmsForMetricCommand, { MetricName: metric }).resolves({ MetricAlarms: list });
}

const seenFailing = new Set<string>();
async function run(instance?: DBInstance, alarms?: Record<string, MetricAlarm[]>) {
  serve(instance, alarms);
  const checks = (await runLab06AwsChecks(fakeClients(), resources())).checks;
  for (const c of checks) if (c.status === 'fail') seenFailing.add(c.id);
  return byId(checks);
}

const point = (minute: number, value: number) => ({ Timestamp: new Date(Date.UTC(2026, 10, 22, 12, minute)), Value: value });
function series(values: number[], dims?: Record<string, string>): MetricKeyDataPoints {
  return { Key: { Metric: 'db.load.avg', ...(dims ? { Dimensions: dims } : {}) }, DataPoints: values.map((v, i) => point(i, v)) };
}
const stmt = (id: string, sql: string) => ({ 'db.sql_tokenized.id': id, 'db.sql_tokenized.statement': sql, 'db.sql_tokenized.db_id': `pi-${id}` });
const WORKLOAD = [
  series([2, 2, 2, 2]),
  series([0.5, 0.5, 0.5, 0.5], stmt('B', 'SELECT `name` FROM `customers` WHERE `id` = ?')),
  series([1.4, 1.4, 1.4, 1.4], stmt('A', 'SELECT * FROM `orders` WHERE `customer_id` = ?')),
  series([0, 0, 0, 0], stmt('C', 'COMMIT')),
];

beforeEach(() => {
  rds.reset();
  cw.reset();
  pi.reset();
  cfn.reset();
});

describe('runLab06AwsChecks', () => {
  it("passes the lab's monitored instance and asks for alarms on both metrics of that instance", async () => {
    serve();
    const { checks, instance } = await runLab06AwsChecks(fakeClients(), resources());
    expect(checks.map((c) => [c.id, c.status])).toEqual(
      Object.values(LAB06_AWS_CHECKS)
        .slice(0, 5)
        .map((c) => [c.id, 'pass']),
    );
    expect(instance?.DbiResourceId).toBe(DBI);
    for (const metric of ['CPUUtilization', 'DatabaseConnections']) {
      expect(cw).toHaveReceivedCommandWith(DescribeAlarmsForMetricCommand, {
        Namespace: 'AWS/RDS',
        MetricName: metric,
        Dimensions: [{ Name: 'DBInstanceIdentifier', Value: ID }],
      });
    }
    expect(byId(checks)['06.aws.alarms']?.message).toBe(`Alarms on ${ID}: CPU: ${ID}-CPUUtilization (OK); connections: ${ID}-DatabaseConnections (OK).`);
  });

  it('an instance still modifying', async () => {
    expect((await run(db({ DBInstanceStatus: 'modifying' })))['06.aws.db-instance']?.status).toBe('fail');
  });

  it('Performance Insights off (on a class without it), or the wrong retention', async () => {
    const off = (await run(db({ PerformanceInsightsEnabled: false, DBInstanceClass: 'db.t4g.micro' })))['06.aws.performance-insights']!;
    expect(off.status).toBe('fail');
    expect(off.message).toContain('db.t4g.micro does not support it at all');
    const long = (await run(db({ PerformanceInsightsRetentionPeriod: 731 })))['06.aws.performance-insights']!;
    expect(long.message).toContain('keeps 731 days of history');
    expect(long.hint).toContain('--performance-insights-retention-period 7');
  });

  it('Database Insights advanced, or not reported', async () => {
    expect((await run(db({ DatabaseInsightsMode: 'advanced' })))['06.aws.database-insights']?.message).toContain('advanced mode');
    expect((await run(db({ DatabaseInsightsMode: undefined })))['06.aws.database-insights']?.status).toBe('fail');
  });

  it('Enhanced Monitoring off, or at another interval', async () => {
    expect((await run(db({ MonitoringInterval: 0 })))['06.aws.enhanced-monitoring']?.message).toContain('Enhanced Monitoring is off');
    expect((await run(db({ MonitoringInterval: 1 })))['06.aws.enhanced-monitoring']?.message).toContain('every 1 s; the lab uses 60 s');
  });

  it('no alarm on connections: fail naming the metric, with a put-metric-alarm to copy', async () => {
    const r = (await run(undefined, { CPUUtilization: [alarm('CPUUtilization')], DatabaseConnections: [] }))['06.aws.alarms']!;
    expect(r.status).toBe('fail');
    expect(r.message).toBe(`No CloudWatch alarm watches DatabaseConnections (connections) of ${ID}; found CPU: ${ID}-CPUUtilization (OK).`);
    expect(r.hint).toContain('--metric-name DatabaseConnections');
  });

  it('a denied DescribeAlarmsForMetric is an error naming the action', async () => {
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [db()] });
    cw.on(DescribeAlarmsForMetricCommand).rejects(
      awsError('AccessDenied', 'User: arn:aws:iam::1:user/l is not authorized to perform: cloudwatch:DescribeAlarmsForMetric', 403),
    );
    const r = byId((await runLab06AwsChecks(fakeClients(), resources())).checks)['06.aws.alarms']!;
    expect(r.status).toBe('error');
    expect(r.message).toContain('cloudwatch:DescribeAlarmsForMetric');
  });

  it('a missing instance: fail with suggestions, the rest skipped', async () => {
    rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: ID }).rejects(awsError('DBInstanceNotFoundFault', 'not found', 404));
    rds.on(DescribeDBInstancesCommand, { MaxRecords: 100 }).resolves({ DBInstances: [{ DBInstanceIdentifier: 'dtl06-mysql-2' }] });
    const checks = (await runLab06AwsChecks(fakeClients(), resources())).checks;
    expect(checks[0]?.message).toContain("The lab's DB instances here: dtl06-mysql-2");
    expect(checks.slice(1).map((c) => c.status)).toEqual(['skipped', 'skipped', 'skipped', 'skipped']);
  });

  it('locally every Lab 6 AWS check is skipped, none passes', () => {
    const local = lab06LocalSkips();
    expect(local.map((c) => c.id)).toEqual(Object.values(LAB06_AWS_CHECKS).map((c) => c.id));
    expect(local.every((c) => c.status === 'skipped' && c.message.startsWith('needs AWS'))).toBe(true);
  });
});

describe('top SQL from the PI API', () => {
  const since = new Date('2026-11-22T12:00:30Z');
  const quick = { now: () => new Date('2026-11-22T12:05:00Z'), sleep: async () => {}, waitMs: 0 };

  it('asks for db.load.avg by db.sql_tokenized with the DbiResourceId, and ranks statements by share of the total (the series without Dimensions)', async () => {
    pi.on(GetResourceMetricsCommand).resolves({ Identifier: DBI, MetricList: WORKLOAD });
    const { check, topSql } = await topSqlCheck(fakeClients(), DBI, since, quick);
    expect(pi).toHaveReceivedCommandWith(GetResourceMetricsCommand, {
      ServiceType: 'RDS',
      Identifier: DBI,
      MetricQueries: [{ Metric: 'db.load.avg', GroupBy: { Group: 'db.sql_tokenized', Limit: 10 } }],
      StartTime: new Date('2026-11-22T11:59:00Z'),
      PeriodInSeconds: 60,
    });
    expect(topSql!.rows.map((r) => [r.rank, r.id, Number(r.share.toFixed(3)), Number(r.averageLoad.toFixed(2))])).toEqual([
      [1, 'A', 0.7, 1.4],
      [2, 'B', 0.25, 0.5],
    ]);
    expect(topSql!.totalLoad).toBe(2);
    expect(check.status).toBe('pass');
    expect(check.message).toContain('The top statement carried 70.0% of the database load (1.40 of 2.00 average active sessions)');
    // The ranked table: rank and share on one line, the statement under it.
    const lines = check.message.split('\n');
    expect(lines[2]).toMatch(/^\s+1\.\s+█{7}·{3}\s+70%$/);
    expect(lines[3]?.trim()).toBe('SELECT * FROM `orders` WHERE `customer_id` = ?');
    expect(lines[4]).toMatch(/^\s+2\.\s+█{3}·{7}\s+25%$/);
  });

  it('finds the total by its missing Dimensions, wherever it is in MetricList (the API promises no order)', async () => {
    const [total, ...statements] = WORKLOAD;
    pi.on(GetResourceMetricsCommand).resolves({ Identifier: DBI, MetricList: [statements[1]!, statements[0]!, total!, statements[2]!] });
    const { topSql } = await topSqlCheck(fakeClients(), DBI, since, quick);
    expect(topSql!.totalLoad).toBe(2);
    expect(topSql!.rows.map((r) => [r.id, Number(r.share.toFixed(3))])).toEqual([
      ['A', 0.7],
      ['B', 0.25],
    ]);
  });

  it('fails when PI recorded no statement load (after waiting for it)', async () => {
    pi.on(GetResourceMetricsCommand).resolves({ Identifier: DBI, MetricList: [series([0, 0])] });
    const { check } = await topSqlCheck(fakeClients(), DBI, since, quick);
    expect(check.status).toBe('fail');
    seenFailing.add(check.id);
    expect(check.message).toContain(`recorded no SQL load on ${DBI}`);
  });

  it('is skipped without a DbiResourceId, and an error when PI refuses', async () => {
    expect((await topSqlCheck(fakeClients(), undefined, since, quick)).check.status).toBe('skipped');
    pi.on(GetResourceMetricsCommand).rejects(
      awsError('NotAuthorizedException', 'User: arn:aws:iam::1:user/l is not authorized to perform: pi:GetResourceMetrics', 400),
    );
    const { check } = await topSqlCheck(fakeClients(), DBI, since, quick);
    expect(check.status).toBe('error');
    expect(check.message).toContain('pi:GetResourceMetrics');
  });

  it('an empty answer has no rows and a zero total', async () => {
    const piClient = new PIClient({ region: 'us-east-1', credentials: { accessKeyId: 'A', secretAccessKey: 'B' } });
    pi.on(GetResourceMetricsCommand).resolves({ MetricList: [] });
    const top = await readTopSql(piClient, DBI, since, new Date());
    expect(top).toMatchObject({ rows: [], totalLoad: 0 });
    piClient.destroy();
  });
});

describe('findInsightsInstanceResources', () => {
  it('reads the instance, its DbiResourceId and the bastion from the stack; --db-instance works without one', async () => {
    const o = {
      InstanceId: ID,
      DbEndpoint: `${ID}.c1.us-east-1.rds.amazonaws.com`,
      DbiResourceId: DBI,
      DbPort: '3306',
      DbSecretArn: 'arn:s',
      DbName: 'labdb',
      DashboardName: 'd',
      BastionInstanceId: 'i-0c',
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
    expect(await findInsightsInstanceResources(fakeClients(), lab06.stack)).toMatchObject({
      dbInstanceId: ID,
      dbiResourceId: DBI,
      dbPort: 3306,
      bastionInstanceId: 'i-0c',
      source: 'stack',
    });
    cfn.reset();
    cfn.on(DescribeStacksCommand).rejects(awsError('ValidationError', 'Stack with id DataTierLabs-06-PerformanceInsights does not exist'));
    expect(await findInsightsInstanceResources(fakeClients(), lab06.stack, { dbInstanceId: 'mine' })).toMatchObject({
      dbInstanceId: 'mine',
      dbiResourceId: undefined,
      source: 'flags',
    });
  });
});

describe('coverage of the checks themselves', () => {
  it('every check id was made to fail by at least one test above', () => {
    expect(
      Object.values(LAB06_AWS_CHECKS)
        .map((c) => c.id)
        .filter((id) => !seenFailing.has(id)),
    ).toEqual([]);
  });
});
