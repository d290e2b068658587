/**
 * Lab 7, exercise 02: read through the cache (lazy loading) in a handler.
 *
 * GET /users/{id} (event shape, variables and clients as in exercise 01;
 * keep creating the clients once, at the top level: the checks count the
 * servers' connections during warm reads, and expect no new one).
 *
 * What the checks judge:
 *   - a miss reads the database and answers 200
 *       { "user": { "id", "name", "email" }, "source": "database" }
 *     and stores the user as JSON under user:<id>; the next GET answers
 *     { ..., "source": "cache" } without any database query, with whatever
 *     Redis holds under user:<id> (no copy kept in the process);
 *   - every entry has a TTL of at most CACHE_TTL_SECONDS (an environment
 *     variable) and at least half of it - room for jitter, not for a TTL in
 *     the wrong unit;
 *   - an unknown id answers 404. You may cache the miss briefly (for at most
 *     30 s, with a TTL), never without one: once the user is created and any
 *     cached miss expired, GET finds them;
 *   - an id that is not a positive integer answers 400;
 *   - with Redis unreachable (the checker cuts it off, for a warm environment
 *     and for a cold one) GET still answers 200 from the database within 1 s
 *     of handler time (the REPORT line's Duration) with "source": "database":
 *     set short Redis timeouts (connectTimeout,
 *     commandTimeout, maxRetriesPerRequest) and treat a cache error as a miss.
 *
 * Run the checks: npm run check -- 7 --exercise 02
 */
import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';

// TODO: the clients, once per environment (copy them from exercise 01), with timeouts short enough for a Lambda.
void Redis;
void mysql;

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

export async function handler(event: HttpEvent) {
  void json;
  void userId;
  void event;
  // TODO: GET user:<id>; on a hit answer from it; on a miss read the row, SET it with EX (TTL from CACHE_TTL_SECONDS), answer.
  throw new Error('TODO: exercise 02 - write the read-through handler');
}
