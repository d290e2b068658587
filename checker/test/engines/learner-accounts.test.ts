/**
 * The learner's accounts on the local engines: they exist, they can do what
 * the labs ask (tables in the lab database, the statement digests, GET, SET,
 * EXPIRE, KEYS), and nothing that would damage the engines the checker runs
 * on. The checker's own accounts keep full rights; Redis's default user needs
 * its password.
 */
import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_ACCOUNT } from '../../engines/accounts.js';
import { forLearner, redisForLearner, type CacheEndpoints, type MysqlEndpoint, type RedisEndpoint } from '../../engines/endpoints.js';
import { startLocalEngines, type LocalEngines } from '../../engines/local.js';
import { connectRedis } from '../../runner/connect.js';

let engines: LocalEngines | undefined;
let endpoints: CacheEndpoints;

beforeAll(async () => {
  engines = await startLocalEngines();
  endpoints = engines.endpoints;
});

afterAll(async () => {
  await engines?.stop();
});

const connect = (e: MysqlEndpoint) => mysql.createConnection({ host: e.host, port: e.port, user: e.user, password: e.password, database: e.database });

async function errnoOf(conn: mysql.Connection, sql: string): Promise<number | undefined> {
  try {
    await conn.query(sql);
    return undefined;
  } catch (err) {
    return (err as { errno?: number }).errno;
  }
}

describe('MariaDB: the learner account', () => {
  it('is on the endpoint, distinct from the checker’s root', () => {
    expect(endpoints.mysql.user).toBe('root');
    expect(endpoints.mysql.learner?.user).toBe('learner');
    expect(forLearner(endpoints.mysql).user).toBe('learner');
  });

  it('creates, fills and drops tables in the lab database, and reads the statement digests', async () => {
    const conn = await connect(forLearner(endpoints.mysql));
    try {
      await conn.query('CREATE TABLE learner_probe (id INT PRIMARY KEY, note VARCHAR(20))');
      await conn.query("INSERT INTO learner_probe VALUES (1, 'a')");
      await conn.query('CREATE INDEX idx_note ON learner_probe (note)');
      await conn.query('DROP TABLE learner_probe');
      await conn.query('SELECT COUNT(*) FROM performance_schema.events_statements_summary_by_digest');
    } finally {
      await conn.end();
    }
  });

  it('is refused DROP DATABASE mysql, SHUTDOWN, SET GLOBAL, CREATE USER and other databases', async () => {
    const conn = await connect(forLearner(endpoints.mysql));
    try {
      expect(await errnoOf(conn, 'DROP DATABASE mysql')).toBe(1044);
      expect(await errnoOf(conn, 'SHUTDOWN')).toBe(1227);
      expect(await errnoOf(conn, 'SET GLOBAL max_connections = 10')).toBe(1227);
      expect(await errnoOf(conn, "CREATE USER 'someone'@'%'")).toBe(1227);
      expect(await errnoOf(conn, 'CREATE DATABASE elsewhere')).toBe(1044);
      expect(await errnoOf(conn, 'SELECT * FROM mysql.user')).toBe(1142);
      expect(await errnoOf(conn, 'TRUNCATE TABLE performance_schema.events_statements_summary_by_digest')).toBe(1142);
    } finally {
      await conn.end();
    }
  });

  it('holds no global privilege but USAGE', async () => {
    const conn = await connect(forLearner(endpoints.mysql));
    try {
      const [rows] = await conn.query('SHOW GRANTS');
      const grants = (rows as Array<Record<string, string>>).map((r) => Object.values(r)[0]);
      const global = grants.filter((g) => / ON \*\.\* /.test(g));
      expect(global, grants.join('\n')).toHaveLength(1);
      expect(global[0]).toMatch(/^GRANT USAGE ON/);
    } finally {
      await conn.end();
    }
  });

  it('root needs this checker process’s password: without it, or with a wrong one, it is refused on every root host', async () => {
    const e = endpoints.mysql;
    expect(e.password).toBe(ROOT_ACCOUNT.password);
    expect(ROOT_ACCOUNT.password).toMatch(/^[0-9a-f]{24}$/);
    for (const host of ['127.0.0.1', 'localhost']) {
      for (const password of ['', 'root', 'learner-local-1']) {
        const err = await mysql.createConnection({ host, port: e.port, user: 'root', password }).then(
          (c) => (c.destroy(), undefined),
          (error: { errno?: number }) => error,
        );
        expect(err?.errno, `root@${host} with password "${password}"`).toBe(1045);
      }
    }
  });

  it('leaves the checker’s root its rights', async () => {
    const conn = await connect(endpoints.mysql);
    try {
      await conn.query('SET GLOBAL max_connections = @@max_connections');
    } finally {
      await conn.end();
    }
  });
});

describe('Redis: the learner ACL user and the default user’s password', () => {
  const as = async (e: RedisEndpoint) => connectRedis(e);

  it('lets the learner GET, SET, EXPIRE, KEYS and SCAN', async () => {
    const redis = await as(redisForLearner(endpoints.redis));
    try {
      expect(await redis.set('learner:probe', 'x')).toBe('OK');
      expect(await redis.get('learner:probe')).toBe('x');
      expect(await redis.expire('learner:probe', 30)).toBe(1);
      expect(await redis.keys('learner:*')).toEqual(['learner:probe']);
      expect((await redis.scan('0', 'MATCH', 'learner:*'))[1]).toEqual(['learner:probe']);
      expect(await redis.del('learner:probe')).toBe(1);
    } finally {
      redis.disconnect();
    }
  });

  it('refuses the learner FLUSHALL, FLUSHDB, CONFIG, SHUTDOWN, SWAPDB and ACL with NOPERM', async () => {
    const redis = await as(redisForLearner(endpoints.redis));
    try {
      for (const command of [['FLUSHALL'], ['FLUSHDB'], ['CONFIG', 'GET', 'maxmemory'], ['SHUTDOWN', 'NOSAVE'], ['SWAPDB', '0', '1'], ['ACL', 'LIST']]) {
        await expect(redis.call(command[0], ...command.slice(1)), command.join(' ')).rejects.toThrow(/NOPERM/);
      }
      expect(await redis.ping()).toBe('PONG');
    } finally {
      redis.disconnect();
    }
  });

  it('asks for the default user’s password, and gives the checker full rights with it', async () => {
    const { host, port } = endpoints.redis;
    const anonymous = new Redis({ host, port, lazyConnect: true, enableReadyCheck: false, maxRetriesPerRequest: 0 });
    anonymous.on('error', () => {});
    try {
      await anonymous.connect();
      await expect(anonymous.get('anything')).rejects.toThrow(/NOAUTH/);
    } finally {
      anonymous.disconnect();
    }
    const checker = await as(endpoints.redis);
    try {
      expect(await checker.config('GET', 'maxmemory')).toEqual(['maxmemory', expect.any(String)]);
    } finally {
      checker.disconnect();
    }
  });
});
