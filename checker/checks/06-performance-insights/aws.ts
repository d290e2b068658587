/**
 * Lab 06 on AWS: is the deployed MySQL instance watched the way the lesson
 * sets it up - Performance Insights on with 7 days of history, Database
 * Insights in Standard mode, Enhanced Monitoring every 60 s, CloudWatch
 * alarms on CPU and connections - and, after the workload, what the top SQL
 * was according to the PI API (db.load.avg by db.sql_tokenized).
 *
 * On the local target none of this can be judged: lab06LocalSkips() gives
 * the same checks as `skipped` (needs AWS).
 *
 * `fail` names what is wrong and the value seen; `error` means AWS could not
 * be asked, explained by checker/aws/errors.ts.
 */
import { DescribeAlarmsForMetricCommand, type MetricAlarm } from '@aws-sdk/client-cloudwatch';
import type { DBInstance } from '@aws-sdk/client-rds';
import type { PIClient } from '@aws-sdk/client-pi';
import type { Lab06Resources } from '../../aws/aurora-resources.js';
import type { AwsClients } from '../../aws/clients.js';
import { explainAwsError } from '../../aws/errors.js';
import { piClientFor, readTopSql, type TopSql } from '../../aws/pi-top-sql.js';
import { describeDbInstance, instanceNotFound, suggestDbInstances } from '../../aws/rds-resources.js';
import type { EnvironmentError } from '../../core/errors.js';
import type { CheckResult } from '../../core/result.js';
import { awsResultBuilders, elapsed } from '../aws-results.js';
import { renderTopSql } from './top-sql.js';

export const LAB06_AWS_CHECKS = {
  dbInstance: { id: '06.aws.db-instance', name: 'DB instance exists and is available' },
  performanceInsights: { id: '06.aws.performance-insights', name: 'Performance Insights is on, with 7 days of history' },
  databaseInsights: { id: '06.aws.database-insights', name: 'Database Insights is in Standard mode' },
  enhancedMonitoring: { id: '06.aws.enhanced-monitoring', name: 'Enhanced Monitoring samples every 60 s' },
  alarms: { id: '06.aws.alarms', name: 'CloudWatch alarms on CPU and on connections' },
  topSql: { id: '06.aws.top-sql', name: 'Top SQL of the workload, from the Performance Insights API' },
} as const;

type CheckKey = keyof typeof LAB06_AWS_CHECKS;

const { result, skipped } = awsResultBuilders(LAB06_AWS_CHECKS);

/** What the lab's stack sets up. */
export const LAB06_MONITORING = { piRetentionDays: 7, databaseInsightsMode: 'standard', monitoringIntervalSeconds: 60 } as const;
/** The metrics the lab alarms on, with what each alarm is for. */
export const LAB06_ALARM_METRICS = [
  { metric: 'CPUUtilization', what: 'CPU' },
  { metric: 'DatabaseConnections', what: 'connections' },
] as const;

const LAB_ID = 6;
const CONFIG_FILE = 'labs/06-performance-insights/stack-config.ts';
const DEPLOY = 'npm run deploy 6';
const MINUTE = 60_000;

/** The Lab 6 AWS checks as they appear on the local target: skipped, never passed. */
export function lab06LocalSkips(): CheckResult[] {
  return (Object.keys(LAB06_AWS_CHECKS) as CheckKey[]).map((k) =>
    result(k, 'skipped', `needs AWS: deploy the stack (${DEPLOY}) and run with --target aws`),
  );
}

export interface Lab06AwsCheckOptions {
  region?: string;
  profile?: string;
}

export interface Lab06AwsReport {
  checks: CheckResult[];
  instance?: DBInstance;
}

const DEPENDANTS: CheckKey[] = ['performanceInsights', 'databaseInsights', 'enhancedMonitoring', 'alarms'];

export async function runLab06AwsChecks(clients: AwsClients, resources: Lab06Resources, options: Lab06AwsCheckOptions = {}): Promise<Lab06AwsReport> {
  const ctx = { region: options.region ?? resources.region ?? clients.region, profile: options.profile ?? clients.profile };
  const id = resources.dbInstanceId;
  const t0 = performance.now();
  let db: DBInstance | undefined;
  try {
    db = await describeDbInstance(clients, id, { ...ctx, deployCommand: DEPLOY });
  } catch (err) {
    const e = err as EnvironmentError;
    const why = `the DB instance could not be read (see ${LAB06_AWS_CHECKS.dbInstance.id})`;
    return { checks: [result('dbInstance', 'error', e.message, e.nextStep, elapsed(t0)), ...DEPENDANTS.map((k) => skipped(k, why))] };
  }
  if (!db) {
    const { message, hint } = instanceNotFound(id, await suggestDbInstances(clients, LAB_ID, id), {
      region: ctx.region,
      flag: '--db-instance <id>',
      deployCommand: DEPLOY,
      stackName: resources.stackName,
      fromStack: resources.source === 'stack',
    });
    return { checks: [result('dbInstance', 'fail', message, hint, elapsed(t0)), ...DEPENDANTS.map((k) => skipped(k, `the DB instance "${id}" was not found`))] };
  }
  const status = db.DBInstanceStatus ?? 'unknown';
  const checks = [
    status === 'available'
      ? result('dbInstance', 'pass', `DB instance ${id} is available (${db.DBInstanceClass ?? 'class unknown'}).`, undefined, elapsed(t0))
      : result('dbInstance', 'fail', `DB instance ${id} has status "${status}", not "available".`, 'Wait until it is available, then re-run.', elapsed(t0)),
    performanceInsightsCheck(db, id),
    databaseInsightsCheck(db, id),
    enhancedMonitoringCheck(db, id),
    await alarmsCheck(clients, id, ctx),
  ];
  return { checks, instance: db };
}

