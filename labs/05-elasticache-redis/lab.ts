import { defineLab } from '../../checker/core/lab.js';
import { billable } from '../../checker/cost/pricing.js';
import { MYSQL_PIN, VALKEY_PIN } from '../../stacks/shared/engine-pins.js';

export const lab05 = defineLab({
  id: 5,
  slug: 'elasticache-redis',
  title: 'ElastiCache for Valkey/Redis: cache-aside, write-through and TTL',
  status: 'ready',
  summary: 'Put a cache in front of MySQL, keep it correct on writes, and let it expire.',
  objectives: [
    'Use strings, hashes, TTLs and sorted sets from ioredis',
    'Implement cache-aside (lazy loading) with a bounded TTL that survives a cache outage',
    'Implement write-through and invalidation without ever serving a stale read',
    'Build a session store with sliding expiration and an expiring leaderboard',
    'Deploy a Multi-AZ replication group with encryption and AUTH, and verify it',
  ],
  steps: [
    'Read the lesson: labs/05-elasticache-redis/README.md',
    'Complete the exercises in labs/05-elasticache-redis/exercises/ (run them locally; watch mode re-runs on save)',
    'Deploy the stack, then give the replication group two replicas (one deploy) and then Multi-AZ with automatic failover (a second deploy; see the lesson, "Your turn")',
    'Check your AWS resources, run the exercises against the deployed cache through the tunnel',
    'Destroy the stack when you are done',
  ],
  cost: {
    // Priced from checker/cost/pricing.ts (us-east-1 list prices, November 2026); see docs/costs.md.
    billable: [
      billable('elasticache:cache.t4g.micro:valkey', 3, 'cache.t4g.micro node (Valkey)'),
      billable('rds:db.t4g.micro:mysql', 1, 'db.t4g.micro MySQL instance, Single-AZ'),
      billable('rds:gp3-gib-month', 1, 'RDS gp3 storage, 20 GiB', 20),
      billable('ec2:t4g.nano', 1, 't4g.nano bastion instance'),
      billable('ebs:gp3-gib-month', 1, 'bastion root volume, 8 GiB gp3', 8),
      billable('vpc:public-ipv4', 1, 'public IPv4 address (bastion)'),
      billable('secretsmanager:secret-month', 2, 'Secrets Manager secret (database, AUTH token)'),
      // Rejected flows only: an estimate of about 100 KiB an hour.
      billable('cloudwatch-logs:gib-ingested', 1, 'VPC flow logs (rejected traffic), about 0.0001 GiB/h', 0.0001),
    ],
    note: 'Three cache nodes because Multi-AZ failover needs a primary and replicas (your starting point has one); no NAT gateway.',
  },
  plannedHours: 4,
  requires: {
    localEngines: ['redis', 'mysql'],
    // The stack builds its database and cache from these (stacks/05-elasticache-redis.ts).
    rds: [{ ...MYSQL_PIN, instanceClass: 'db.t4g.micro', storageType: 'gp3' }],
    elasticache: [{ ...VALKEY_PIN, nodeType: 'cache.t4g.micro' }],
    minAvailabilityZones: 2,
    tunnel: true,
  },
  deployMinutes: 20,
  stack: {
    name: 'DataTierLabs-05-ElastiCacheRedis',
    outputs: {
      replicationGroupId: 'ReplicationGroupId',
      redisEndpoint: 'RedisPrimaryEndpoint',
      redisPort: 'RedisPort',
      redisAuthSecretArn: 'RedisAuthSecretArn',
      dbEndpoint: 'DbEndpoint',
      dbPort: 'DbPort',
      dbSecretArn: 'DbSecretArn',
      dbName: 'DbName',
      bastionInstanceId: 'BastionInstanceId',
    },
  },
  exercises: [
    {
      id: '01-redis-basics',
      title: 'Redis basics: strings, hashes and TTLs',
      exports: ['saveGreeting', 'readGreeting', 'saveProfile', 'readProfile', 'saveOneTimeCode', 'secondsLeft'],
      hint: 'SET/GET for strings, HSET/HGETALL for hashes, SET key value EX seconds (or SETEX) for a TTL, TTL to read it back.',
    },
    {
      id: '02-cache-aside',
      title: 'Cache-aside (lazy loading)',
      exports: ['cacheAside', 'getUser'],
      hint: 'GET the key; on a hit JSON.parse it. On a miss run the loader, SET key value EX ttl, return. Wrap the Redis calls in try/catch so a cache outage falls back to the loader.',
    },
    {
      id: '03-write-through',
      title: 'Write-through',
      exports: ['saveUser'],
      hint: 'Write the database first and await it; only when it succeeded SET the cache entry (with the TTL). Let a database error propagate.',
    },
    {
      id: '04-invalidation',
      title: 'Invalidation on update',
      exports: ['updateUserEmail'],
      hint: 'UPDATE the row, then DEL user:<id>, so the next getUser misses and reloads the fresh row.',
    },
    {
      id: '05-sessions-leaderboard',
      title: 'Sliding sessions and an expiring leaderboard',
      exports: ['createSession', 'getSession', 'addScore', 'topPlayers'],
      hint: 'Sessions: GET then EXPIRE on every access (or GETEX key EX ttl). Leaderboard: ZINCRBY then EXPIRE; ZRANGE key 0 n-1 REV WITHSCORES.',
    },
  ],
  hints: [
    'Every function receives a LabContext: ctx.redis (ioredis), ctx.db (query(sql, params) -> rows) and ctx.ttlSeconds.',
    'Keys are part of the contract: user:<id>, session:<id>, leaderboard:<name>, greeting:<name>, profile:<id>, otp:<user>.',
    'Run one exercise at a time: npm run check -- 5 --exercise 02',
    'Making the cache highly available takes two deploys: replicasPerPrimary first, then multiAz and automaticFailover. CloudFormation refuses failover on a group that has no replica yet, so npm run deploy stops a change that does both at once.',
  ],
});
