import { defineLab } from '../../checker/core/lab.js';
import { billable } from '../../checker/cost/pricing.js';
import { MYSQL_PIN } from '../../stacks/shared/engine-pins.js';

export const lab01 = defineLab({
  id: 1,
  slug: 'rds-multi-az',
  title: 'RDS MySQL with Multi-AZ',
  status: 'ready',
  summary: 'A managed MySQL primary with a synchronous standby in another AZ, and a failover your client survives.',
  objectives: [
    'Know what RDS manages for you, and what Multi-AZ is for (availability, not scaling)',
    'Connect with mysql2 over TLS and run the course steps (create, insert, select)',
    'Write a failover probe that measures, from the client, how long the database was unavailable',
    'Convert a single-AZ instance to Multi-AZ, then fail it over and compare the RDS events with your probe',
  ],
  steps: [
    'Read the lesson: labs/01-rds-multi-az/README.md',
    'Complete the exercises in labs/01-rds-multi-az/exercises/ (locally a primary and a standby MariaDB replicate for real)',
    'Run the local failover drill: npm run check -- 1 --failover-drill',
    'Deploy the stack, then make the instance Multi-AZ (labs/01-rds-multi-az/stack-config.ts, the console or the CLI)',
    'Check your AWS resources; run the drill on AWS (a reboot with failover, after you confirm)',
    'Destroy the stack when you are done',
  ],
  cost: {
    billable: [
      billable('rds:db.t4g.micro:mysql:multi-az', 1, 'db.t4g.micro MySQL instance, Multi-AZ (your starting point is Single-AZ)'),
      billable('rds:gp3-gib-month', 2, 'RDS gp3 storage, 20 GiB, primary and standby', 20),
      billable('ec2:t4g.nano', 1, 't4g.nano bastion instance'),
      billable('ebs:gp3-gib-month', 1, 'bastion root volume, 8 GiB gp3', 8),
      billable('vpc:public-ipv4', 1, 'public IPv4 address (bastion)'),
      billable('secretsmanager:secret-month', 1, 'Secrets Manager secret (database)'),
      billable('cloudwatch-logs:gib-ingested', 1, 'Enhanced Monitoring and flow logs, about 0.001 GiB/h', 0.001),
    ],
    note: 'Multi-AZ doubles the instance and storage price; the standby serves no reads.',
  },
  plannedHours: 3,
  requires: {
    localEngines: ['mysql'],
    rds: [{ ...MYSQL_PIN, instanceClass: 'db.t4g.micro', storageType: 'gp3' }],
    elasticache: [],
    minAvailabilityZones: 2,
    tunnel: true,
  },
  deployMinutes: 25,
  localTopology: 'primary-and-replica',
  stack: {
    name: 'DataTierLabs-01-RdsMultiAz',
    outputs: {
      dbInstanceId: 'DbInstanceId',
      dbEndpoint: 'DbEndpoint',
      dbPort: 'DbPort',
      dbSecretArn: 'DbSecretArn',
      dbName: 'DbName',
      dbSecurityGroupId: 'DbSecurityGroupId',
      bastionSecurityGroupId: 'BastionSecurityGroupId',
      parameterGroupName: 'ParameterGroupName',
      bastionInstanceId: 'BastionInstanceId',
    },
  },
  exercises: [
    {
      id: '01-connect-and-query',
      title: 'Connect over TLS and run the course steps',
      exports: ['connect', 'createUsersTable', 'insertUsers', 'listUsers'],
      hint: 'mysql.createConnection({ ...ctx.connection, connectTimeout }); CREATE TABLE IF NOT EXISTS users (...); INSERT three rows; SELECT them ordered by id.',
    },
    {
      id: '02-failover-probe',
      title: 'A failover probe: seconds without service, and where you landed',
      exports: ['probeOnce', 'runProbe'],
      hint: 'Open a NEW connection each attempt with a short connectTimeout, run SELECT @@server_id, always close it; count the time between the first failure and the next success as downtime.',
    },
  ],
  hints: [
    'Every function receives a ReplicationContext: ctx.connection (mysql2 options for the endpoint, TLS on AWS), ctx.timeoutMs.',
    'Locally the endpoint is a loopback port that follows whichever MariaDB is primary, as the RDS DNS name does.',
  ],
});