function performanceInsightsCheck(db: DBInstance, id: string): CheckResult {
  const want = LAB06_MONITORING.piRetentionDays;
  const cli = `\`aws rds modify-db-instance --db-instance-identifier ${id} --enable-performance-insights --performance-insights-retention-period ${want} --apply-immediately\``;
  if (db.PerformanceInsightsEnabled !== true) {
    const small = /\.(micro|small)$/.test(db.DBInstanceClass ?? '') ? ` ${db.DBInstanceClass} does not support it at all: use db.t4g.medium or larger.` : '';
    return result(
      'performanceInsights',
      'fail',
      `Performance Insights is off for ${id} (PerformanceInsightsEnabled: ${String(db.PerformanceInsightsEnabled ?? false)}): there is no database load by SQL to read.${small}`,
      `Turn it on with ${want} days of retention: in ${CONFIG_FILE} and \`${DEPLOY}\`, console Modify > Monitoring > Database Insights, or ${cli}.`,
    );
  }
  const days = db.PerformanceInsightsRetentionPeriod;
  if (days !== want) {
    return result(
      'performanceInsights',
      'fail',
      `Performance Insights keeps ${days ?? 'an unreported number of'} days of history for ${id}; the lab uses ${want} (the free tier${days !== undefined && days > want ? `; ${days} days are billed` : ''}).`,
      `Set the retention to ${want} days: ${cli}.`,
    );
  }
  return result('performanceInsights', 'pass', `Performance Insights is on for ${id}, keeping ${days} days.`);
}

function databaseInsightsCheck(db: DBInstance, id: string): CheckResult {
  const want = LAB06_MONITORING.databaseInsightsMode;
  const mode = db.DatabaseInsightsMode;
  if (mode === want) return result('databaseInsights', 'pass', `Database Insights runs in ${mode} mode for ${id}.`);
  return result(
    'databaseInsights',
    'fail',
    mode === 'advanced'
      ? `Database Insights runs in advanced mode for ${id}: it needs 465 days of Performance Insights history and is billed per vCPU; the lab uses standard.`
      : `Database Insights mode of ${id} is ${mode ?? 'not reported'}; the lab uses standard (the free mode, where CloudWatch shows the load the Performance Insights console used to).`,
    `Set it: console Modify > Monitoring > Database Insights - Standard, or \`aws rds modify-db-instance --db-instance-identifier ${id} --database-insights-mode ${want} --apply-immediately\`.`,
  );
}

function enhancedMonitoringCheck(db: DBInstance, id: string): CheckResult {
  const want = LAB06_MONITORING.monitoringIntervalSeconds;
  const interval = db.MonitoringInterval ?? 0;
  if (interval === want) return result('enhancedMonitoring', 'pass', `Enhanced Monitoring samples ${id} every ${interval} s.`);
  return result(
    'enhancedMonitoring',
    'fail',
    interval === 0
      ? `Enhanced Monitoring is off for ${id} (MonitoringInterval: 0): no OS metrics (processes, memory, disk) to set against the database load.`
      : `Enhanced Monitoring samples ${id} every ${interval} s; the lab uses ${want} s (finer intervals send more to CloudWatch Logs, which bills by the GiB).`,
    `Set it to ${want} s: console Modify > Monitoring > Enhanced Monitoring granularity, or \`aws rds modify-db-instance --db-instance-identifier ${id} --monitoring-interval ${want} --monitoring-role-arn <role-arn> --apply-immediately\`.`,
  );
}

