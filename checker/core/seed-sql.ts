/**
 * Pieces the labs' seeds share: portable SQL (the same on MariaDB and MySQL)
 * that numbers rows without a numbers table, the sample users of the cache
 * labs, and removing a lab's keys without touching any other.
 */
import type { Redis } from 'ioredis';
import type { Connection } from 'mysql2/promise';

const DIGITS =
  '(SELECT 0 n UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9)';

/** `(SELECT ... AS n ...) seq`: the numbers 1 to 10^digits, one per row, for INSERT ... SELECT. */
export function numberedRows(digits: number): string {
  const names = 'abcdefghij'.slice(0, digits).split('');
  const sum = names.map((name, i) => (i === 0 ? `${name}.n` : `${name}.n * ${10 ** i}`)).join(' + ');
  return `(SELECT ${sum} + 1 AS n FROM ${names.map((name) => `${DIGITS} ${name}`).join(', ')}) seq`;
}

export const sampleUser = (id: number) => ({ id, name: `User ${id}`, email: `user${id}@example.com` });

/** Creates the `users` table when missing and puts back users 1..count as sampleUser describes them (count at most 1,000). */
export async function resetSampleUsers(conn: Connection, count: number): Promise<void> {
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
     FROM ${numberedRows(3)}
     WHERE n <= ?`,
    [count],
  );
}

/** Deletes every key under the given prefixes, and nothing else. */
export async function deleteKeysWithPrefixes(redis: Redis, prefixes: readonly string[]): Promise<void> {
  for (const prefix of prefixes) {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  }
}
