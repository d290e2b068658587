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
import { describeDbInstance, suggestDbInstances } from '../../aws/rds-resources.js';
import type { EnvironmentError } from '../../core/errors.js';
import type { CheckResult } from '../../core/result.js';
import { judgeAll } from '../aws-judges.js';
import { elapsed } from '../aws-results.js';
import { LAB06_ALARM_METRICS, LAB06_AWS_CHECKS, LAB06_DEPLOY, LAB06_JUDGES, lab06Results, type Lab06CheckKey, type Lab06Facts } from './resource-judges.js';
import { renderTopSql } from './top-sql.js';

export { LAB06_ALARM_METRICS, LAB06_AWS_CHECKS, LAB06_MONITORING } from './resource-judges.js';

const LAB_ID = 6;
const DEPLOY = LAB06_DEPLOY;
const { result, skipped } = lab06Results;
const MINUTE = 60_000;

/** The Lab 6 AWS checks as they appear on the local target: skipped, never passed. */
export function lab06LocalSkips(): CheckResult[] {
  return (Object.keys(LAB06_AWS_CHECKS) as Lab06CheckKey[]).map((k) =>
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

export async function runLab06AwsChecks(clients: AwsClients, resources: Lab06Resources, options: Lab06AwsCheckOptions = {}): Promise<Lab06AwsReport> {
  const facts = await describeLab06(clients, resources, options);
  return { checks: judgeAll(LAB06_JUDGES, facts, lab06Results.skipped), ...(facts.instance.found ? { instance: facts.instance.found } : {}) };
}

/** Everything the judges look at: the instance, then (when it is there) its alarms. */
export async function describeLab06(clients: AwsClients, resources: Lab06Resources, options: Lab06AwsCheckOptions = {}): Promise<Lab06Facts> {
  const ctx = { region: options.region ?? resources.region ?? clients.region, profile: options.profile ?? clients.profile };
  const id = resources.dbInstanceId;
  const facts: Lab06Facts = {
    dbInstanceId: id,
    region: ctx.region,
    stackName: resources.stackName,
    source: resources.source,
    instance: { ms: 0 },
    alarms: { byMetric: {}, ms: 0 },
  };
  const t0 = performance.now();
  try {
    const found = await describeDbInstance(clients, id, { ...ctx, deployCommand: DEPLOY });
    facts.instance = found ? { found, ms: elapsed(t0) } : { suggestions: await suggestDbInstances(clients, LAB_ID, id), ms: elapsed(t0) };
  } catch (err) {
    facts.instance = { error: err as EnvironmentError, ms: elapsed(t0) };
  }
  if (facts.instance.found) facts.alarms = await readAlarms(clients, id, ctx);
  return facts;
}

/** The alarms on each of LAB06_ALARM_METRICS of the instance. */
async function readAlarms(clients: AwsClients, id: string, ctx: { region?: string; profile?: string }): Promise<Lab06Facts['alarms']> {
  const t0 = performance.now();
  const byMetric: Record<string, MetricAlarm[]> = {};
  try {
    for (const { metric } of LAB06_ALARM_METRICS) {
      const out = await clients.cloudwatch.send(
        new DescribeAlarmsForMetricCommand({ Namespace: 'AWS/RDS', MetricName: metric, Dimensions: [{ Name: 'DBInstanceIdentifier', Value: id }] }),
      );
      byMetric[metric] = out.MetricAlarms ?? [];
    }
  } catch (err) {
    return {
      byMetric,
      error: explainAwsError(err, { action: 'cloudwatch:DescribeAlarmsForMetric', region: ctx.region, profile: ctx.profile }),
      ms: elapsed(t0),
    };
  }
  return { byMetric, ms: elapsed(t0) };
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
        "the instance's DbiResourceId is not known (the PI API is addressed by it, not by the instance name)",
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
    renderTopSql(
      top.rows.map((r) => ({ statement: r.statement, share: r.share })),
      { shareLabel: 'share of load' },
    );
  return { check: result('topSql', 'pass', message, undefined, ms), topSql: top };
}
