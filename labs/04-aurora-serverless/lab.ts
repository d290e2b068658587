import { defineLab } from '../../checker/core/lab.js';
import { billable } from '../../checker/cost/pricing.js';
import { AURORA_MYSQL_PIN } from '../../stacks/shared/engine-pins.js';

export const lab04 = defineLab({
  id: 4,
  slug: 'aurora-serverless',
  title: 'Aurora Serverless v2',
  status: 'ready',
  summary: 'Capacity in ACUs from 0 (auto-pause) upwards: ramp the load, watch the ACUs follow, and time the resume from pause.',
  objectives: [
    'Know that Serverless v1 is retired and how v2 scales: ACUs from 0 to 256 in half-ACU steps, driven by CPU, connections and memory',
    'Drive a database with a load generator that ramps connections in steps and reports every error it meets',
    'Read ServerlessDatabaseCapacity and ACUUtilization and chart them against the load',
    'Measure, from the client, how long a paused cluster takes to answer again',
    'Decide when serverless is cheaper than a provisioned instance, and when it is not',
  ],
  steps: [
    'Read the lesson: labs/04-aurora-serverless/README.md',
    'Complete the exercises in labs/04-aurora-serverless/exercises/ (locally against a real MariaDB; capacity checks need AWS)',
    'Deploy the stack and set the maximum capacity (labs/04-aurora-serverless/stack-config.ts)',
    'Run the load ramp against the cluster and watch the ACUs (npm run check -- 4 --target aws)',
    'Leave the cluster idle for 5 minutes, then measure the resume from pause',
    'Destroy the stack when you are done',
  ],
  cost: {
    billable: [
      billable('aurora:serverless-v2-acu', 2, 'Aurora Serverless v2 capacity: about 2 ACU-hours per hour while you run load, 0 while paused'),
      billable('aurora:storage-gib-month', 1, 'Aurora cluster volume, about 1 GiB used', 1),
      billable('ec2:t4g.nano', 1, 't4g.nano bastion instance'),
      billable('ebs:gp3-gib-month', 1, 'bastion root volume, 8 GiB gp3', 8),
      billable('vpc:public-ipv4', 1, 'public IPv4 address (bastion)'),
      billable('secretsmanager:secret-month', 1, 'Secrets Manager secret (database)'),
      billable('cloudwatch:dashboard-month', 1, 'CloudWatch dashboard (free if it is one of your first three)'),
      billable('cloudwatch-logs:gib-ingested', 1, 'flow logs, about 0.0001 GiB/h', 0.0001),
    ],
    note: 'ACUs bill per second while the cluster runs; with minimum 0 and auto-pause the instance costs nothing while paused (storage still bills).',
  },
  plannedHours: 2,
  requires: {
    localEngines: ['mysql'],
    rds: [{ ...AURORA_MYSQL_PIN, instanceClass: 'db.serverless' }],
    elasticache: [],
    minAvailabilityZones: 2,
    tunnel: true,
  },
  deployMinutes: 20,
  localTopology: 'database',
  stack: {
    name: 'DataTierLabs-04-AuroraServerless',
    outputs: {
      clusterId: 'ClusterId',
      clusterEndpoint: 'ClusterEndpoint',
      writerInstanceId: 'WriterInstanceId',
      dbPort: 'DbPort',
      dbSecretArn: 'DbSecretArn',
      dbName: 'DbName',
      dashboardName: 'DashboardName',
      bastionInstanceId: 'BastionInstanceId',
    },
  },
  exercises: [
    {
      id: '01-load-step',
      title: 'One load step that counts honestly',
      exports: ['runStep'],
      hint: 'Start the workers together, let each loop on ctx.db.query until the deadline, and count every failed query as an error (never retry it silently, never let it stop the worker).',
    },
    {
      id: '02-ramp',
      title: 'Ramp the connections in steps',
      exports: ['rampLoad'],
      hint: 'Run step k with k x plan.workersPerStep workers for plan.stepMs (your runStep), one step after another, and keep ctx.sampleCapacity() taken right after each step on that step.',
    },
    {
      id: '03-resume-latency',
      title: 'Time the resume from pause',
      exports: ['measureResume'],
      hint: 'Start the clock before the first attempt; keep trying to connect and run SELECT 1 (a refused attempt is retried) until it works; return the milliseconds to the first answer.',
    },
  ],
  hints: [
    'A paused Aurora Serverless v2 cluster resumes on the first connection: the connection waits (about 15 s), it is not refused.',
    'ServerlessDatabaseCapacity is in ACUs; one ACU is about 2 GiB of memory with matching CPU and networking.',
  ],
});
