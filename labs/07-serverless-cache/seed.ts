/** The Lab 7 data: 1,000 users, the same on local MariaDB and on Aurora MySQL. */
import type { Redis } from 'ioredis';
import type { Connection } from 'mysql2/promise';
import { deleteKeysWithPrefixes, resetSampleUsers, sampleUser } from '../../checker/core/seed-sql.js';

export const USER_COUNT = 1000;
/** Every key the lab's handler may write. */
export const KEY_PREFIXES = ['user:', 'lock:user:', 'views:user:'];

export { sampleUser };

export async function resetDatabase(conn: Connection): Promise<void> {
  await resetSampleUsers(conn, USER_COUNT);
}

export async function resetCache(redis: Redis): Promise<void> {
  await deleteKeysWithPrefixes(redis, KEY_PREFIXES);
}
