import { defineLab } from '../../checker/core/lab.js';
import { billable } from '../../checker/cost/pricing.js';
import { AURORA_MYSQL_PIN } from '../../stacks/shared/engine-pins.js';

export const lab03 = defineLab({
  id: 3,
  slug: 'aurora-cluster',
  title: 'Aurora MySQL cluster',
  status: 'ready',
  summary: 'One writer, two readers on a shared cluster volume: route by endpoint, find the writer from the topology, and survive a failover.',
  objectives: [
    "Explain Aurora's split of compute and the shared cluster volume (six copies in three AZs, write quorum 4, read quorum 3)",
    'Tell the writer from a reader by what the server says (@@innodb_read_only, @@aurora_server_id), not by the endpoint name',
    'Send writes to the cluster endpoint and reads to the reader endpoint',
    'Find the current writer from replica_host_status and reconnect to it after a failover',
    'Run FailoverDBCluster and compare a DNS-only client with a topology-aware one, measured from the client',
  ],
  steps: [
    'Read the lesson: labs/03-aurora-cluster/README.md',
    'Complete the exercises in labs/03-aurora-cluster/exercises/ (locally a writer and two readers replicate for real)',
    'Run the local failover drill: npm run check -- 3 --failover-drill',
    'Deploy the stack, then add two readers (labs/03-aurora-cluster/stack-config.ts, the console or the CLI)',
    'Check your AWS resources; run the drill on AWS (FailoverDBCluster, after you confirm)',
    'Destroy the stack when you are done',
  ],
  cost: {
    billable: [
      billable('aurora:db.t4g.medium:mysql', 3, 'db.t4g.medium Aurora MySQL instances: a writer and two readers (your starting point has the writer only)'),
      billable('aurora:storage-gib-month', 1, 'Aurora cluster volume, about 1 GiB used', 1),
      billable('ec2:t4g.nano', 1, 't4g.nano bastion instance'),
      billable('ebs:gp3-gib-month', 1, 'bastion root volume, 8 GiB gp3', 8),
      billable('vpc:public-ipv4', 1, 'public IPv4 address (bastion)'),
      billable('secretsmanager:secret-month', 1, 'Secrets Manager secret (database)'),
      billable('cloudwatch-logs:gib-ingested', 1, 'flow logs, about 0.0001 GiB/h', 0.0001),
    ],
    note: 'Each Aurora instance bills by the hour whether busy or not; storage bills for what is used, I/O per million requests (a few cents in this lab).',
  },
  plannedHours: 3,
  requires: {
    localEngines: ['mysql'],
    rds: [{ ...AURORA_MYSQL_PIN, instanceClass: 'db.t4g.medium' }],
    elasticache: [],
    minAvailabilityZones: 2,
    tunnel: true,
  },
  deployMinutes: 25,
  localTopology: 'aurora-cluster',
  stack: {
    name: 'DataTierLabs-03-AuroraCluster',
    outputs: {
      clusterId: 'ClusterId',
      clusterEndpoint: 'ClusterEndpoint',
      readerEndpoint: 'ReaderEndpoint',
      dbPort: 'DbPort',
      dbSecretArn: 'DbSecretArn',
      dbName: 'DbName',
      bastionInstanceId: 'BastionInstanceId',
    },
  },
  exercises: [
    {
      id: '01-who-answered',
      title: 'Who answered? Writer or reader',
      exports: ['identify'],
      hint: 'Connect with mysql2 to the settings you are given, run ctx.identitySql, read server_id and read_only from the one row, and close the connection.',
    },
    {
      id: '02-read-write-split',
      title: 'Writes to the cluster endpoint, reads to the reader endpoint',
      exports: ['createClusterClient'],
      hint: 'Keep two connections: one to ctx.writer for write(), one to ctx.reader for read(). If a connection is lost, open a new one to the same endpoint on the next call.',
    },
    {
      id: '03-topology-aware',
      title: 'A topology-aware client that follows the writer',
      exports: ['findWriter', 'createTopologyAwareClient'],
      hint: "Read SERVER_ID from ctx.topologyTable where SESSION_ID = 'MASTER_SESSION_ID'; connect to ctx.instance(id). When a query fails, ask the topology again (through any instance that answers) and reconnect to the writer it names.",
    },
  ],
  hints: [
    'ctx.writer and ctx.reader are mysql2 connection settings for the cluster and reader endpoints; ctx.instance(id) gives one instance.',
    'ctx.identitySql returns one row { server_id, read_only }: on Aurora it reads @@aurora_server_id and @@innodb_read_only.',
    'A DNS name can lag behind a failover: after one, check read_only before you trust a connection to be the writer.',
  ],
});
