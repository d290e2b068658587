/** The Lab 7 data: 1,000 users, the same on local MariaDB and on Aurora MySQL. */
import type { Redis } from 'ioredis';
import type { Connection } from 'mysql2/promise';

export const USER_COUNT = 1000;
/** Every key the lab's handler may write. */
export const KEY_PREFIXES = ['user:', 'lock:user:', 'views:user:'];

export const sampleUser = (id: number) => ({ id, name: `User ${id}`, email: `user${id}@example.com` });

const DIGITS =
  '(SELECT 0 n UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9)';

export async function resetDatabase(conn: Connection): Promise<void> {
  await conn.query(`CREATE TABLE IF NOT EXISTS users (
    id INT PRIMARY KEY,
    name VARCHAR(100) NOT NULL,
    email VARCHAR(200) NOT NULL,
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP
  )`);
  await conn.query('DELETE FROM users');
  await conn.query(
    `INSERT INTO users (id, name, email)
     SELECT n, CONCAT('User ', n), CONCAT('user', n, '@example.com')
     FROM (SELECT a.n + b.n * 10 + c.n * 100 + 1 AS n FROM ${DIGITS} a, ${DIGITS} b, ${DIGITS} c) seq
     WHERE n <= ?`,
    [USER_COUNT],
  );
}

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
