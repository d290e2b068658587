/**
 * What every Lab 5 exercise function receives. The checker builds it; your
 * code only uses it. Keep to these members so the checker can count your
 * database queries and inject faults.
 */
import type { Redis } from 'ioredis';

export interface Db {
  /** Runs one SQL statement with `?` placeholders and resolves to its rows. */
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
}

export interface LabContext {
  /** A connected ioredis client (TLS and AUTH already set up on AWS). */
  redis: Redis;
  /** The MySQL/MariaDB database holding the `users` table. */
  db: Db;
  /** How long cache entries may live, in seconds. Never cache longer than this. */
  ttlSeconds: number;
}

export interface User {
  id: number;
  name: string;
  email: string;
}
