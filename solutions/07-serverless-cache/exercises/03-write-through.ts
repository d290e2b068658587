/**
 * Reference solution, Lab 7 exercise 03: write-through on PUT - the database
 * first, then the cache; nothing cached when the write fails.
 */
import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';

// Init phase: once per execution environment, reused by every warm invocation.
const redis = new Redis(process.env.REDIS_URL ?? '', {
  connectTimeout: 1_000,
  // A cache that does not answer quickly is treated as absent: the database is the fallback.
  commandTimeout: 250,
  maxRetriesPerRequest: 1,
  retryStrategy: (times) => Math.min(times * 100, 1_000),
});
redis.on('error', () => {
  // Reported on the command that failed; this keeps ioredis from logging each reconnect.
});

const db = mysql.createPool({
  host: process.env.DB_HOST,
  port: Number(process.env.DB_PORT ?? 3306),
  user: process.env.DB_USER,
  password: process.env.DB_PASSWORD,
  database: process.env.DB_NAME,
  ssl: process.env.DB_SSL === 'true' ? {} : undefined,
  // One invocation at a time per environment: one connection is all it can use.
  connectionLimit: 1,
  enableKeepAlive: true,
});

const TTL_SECONDS = Number(process.env.CACHE_TTL_SECONDS ?? 60);
const MISS_TTL_SECONDS = Math.min(10, TTL_SECONDS);

interface User {
  id: number;
  name: string;
  email: string;
}

interface HttpEvent {
  body?: string;
  isBase64Encoded?: boolean;
  rawPath?: string;
  pathParameters?: Record<string, string | undefined>;
  requestContext?: { http?: { method?: string } };
}

const json = (statusCode: number, body: unknown) => ({ statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

function userId(event: HttpEvent): number | undefined {
  const raw = event.pathParameters?.id ?? /^\/users\/([^/]+)$/.exec(event.rawPath ?? '')?.[1];
  return raw !== undefined && /^[1-9]\d{0,9}$/.test(raw) ? Number(raw) : undefined;
}

/** TTL with up to 10% jitter, so entries written together do not all expire together. */
const withJitter = (seconds: number) => Math.max(1, Math.floor(seconds * (0.9 + Math.random() * 0.1)));

async function cacheGet(key: string): Promise<string | null> {
  try {
    return await redis.get(key);
  } catch {
    return null;
  }
}

async function cacheSet(key: string, value: string, seconds: number): Promise<void> {
  try {
    await redis.set(key, value, 'EX', withJitter(seconds));
  } catch {
    // The answer is already right; the next read fills the cache.
  }
}

async function loadUser(id: number): Promise<User | null> {
  const [rows] = await db.execute('SELECT id, name, email FROM users WHERE id = ?', [id]);
  const row = (rows as User[])[0];
  return row ? { id: Number(row.id), name: row.name, email: row.email } : null;
}

/** The PUT body's fields, or why it is refused. */
function parseBody(event: HttpEvent): { name: string; email: string } | string {
  let data: unknown;
  try {
    const text = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? '');
    data = JSON.parse(text);
  } catch {
    return 'the body must be JSON';
  }
  const { name, email } = (data ?? {}) as { name?: unknown; email?: unknown };
  if (typeof name !== 'string' || name.trim() === '' || name.length > 100) return 'name must be a non-empty string of at most 100 characters';
  if (typeof email !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(email) || email.length > 200) return 'email must be an email address';
  return { name, email };
}

async function putUser(id: number, event: HttpEvent) {
  const fields = parseBody(event);
  if (typeof fields === 'string') return json(400, { message: fields });
  const user: User = { id, ...fields };
  try {
    // The database is the source of truth: written first, and only a write that succeeded reaches the cache.
    await db.execute('INSERT INTO users (id, name, email) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE name = VALUES(name), email = VALUES(email)', [
      id,
      user.name,
      user.email,
    ]);
  } catch {
    return json(503, { message: 'the database refused the write; nothing was changed' });
  }
  await cacheSet(`user:${id}`, JSON.stringify(user), TTL_SECONDS);
  return json(200, { user, source: 'database' });
}

export async function handler(event: HttpEvent) {
  const method = event.requestContext?.http?.method ?? 'GET';
  if (method !== 'GET' && method !== 'PUT') return json(405, { message: `${method} is not supported` });
  const id = userId(event);
  if (id === undefined) return json(400, { message: 'the user id must be a positive integer' });
  if (method === 'PUT') return putUser(id, event);

  const key = `user:${id}`;
  const hit = await cacheGet(key);
  if (hit !== null) {
    const cached = JSON.parse(hit) as User | { missing: true };
    return 'missing' in cached ? json(404, { message: `no user ${id}` }) : json(200, { user: cached, source: 'cache' });
  }
  let user: User | null;
  try {
    user = await loadUser(id);
  } catch {
    return json(503, { message: 'the database is not answering; try again' });
  }
  if (!user) {
    // A brief negative entry spares the database repeated misses, and a new user appears within seconds.
    await cacheSet(key, JSON.stringify({ missing: true }), MISS_TTL_SECONDS);
    return json(404, { message: `no user ${id}` });
  }
  await cacheSet(key, JSON.stringify(user), TTL_SECONDS);
  return json(200, { user, source: 'database' });
}
