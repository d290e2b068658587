/**
 * The sample data the Lab 5 exercises read: 1,000 users, and 100,000 orders
 * for the aggregate the speed-up measurement caches. Portable SQL, so the same
 * seed runs on local MariaDB and on RDS MySQL.
 */
import type { Connection } from 'mysql2/promise';
import type { Redis } from 'ioredis';
import { deleteKeysWithPrefixes, numberedRows, resetSampleUsers, sampleUser } from '../../checker/core/seed-sql.js';

export const USER_COUNT = 1000;
export const ORDER_COUNT = 100_000;
export const KEY_PREFIXES = ['user:', 'session:', 'leaderboard:', 'greeting:', 'profile:', 'otp:', 'report:'];

export { sampleUser };

async function createOrdersTable(conn: Connection): Promise<void> {
  await conn.query(`CREATE TABLE IF NOT EXISTS orders (
    id INT PRIMARY KEY,
    user_id INT NOT NULL,
    country CHAR(2) NOT NULL,
    total DECIMAL(10,2) NOT NULL
  )`);
}

/** Restores the users table to its seed state; fills orders once. */
export async function resetDatabase(conn: Connection): Promise<void> {
  await createOrdersTable(conn);
  await resetSampleUsers(conn, USER_COUNT);
  const [rows] = await conn.query('SELECT COUNT(*) AS c FROM orders');
  if (Number((rows as Array<{ c: number }>)[0]?.c) !== ORDER_COUNT) {
    await conn.query('DELETE FROM orders');
    await conn.query(
      `INSERT INTO orders (id, user_id, country, total)
       SELECT n, 1 + MOD(n * 7919, ?), ELT(1 + MOD(n, 8), 'DE', 'FR', 'GB', 'US', 'JP', 'BR', 'IN', 'ZA'), MOD(n * 37, 50000) / 100
       FROM ${numberedRows(5)}`,
      [USER_COUNT],
    );
  }
}

/** Removes every key the lab's exercises use, and nothing else. */
export async function resetCache(redis: Redis): Promise<void> {
  await deleteKeysWithPrefixes(redis, KEY_PREFIXES);
}

/** The query the speed-up measurement caches: real work, not a key lookup. */
export const REVENUE_BY_COUNTRY_SQL = 'SELECT country, COUNT(*) AS orders, SUM(total) AS revenue FROM orders GROUP BY country ORDER BY revenue DESC';
