/**
 * Lab 6's deployed-resource checks as small judges of the described instance
 * and its CloudWatch alarms (the facts, read by aws.ts). Every check needs
 * the instance; that dependency is data (`needs`).
 */
import type { MetricAlarm } from '@aws-sdk/client-cloudwatch';
import type { DBInstance } from '@aws-sdk/client-rds';
import { instanceNotFound, type DbInstanceSuggestions } from '../../aws/rds-resources.js';
import type { EnvironmentError } from '../../core/errors.js';
import type { CheckResult } from '../../core/result.js';
import { awsResultBuilders } from '../aws-results.js';
import type { AwsJudge } from '../aws-judges.js';

export const LAB06_AWS_CHECKS = {
  dbInstance: { id: '06.aws.db-instance', name: 'DB instance exists and is available' },
  performanceInsights: { id: '06.aws.performance-insights', name: 'Performance Insights is on, with 7 days of history' },
  databaseInsights: { id: '06.aws.database-insights', name: 'Database Insights is in Standard mode' },
  enhancedMonitoring: { id: '06.aws.enhanced-monitoring', name: 'Enhanced Monitoring samples every 60 s' },
  alarms: { id: '06.aws.alarms', name: 'CloudWatch alarms on CPU and on connections' },
  topSql: { id: '06.aws.top-sql', name: 'Top SQL of the workload, from the Performance Insights API' },
} as const;

export type Lab06CheckKey = keyof typeof LAB06_AWS_CHECKS;

export const lab06Results = awsResultBuilders(LAB06_AWS_CHECKS);
const { result, errorResult } = lab06Results;

/** What the lab's stack sets up. */
export const LAB06_MONITORING = { piRetentionDays: 7, databaseInsightsMode: 'standard', monitoringIntervalSeconds: 60 } as const;
/** The metrics the lab alarms on, with what each alarm is for. */
export const LAB06_ALARM_METRICS = [
  { metric: 'CPUUtilization', what: 'CPU' },
  { metric: 'DatabaseConnections', what: 'connections' },
] as const;

export const LAB06_CONFIG_FILE = 'labs/06-performance-insights/stack-config.ts';
export const LAB06_DEPLOY = 'npm run deploy 6';
const CONFIG_FILE = LAB06_CONFIG_FILE;
const DEPLOY = LAB06_DEPLOY;

export function performanceInsightsCheck(db: DBInstance, id: string): CheckResult {
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

export function databaseInsightsCheck(db: DBInstance, id: string): CheckResult {
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

export function enhancedMonitoringCheck(db: DBInstance, id: string): CheckResult {
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

/** What aws.ts read from AWS; every judge works from this alone. */
export interface Lab06Facts {
  dbInstanceId: string;
  region?: string;
  stackName?: string;
  source: 'stack' | 'flags';
  /** `suggestions` is read only when the instance was not found. */
  instance: { found?: DBInstance; error?: EnvironmentError; suggestions?: DbInstanceSuggestions; ms: number };
  /** Alarms per metric of LAB06_ALARM_METRICS; read only when the instance is there. */
  alarms: { byMetric: Record<string, MetricAlarm[]>; error?: EnvironmentError; ms: number };
}

export type Lab06Judge = AwsJudge<Lab06Facts, Lab06CheckKey>;

const dbInstance: Lab06Judge = {
  key: 'dbInstance',
  judge(f) {
    const id = f.dbInstanceId;
    const ms = f.instance.ms;
    if (f.instance.error) return errorResult('dbInstance', f.instance.error, ms);
    const db = f.instance.found;
    if (!db) {
      const { message, hint } = instanceNotFound(id, f.instance.suggestions ?? { lab: [], similar: [] }, {
        region: f.region,
        flag: '--db-instance <id>',
        deployCommand: DEPLOY,
        stackName: f.stackName,
        fromStack: f.source === 'stack',
      });
      return result('dbInstance', 'fail', message, hint, ms);
    }
    const status = db.DBInstanceStatus ?? 'unknown';
    return status === 'available'
      ? result('dbInstance', 'pass', `DB instance ${id} is available (${db.DBInstanceClass ?? 'class unknown'}).`, undefined, ms)
      : result('dbInstance', 'fail', `DB instance ${id} has status "${status}", not "available".`, 'Wait until it is available, then re-run.', ms);
  },
  blocks(f) {
    if (f.instance.error) return { why: `the DB instance could not be read (see ${LAB06_AWS_CHECKS.dbInstance.id})` };
    if (!f.instance.found) return { why: `the DB instance "${f.dbInstanceId}" was not found` };
    return undefined;
  },
};

const onInstance = (key: Lab06CheckKey, check: (db: DBInstance, id: string) => CheckResult): Lab06Judge => ({
  key,
  needs: ['dbInstance'],
  judge: (f) => check(f.instance.found!, f.dbInstanceId),
});

const alarms: Lab06Judge = {
  key: 'alarms',
  needs: ['dbInstance'],
  judge(f) {
    const id = f.dbInstanceId;
    if (f.alarms.error) return errorResult('alarms', f.alarms.error, f.alarms.ms);
    const found = f.alarms.byMetric;
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
        f.alarms.ms,
      );
    }
    return result('alarms', 'pass', `Alarms on ${id}: ${seen}.`, undefined, f.alarms.ms);
  },
};

/** In report order (the top SQL is judged after the workload, by topSqlCheck). */
export const LAB06_JUDGES: readonly Lab06Judge[] = [
  dbInstance,
  onInstance('performanceInsights', performanceInsightsCheck),
  onInstance('databaseInsights', databaseInsightsCheck),
  onInstance('enhancedMonitoring', enhancedMonitoringCheck),
  alarms,
];
