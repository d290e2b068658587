/**
 * Reference solution, Lab 7 exercise 01: clients created once per execution
 * environment (the init phase) and reused by every warm invocation.
 */
import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';

// Init phase: this code runs once when Lambda starts an execution environment.
const redis = new Redis(process.env.REDIS_URL ?? '', {
  connectTimeout: 1_000,
  commandTimeout: 250,
  maxRetriesPerRequest: 1,
  retryStrategy: (times) => Math.min(times * 100, 1_000),
});
redis.on('error', () => {});

const db = mysql.createPool({
  host: process.env.DB_HOST,
  port: Number(process.env.DB_PORT ?? 3306),
  user: process.env.DB_USER,
  password: process.env.DB_PASSWORD,
  database: process.env.DB_NAME,
  ssl: process.env.DB_SSL === 'true' ? {} : undefined,
  connectionLimit: 1,
  enableKeepAlive: true,
});

interface HttpEvent {
  rawPath?: string;
  pathParameters?: Record<string, string | undefined>;
  requestContext?: { http?: { method?: string } };
}

const json = (statusCode: number, body: unknown) => ({ statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

function userId(event: HttpEvent): number | undefined {
  const raw = event.pathParameters?.id ?? /^\/users\/([^/]+)$/.exec(event.rawPath ?? '')?.[1];
  return raw !== undefined && /^[1-9]\d{0,9}$/.test(raw) ? Number(raw) : undefined;
}

// Invoke phase: runs for every request, using the clients above.
export async function handler(event: HttpEvent) {
  const method = event.requestContext?.http?.method ?? 'GET';
  if (method !== 'GET') return json(405, { message: `${method} is not supported` });
  const id = userId(event);
  if (id === undefined) return json(400, { message: 'the user id must be a positive integer' });
  const [rows] = await db.execute('SELECT id, name, email FROM users WHERE id = ?', [id]);
  const row = (rows as Array<{ id: number; name: string; email: string }>)[0];
  if (!row) return json(404, { message: `no user ${id}` });
  await redis.incr(`views:user:${id}`);
  return json(200, { user: { id: Number(row.id), name: row.name, email: row.email }, source: 'database' });
}