async function alarmsCheck(clients: AwsClients, id: string, ctx: { region?: string; profile?: string }): Promise<CheckResult> {
  const t0 = performance.now();
  const found: Record<string, MetricAlarm[]> = {};
  try {
    for (const { metric } of LAB06_ALARM_METRICS) {
      const out = await clients.cloudwatch.send(
        new DescribeAlarmsForMetricCommand({ Namespace: 'AWS/RDS', MetricName: metric, Dimensions: [{ Name: 'DBInstanceIdentifier', Value: id }] }),
      );
      found[metric] = out.MetricAlarms ?? [];
    }
  } catch (err) {
    const e = explainAwsError(err, { action: 'cloudwatch:DescribeAlarmsForMetric', region: ctx.region, profile: ctx.profile });
    return result('alarms', 'error', e.message, e.nextStep, elapsed(t0));
  }
  const missing = LAB06_ALARM_METRICS.filter((m) => found[m.metric]!.length === 0);
  const seen = LAB06_ALARM_METRICS.filter((m) => found[m.metric]!.length > 0)
    .map((m) => `${m.what}: ${found[m.metric]!.map((a) => `${a.AlarmName} (${a.StateValue ?? 'state unknown'})`).join(', ')}`)
    .join('; ');
  if (missing.length) {
    return result(
      'alarms',
      'fail',
      `No CloudWatch alarm watches ${missing.map((m) => `${m.metric} (${m.what})`).join(' or ')} of ${id}${seen ? `; found ${seen}` : ''}.`,
      `Create ${missing.length === 1 ? 'it' : 'them'}: deploy the lab stack (\`${DEPLOY}\`), or in CloudWatch > Alarms > Create alarm choose AWS/RDS > Per-Database Metrics > ${id} > ${missing[0]!.metric}, e.g. ` +
        `\`aws cloudwatch put-metric-alarm --alarm-name ${id}-${missing[0]!.metric} --namespace AWS/RDS --metric-name ${missing[0]!.metric} --dimensions Name=DBInstanceIdentifier,Value=${id} --statistic Average --period 300 --evaluation-periods 1 --threshold 80 --comparison-operator GreaterThanThreshold\`.`,
      elapsed(t0),
    );
  }
  return result('alarms', 'pass', `Alarms on ${id}: ${seen}.`, undefined, elapsed(t0));
}

export interface TopSqlCheckOptions {
  region?: string;
  profile?: string;
  /** How long to wait for PI to show the workload (default 2 minutes). */
  waitMs?: number;
  pollMs?: number;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  onWaiting?: (line: string) => void;
}

/**
 * After the workload: the instance's top SQL between `since` and now, ranked
 * by share of database load. Fails when PI recorded no statement load: the
 * workload did not reach this instance, or PI is off.
 */
export async function topSqlCheck(
  clients: AwsClients & { pi?: PIClient },
  dbiResourceId: string | undefined,
  since: Date,
  options: TopSqlCheckOptions = {},
): Promise<{ check: CheckResult; topSql?: TopSql }> {
  if (!dbiResourceId) {
    return {
      check: skipped(
        'topSql',
        'the instance\'s DbiResourceId is not known (the PI API is addressed by it, not by the instance name)',
        'Deploy the lab stack (it outputs DbiResourceId), or check that --db-instance names an existing instance.',
      ),
    };
  }
  const now = options.now ?? (() => new Date());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const ctx = { region: options.region ?? clients.region, profile: options.profile ?? clients.profile };
  const deadline = now().getTime() + (options.waitMs ?? 2 * MINUTE);
  const start = new Date(Math.floor((since.getTime() - MINUTE) / MINUTE) * MINUTE);
  const t0 = performance.now();
  const { pi, owned } = piClientFor(clients);
  let top: TopSql;
  try {
    while (true) {
      top = await readTopSql(pi, dbiResourceId, start, now(), ctx);
      if (top.rows.length > 0 || now().getTime() >= deadline) break;
      options.onWaiting?.('Waiting for Performance Insights to show the workload (it aggregates by the minute)');
      await sleep(options.pollMs ?? 20_000);
    }
  } catch (err) {
    const e = err as EnvironmentError;
    return { check: result('topSql', 'error', e.message, e.nextStep, elapsed(t0)) };
  } finally {
    if (owned) pi.destroy();
  }
  const ms = elapsed(t0);
  if (top.rows.length === 0) {
    return {
      check: result(
        'topSql',
        'fail',
        `Performance Insights recorded no SQL load on ${dbiResourceId} since ${since.toISOString().slice(11, 16)} UTC (total load ${top.totalLoad.toFixed(2)} AAS).`,
        'Check that the exercises ran against this instance (the workload is exercise 02) and that Performance Insights is on; then run again.',
        ms,
      ),
      topSql: top,
    };
  }
  const first = top.rows[0]!;
  const message =
    `The top statement carried ${(first.share * 100).toFixed(1)}% of the database load (${first.averageLoad.toFixed(2)} of ${top.totalLoad.toFixed(2)} average active sessions):\n` +
    renderTopSql(top.rows.map((r) => ({ statement: r.statement, share: r.share })), { shareLabel: 'share of load' });
  return { check: result('topSql', 'pass', message, undefined, ms), topSql: top };
}
