import { defineLab } from '../../checker/core/lab.js';
import { billable } from '../../checker/cost/pricing.js';
import { MYSQL_PIN } from '../../stacks/shared/engine-pins.js';

export const lab02 = defineLab({
  id: 2,
  slug: 'read-replicas',
  title: 'Read replicas',
  status: 'ready',
  summary: 'Send reads to an asynchronous replica, measure its lag, and keep each user reading their own writes.',
  objectives: [
    'Know what a read replica is for (reads and reporting, not writes, not failover) and how it differs from a Multi-AZ standby',
    'Route writes to the primary and reads to the replica, proved by which server answered',
    'Measure replica lag from the client with a marker row',
    'Give a user read-your-writes for a short window after they write',
    'Add a read replica to the deployed instance and watch ReplicaLag in CloudWatch',
  ],
  steps: [
    'Read the lesson: labs/02-read-replicas/README.md',
    'Complete the exercises in labs/02-read-replicas/exercises/ (locally a real MariaDB replica with real lag)',
    'Deploy the stack, then add a read replica (labs/02-read-replicas/stack-config.ts, the console or the CLI)',
    'Check your AWS resources and run the exercises against the primary and the replica',
    'Destroy the stack when you are done',
  ],
  cost: {
    billable: [
      billable('rds:db.t4g.micro:mysql', 2, 'db.t4g.micro MySQL instances, primary and read replica (your starting point has no replica)'),
      billable('rds:gp3-gib-month', 2, 'RDS gp3 storage, 20 GiB each', 20),
      billable('ec2:t4g.nano', 1, 't4g.nano bastion instance'),
      billable('ebs:gp3-gib-month', 1, 'bastion root volume, 8 GiB gp3', 8),
      billable('vpc:public-ipv4', 1, 'public IPv4 address (bastion)'),
      billable('secretsmanager:secret-month', 1, 'Secrets Manager secret (database)'),
      billable('cloudwatch-logs:gib-ingested', 1, 'flow logs, about 0.0001 GiB/h', 0.0001),
    ],
    note: 'The replica is billed like a second instance; replication within a Region costs nothing extra.',
  },
  plannedHours: 3,
  requires: {
    localEngines: ['mysql'],
    rds: [{ ...MYSQL_PIN, instanceClass: 'db.t4g.micro', storageType: 'gp3' }],
    elasticache: [],
    minAvailabilityZones: 2,
    tunnel: true,
  },
  deployMinutes: 30,
  localTopology: 'primary-and-replica',
  stack: {
    name: 'DataTierLabs-02-ReadReplicas',
    outputs: {
      primaryInstanceId: 'PrimaryInstanceId',
      primaryEndpoint: 'PrimaryEndpoint',
      replicaInstanceId: 'ReplicaInstanceId',
      replicaEndpoint: 'ReplicaEndpoint',
      dbPort: 'DbPort',
      dbSecretArn: 'DbSecretArn',
      dbName: 'DbName',
      bastionInstanceId: 'BastionInstanceId',
    },
  },
  exercises: [
    {
      id: '01-read-write-router',
      title: 'A read/write router',
      exports: ['createRouter'],
      hint: 'Look at the statement: SELECT (and SHOW) go to ctx.replica, everything else to ctx.primary.',
    },
    {
      id: '02-lag-probe',
      title: 'Measure replica lag with a marker',
      exports: ['measureLag'],
      hint: 'INSERT a unique token on the primary, then poll the replica every few milliseconds until the row is there; return the elapsed milliseconds.',
    },
    {
      id: '03-read-your-writes',
      title: 'Read-your-writes for a user session',
      exports: ['createSessionRouter'],
      hint: 'Remember when each user last wrote; for stickyMs after that, send their reads to the primary.',
    },
  ],
  hints: [
    'ctx.primary and ctx.replica are Db handles (query(sql, params) -> rows); ctx.stickyMs is the read-your-writes window.',
    'SELECT @@server_id tells which server answered: the checker uses it, and so can you.',
  ],
});
