import { defineLab } from '../../checker/core/lab.js';
import { billable } from '../../checker/cost/pricing.js';
import { AURORA_MYSQL_PIN, VALKEY_PIN } from '../../stacks/shared/engine-pins.js';

export const lab07 = defineLab({
  id: 7,
  slug: 'serverless-cache',
  title: 'The serverless cache: Lambda in front of Aurora and Valkey',
  status: 'ready',
  summary: 'Write a Lambda handler that reuses its clients, reads through Valkey, writes through to Aurora, and survives a herd.',
  objectives: [
    'Tell the init phase from the invoke phase, and create clients once per execution environment',
    'Read through the cache with a TTL from the environment, and answer from the database when the cache is down',
    'Write through on PUT: the database first, then the cache, nothing cached on a failed write',
    'Stop the thundering herd on a cold key with a Redis lock (SET NX PX) and a bounded wait',
    'Measure what a cache really saves inside a Lambda, cold and warm, beside the "20-60x" claim',
  ],
  steps: [
    'Read the lesson: labs/07-serverless-cache/README.md',
    'Complete the handlers in labs/07-serverless-cache/exercises/ (the kit runs each in a local Lambda-like runtime)',
    'Deploy the stack: the function in private subnets with no NAT, Aurora Serverless v2 (0 ACU minimum) and one Valkey node',
    'Check the deployed function, then run the same handler checks against it',
    'Destroy the stack when you are done',
  ],
  cost: {
    billable: [
      billable('aurora:serverless-v2-acu', 1, 'Aurora Serverless v2 at 0.5 ACU while in use (0 ACU and no charge once paused)', 0.5),
      billable('aurora:storage-gib-month', 1, 'Aurora storage, about 1 GiB', 1),
      billable('elasticache:cache.t4g.micro:valkey', 1, 'cache.t4g.micro node (Valkey)'),
      billable('lambda:arm64-gb-second', 1, 'Lambda on arm64: about 100 GB-seconds an hour while you run the checks', 100),
      billable('lambda:million-requests', 1, 'Lambda requests: about 2,000 an hour while you run the checks', 0.002),
      billable('ec2:t4g.nano', 1, 't4g.nano bastion instance'),
      billable('ebs:gp3-gib-month', 1, 'bastion root volume, 8 GiB gp3', 8),
      billable('vpc:public-ipv4', 1, 'public IPv4 address (bastion)'),
      billable('secretsmanager:secret-month', 3, 'Secrets Manager secrets: database master, function user, Valkey AUTH token'),
      billable('cloudwatch-logs:gib-ingested', 1, 'function logs, about 0.001 GiB/h', 0.0011),
    ],
    note: 'One Lambda function on arm64 (cents at lab volumes), Aurora Serverless v2 with a 0-ACU minimum that pauses after 5 idle minutes, one Valkey node; no NAT gateway. Paused, the stack still costs about $0.025/h (cache node, bastion, secrets): destroy it when you are done.',
  },
  plannedHours: 3,
  requires: {
    localEngines: ['redis', 'mysql'],
    // The stack builds its database and cache from these (stacks/07-serverless-cache.ts).
    rds: [{ ...AURORA_MYSQL_PIN, instanceClass: 'db.serverless' }],
    elasticache: [{ ...VALKEY_PIN, nodeType: 'cache.t4g.micro' }],
    minAvailabilityZones: 2,
    tunnel: true,
  },
  deployMinutes: 20,
  localTopology: 'cache-and-database',
  stack: {
    name: 'DataTierLabs-07-ServerlessCache',
    outputs: {
      functionName: 'FunctionName',
      functionLogGroup: 'FunctionLogGroup',
      clusterId: 'ClusterId',
      clusterEndpoint: 'ClusterEndpoint',
      writerInstanceId: 'WriterInstanceId',
      dbPort: 'DbPort',
      dbName: 'DbName',
      dbSecretArn: 'DbSecretArn',
      dbAppUser: 'DbAppUser',
      dbAppSecretArn: 'DbAppSecretArn',
      replicationGroupId: 'ReplicationGroupId',
      cacheEndpoint: 'CachePrimaryEndpoint',
      cachePort: 'CachePort',
      cacheAuthSecretArn: 'CacheAuthSecretArn',
      bastionInstanceId: 'BastionInstanceId',
    },
  },
  exercises: [
    {
      id: '01-client-reuse',
      title: 'Clients once per execution environment',
      exports: ['handler'],
      hint: 'Create the Redis client and the database pool at the top level of the module (the init phase); the handler only uses them.',
    },
    {
      id: '02-read-through',
      title: 'Read through the cache (lazy loading) in a handler',
      exports: ['handler'],
      hint: 'GET user:<id>; on a hit answer "source": "cache"; on a miss read the row, SET it with EX CACHE_TTL_SECONDS, answer "source": "database". A Redis error is a miss.',
    },
    {
      id: '03-write-through',
      title: 'Write-through on PUT',
      exports: ['handler'],
      hint: 'Validate the body (400), write the database and await it (5xx when it fails), and only then SET user:<id> with its TTL.',
    },
    {
      id: '04-herd-protection',
      title: 'Herd protection on a cold key',
      exports: ['handler'],
      hint: 'On a miss: SET lock:user:<id> token NX PX 3000. The winner loads and fills the cache; the others re-read the cache every few tens of ms for at most 1 s, then read the database.',
    },
  ],
  hints: [
    'Each exercise is a Lambda handler: export async function handler(event, context). The kit runs it the way Lambda does: one process per execution environment, the module loaded once.',
    'The function reads REDIS_URL, DB_HOST, DB_PORT, DB_USER, DB_PASSWORD, DB_NAME, DB_SSL and CACHE_TTL_SECONDS from its environment, on both targets.',
    'Run one exercise at a time: npm run check -- 7 --exercise 02',
    'Concurrent requests land in different execution environments: anything shared in one process (a Map, a promise) is not shared with the others.',
  ],
});
