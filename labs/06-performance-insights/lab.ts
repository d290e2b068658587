import { defineLab } from '../../checker/core/lab.js';
import { billable } from '../../checker/cost/pricing.js';
import { MYSQL_PIN } from '../../stacks/shared/engine-pins.js';

export const lab06 = defineLab({
  id: 6,
  slug: 'performance-insights',
  title: 'Database Insights (Performance Insights)',
  status: 'ready',
  summary: 'Run a workload, find the statement that carries the load, fix it, and prove the fix by what the database reports.',
  objectives: [
    'Read database load in average active sessions, by SQL and by wait event, against the vCPU line',
    'Know where Performance Insights went: CloudWatch Database Insights (Standard and Advanced), with the PI API unchanged',
    'Tell Enhanced Monitoring (OS metrics) from CloudWatch metrics, and alarm on CPU and connections',
    'Find the top SQL of a workload from the statement digests',
    'Fix the top statement and prove it by rows examined per call and latency, before and after',
  ],
  steps: [
    'Read the lesson: labs/06-performance-insights/README.md',
    'Complete the exercises in labs/06-performance-insights/exercises/ (locally MariaDB performance_schema plays the part of top SQL)',
    'Switch on Performance Insights, Enhanced Monitoring and alarms in labs/06-performance-insights/stack-config.ts, then deploy (npm run deploy 6); if you deployed without them first, reboot the instance once',
    'Run the workload on AWS and read the top SQL (npm run check -- 6 --target aws)',
    'Apply your fix, run the workload again and compare',
    'Destroy the stack when you are done',
  ],
  cost: {
    billable: [
      billable('rds:db.t4g.medium:mysql', 1, 'db.t4g.medium MySQL instance (the smallest class with Performance Insights)'),
      billable('rds:gp3-gib-month', 1, 'RDS gp3 storage, 20 GiB', 20),
      billable('cloudwatch:alarm-month', 2, 'CloudWatch alarms: CPU and connections'),
      billable('cloudwatch:dashboard-month', 1, 'CloudWatch dashboard (free if it is one of your first three)'),
      billable('cloudwatch-logs:gib-ingested', 1, 'Enhanced Monitoring at 60 s and flow logs, about 0.001 GiB/h', 0.001),
      billable('ec2:t4g.nano', 1, 't4g.nano bastion instance'),
      billable('ebs:gp3-gib-month', 1, 'bastion root volume, 8 GiB gp3', 8),
      billable('vpc:public-ipv4', 1, 'public IPv4 address (bastion)'),
      billable('secretsmanager:secret-month', 1, 'Secrets Manager secret (database)'),
    ],
    note: 'Performance Insights with 7 days of history and Database Insights Standard cost nothing; they are not offered on micro and small classes, so this lab runs a medium instance: destroy it when you are done.',
  },
  plannedHours: 2,
  requires: {
    localEngines: ['mysql'],
    rds: [{ ...MYSQL_PIN, instanceClass: 'db.t4g.medium', storageType: 'gp3' }],
    elasticache: [],
    minAvailabilityZones: 2,
    tunnel: true,
  },
  deployMinutes: 20,
  localTopology: 'database',
  stack: {
    name: 'DataTierLabs-06-PerformanceInsights',
    outputs: {
      instanceId: 'InstanceId',
      dbEndpoint: 'DbEndpoint',
      dbiResourceId: 'DbiResourceId',
      dbPort: 'DbPort',
      dbSecretArn: 'DbSecretArn',
      dbName: 'DbName',
      dashboardName: 'DashboardName',
      bastionInstanceId: 'BastionInstanceId',
    },
  },
  exercises: [
    {
      id: '01-top-sql',
      title: 'Top SQL from the statement digests',
      exports: ['topSql'],
      hint: 'Read ctx.digestTable, order by total time, and convert the timer columns from picoseconds to milliseconds.',
    },
    {
      id: '02-fix-the-top-sql',
      title: 'Fix the statement that carries the load',
      exports: ['migrate', 'ordersForCustomer'],
      hint: 'The hot query filters orders by customer_id and the table has no index for it: add one in migrate(), and keep ordersForCustomer returning the same rows.',
    },
  ],
  hints: [
    'performance_schema timers count picoseconds: divide by 1e9 for milliseconds.',
    'Rows examined per call against rows sent per call tells a scan from an index lookup.',
    'After the fix the ORDER BY RAND() read tops the list: it sorts the whole items table on every call, the next statement to look at.',
  ],
});
