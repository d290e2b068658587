/**
 * Reference solution, Lab 7 exercise 04: herd protection. Concurrent misses
 * for one key arrive in different execution environments, so an in-process
 * single-flight cannot stop them: a Redis lock (SET NX PX) lets one caller
 * load the row while the others wait briefly for the cache.
 */
import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

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
/** The lock outlives a slow query but not a crashed holder by much. */
const LOCK_TTL_MS = 3_000;
/** How long a caller without the lock waits for the holder's result before asking the database itself. */
const WAIT_MS = 800;
const POLL_MS = 40;

interface User {
  id: number;
  name: string;
  email: string;
}

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

export async function handler(event: HttpEvent) {
  const method = event.requestContext?.http?.method ?? 'GET';
  if (method !== 'GET') return json(405, { message: `${method} is not supported` });
  const id = userId(event);
  if (id === undefined) return json(400, { message: 'the user id must be a positive integer' });

  const key = `user:${id}`;
  const hit = await cacheGet(key);
  if (hit !== null) return fromCache(id, hit);

  const lockKey = `lock:user:${id}`;
  const token = randomUUID();
  const locked = await tryLock(lockKey, token);
  if (!locked) {
    // Someone else is loading this user: wait a bounded time for their result.
    const deadline = Date.now() + WAIT_MS;
    while (Date.now() < deadline) {
      await sleep(POLL_MS);
      const filled = await cacheGet(key);
      if (filled !== null) return fromCache(id, filled);
    }
    // The holder died or is slow: answer from the database rather than keep the caller waiting.
  }
  try {
    return await loadAndFill(id, key);
  } finally {
    if (locked) await unlock(lockKey, token);
  }
}

function fromCache(id: number, raw: string) {
  const cached = JSON.parse(raw) as User | { missing: true };
  return 'missing' in cached ? json(404, { message: `no user ${id}` }) : json(200, { user: cached, source: 'cache' });
}

/** True when this caller holds the lock; also true when Redis is down (no lock to be had, so no one to wait for). */
async function tryLock(lockKey: string, token: string): Promise<boolean> {
  try {
    return (await redis.set(lockKey, token, 'PX', LOCK_TTL_MS, 'NX')) === 'OK';
  } catch {
    return true;
  }
}

/** Deletes the lock only if it is still ours (it may have expired and been taken by another caller). */
async function unlock(lockKey: string, token: string): Promise<void> {
  try {
    await redis.eval("if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end", 1, lockKey, token);
  } catch {
    // It expires by itself.
  }
}

async function loadAndFill(id: number, key: string) {
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
