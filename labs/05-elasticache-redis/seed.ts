/**
 * The sample data the Lab 5 exercises read: 1,000 users, and 100,000 orders
 * for the aggregate the speed-up measurement caches. Portable SQL, so the same
 * seed runs on local MariaDB and on RDS MySQL.
 */
import type { Connection } from 'mysql2/promise';
import type { Redis } from 'ioredis';

export const USER_COUNT = 1000;
export const ORDER_COUNT = 100_000;
export const KEY_PREFIXES = ['user:', 'session:', 'leaderboard:', 'greeting:', 'profile:', 'otp:', 'report:'];

export const sampleUser = (id: number) => ({ id, name: `User ${id}`, email: `user${id}@example.com` });

const DIGITS =
  '(SELECT 0 n UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9)';

export async function createSchema(conn: Connection): Promise<void> {
  await conn.query(`CREATE TABLE IF NOT EXISTS users (
    id INT PRIMARY KEY,
    name VARCHAR(100) NOT NULL,
    email VARCHAR(200) NOT NULL,
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP
  )`);
  await conn.query(`CREATE TABLE IF NOT EXISTS orders (
    id INT PRIMARY KEY,
    user_id INT NOT NULL,
    country CHAR(2) NOT NULL,
    total DECIMAL(10,2) NOT NULL
  )`);
}

/** Restores the users table to its seed state; fills orders once. */
export async function resetDatabase(conn: Connection): Promise<void> {
  await createSchema(conn);
  await conn.query('DELETE FROM users');
  await conn.query(
    `INSERT INTO users (id, name, email)
     SELECT n, CONCAT('User ', n), CONCAT('user', n, '@example.com')
     FROM (SELECT a.n + b.n * 10 + c.n * 100 + 1 AS n FROM ${DIGITS} a, ${DIGITS} b, ${DIGITS} c) seq
     WHERE n <= ?`,
    [USER_COUNT],
  );
  const [rows] = await conn.query('SELECT COUNT(*) AS c FROM orders');
  if (Number((rows as Array<{ c: number }>)[0]?.c) !== ORDER_COUNT) {
    await conn.query('DELETE FROM orders');
    await conn.query(
      `INSERT INTO orders (id, user_id, country, total)
       SELECT n, 1 + MOD(n * 7919, ?), ELT(1 + MOD(n, 8), 'DE', 'FR', 'GB', 'US', 'JP', 'BR', 'IN', 'ZA'), MOD(n * 37, 50000) / 100
       FROM (SELECT a.n + b.n * 10 + c.n * 100 + d.n * 1000 + e.n * 10000 + 1 AS n
             FROM ${DIGITS} a, ${DIGITS} b, ${DIGITS} c, ${DIGITS} d, ${DIGITS} e) seq`,
      [USER_COUNT],
    );
  }
}

/** Removes every key the lab's exercises use, and nothing else. */
export async function resetCache(redis: Redis): Promise<void> {
  for (const prefix of KEY_PREFIXES) {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  }
}

/** The query the speed-up measurement caches: real work, not a key lookup. */
export const REVENUE_BY_COUNTRY_SQL = 'SELECT country, COUNT(*) AS orders, SUM(total) AS revenue FROM orders GROUP BY country ORDER BY revenue DESC';
