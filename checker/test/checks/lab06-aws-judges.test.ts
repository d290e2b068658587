/**
 * Lab 6's deployed-resource judges, one at a time, from described resources
 * alone (no AWS client): each passes on the lab's monitored instance and
 * fails on one thing wrong; every check needs the instance.
 */
import type { MetricAlarm } from '@aws-sdk/client-cloudwatch';
import type { DBInstance } from '@aws-sdk/client-rds';
import { describe, expect, it } from 'vitest';
import { judgeAll } from '../../checks/aws-judges.js';
import { LAB06_AWS_CHECKS, LAB06_JUDGES, lab06Results, type Lab06CheckKey, type Lab06Facts } from '../../checks/06-performance-insights/resource-judges.js';
import { EnvironmentError } from '../../core/errors.js';

const ID = 'dtl06-mysql';
const db = (over: Partial<DBInstance> = {}): DBInstance => ({
  DBInstanceIdentifier: ID,
  DBInstanceStatus: 'available',
  DBInstanceClass: 'db.t4g.medium',
  PerformanceInsightsEnabled: true,
  PerformanceInsightsRetentionPeriod: 7,
  DatabaseInsightsMode: 'standard',
  MonitoringInterval: 60,
  ...over,
});
const alarm = (name: string): MetricAlarm => ({ AlarmName: name, StateValue: 'OK' });

function facts(over: Partial<Lab06Facts> = {}): Lab06Facts {
  return {
    dbInstanceId: ID,
    region: 'us-east-1',
    stackName: 'DataTierLabs-06',
    source: 'stack',
    instance: { found: db(), ms: 2 },
    alarms: { byMetric: { CPUUtilization: [alarm('cpu')], DatabaseConnections: [alarm('conn')] }, ms: 1 },
    ...over,
  };
}

const judge = (key: Lab06CheckKey, f: Lab06Facts) => LAB06_JUDGES.find((j) => j.key === key)!.judge(f);
const denied = new EnvironmentError('Access denied for cloudwatch:DescribeAlarmsForMetric.', 'Ask for the permission.');

const WRONG: Array<[Lab06CheckKey, Partial<Lab06Facts>, RegExp]> = [
  ['dbInstance', { instance: { found: db({ DBInstanceStatus: 'stopped' }), ms: 1 } }, /has status "stopped"/],
  [
    'performanceInsights',
    { instance: { found: db({ PerformanceInsightsEnabled: false, DBInstanceClass: 'db.t4g.micro' }), ms: 1 } },
    /Performance Insights is off .* does not support it at all/,
  ],
  ['databaseInsights', { instance: { found: db({ DatabaseInsightsMode: 'advanced' }), ms: 1 } }, /advanced mode/],
  ['enhancedMonitoring', { instance: { found: db({ MonitoringInterval: 1 }), ms: 1 } }, /every 1 s; the lab uses 60 s/],
  [
    'alarms',
    { alarms: { byMetric: { CPUUtilization: [alarm('cpu')], DatabaseConnections: [] }, ms: 1 } },
    /No CloudWatch alarm watches DatabaseConnections \(connections\)/,
  ],
];

describe('Lab 6 judges', () => {
  it('there is one judge per resource check (the top SQL comes after the workload)', () => {
    expect(LAB06_JUDGES.map((j) => j.key)).toEqual(Object.keys(LAB06_AWS_CHECKS).filter((k) => k !== 'topSql'));
    expect(WRONG.map(([k]) => k)).toEqual(LAB06_JUDGES.map((j) => j.key));
  });

  it.each(WRONG.map(([key]) => key))('%s passes on the lab stack', (key) => {
    const r = judge(key, facts());
    expect(r.status, r.message).toBe('pass');
    expect(r.id).toBe(LAB06_AWS_CHECKS[key].id);
  });

  it.each(WRONG)('%s fails on one thing wrong', (key, over, says) => {
    const r = judge(key, facts(over));
    expect(r.status).toBe('fail');
    expect(r.message).toMatch(says);
    expect(r.hint).toBeTruthy();
  });

  it('unreadable alarms are an error, not a fail', () => {
    expect(judge('alarms', facts({ alarms: { byMetric: {}, error: denied, ms: 1 } })).status).toBe('error');
  });
});

describe('Lab 6: every check needs the instance', () => {
  it('not found: a fail, the rest skipped with why', () => {
    const out = judgeAll(LAB06_JUDGES, facts({ instance: { suggestions: { lab: [], similar: [] }, ms: 1 } }), lab06Results.skipped);
    expect(out[0]!.status).toBe('fail');
    expect(out.slice(1).map((r) => r.message)).toEqual(Array(4).fill(`Not checked: the DB instance "${ID}" was not found.`));
  });
});
