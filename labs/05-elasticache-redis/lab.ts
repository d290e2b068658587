import type { LabMeta } from '../../checker/core/lab.js';

export const lab05: LabMeta = {
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
    'Deploy the stack, then give the replication group two replicas and Multi-AZ (see the lesson, "Your turn")',
    'Check your AWS resources, run the exercises against the deployed cache through the tunnel',
    'Destroy the stack when you are done',
  ],
  cost: {
    // us-east-1 list prices, November 2026; see docs/costs.md for sources.
    usdPerHour: 0,
    billable: [
      { kind: 'cache.t4g.micro node (Valkey)', count: 3, usdPerHour: 0.0128 },
      { kind: 'db.t4g.micro MySQL instance', count: 1, usdPerHour: 0.016 },
      { kind: 'gp3 storage, 20 GiB', count: 1, usdPerHour: 0.0032 },
      { kind: 't4g.nano bastion instance', count: 1, usdPerHour: 0.0042 },
      { kind: 'public IPv4 address (bastion)', count: 1, usdPerHour: 0.005 },
      { kind: 'Secrets Manager secret', count: 2, usdPerHour: 0.00055 },
    ],
    note: 'Three cache nodes because Multi-AZ failover needs a primary and replicas; no NAT gateway.',
  },
  deployMinutes: 20,
  stack: {
    name: 'DataTierLabs-05-ElastiCacheRedis',
    file: 'stacks/05-elasticache-redis.ts',
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
  ],
};

lab05.cost.usdPerHour = lab05.cost.billable.reduce((s, r) => s + r.count * r.usdPerHour, 0);
