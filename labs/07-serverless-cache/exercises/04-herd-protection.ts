/**
 * Lab 7, exercise 04: stop the thundering herd on a cold key.
 *
 * GET /users/{id} read-through as in exercise 02. When many requests miss the
 * same key at once, Lambda runs them in DIFFERENT execution environments, so
 * a promise shared inside one process (single-flight) cannot stop them: the
 * lock must live in Redis.
 *
 * What the checks judge:
 *   - a miss answers 200 "source": "database" and fills user:<id> (TTL as in
 *     exercise 02); the next GET answers "source": "cache";
 *   - the herd: with the database taking about 400 ms to answer, 3 and then 5
 *     concurrent GETs for one uncached user, each in its own warm environment,
 *     send exactly ONE query for that user to the database, and every one of
 *     them answers 200 with the user within 2 s;
 *   - the lock is the key lock:user:<id>, taken with ONE command, SET NX PX
 *     (not SETNX then EXPIRE: a crash between the two leaves a lock with no
 *     TTL; the checker watches Redis with MONITOR): while it is held it has a
 *     TTL of at most 5,000 ms (a holder that crashes must not block the key
 *     for ever);
 *   - the winner deletes the lock AFTER it filled user:<id>, and only if the
 *     lock still holds the winner's token (it may have expired during a slow
 *     read and been taken by another caller): compare and delete in one Lua
 *     script;
 *   - a caller that does not get the lock re-reads the cache for at most
 *     1,000 ms, then reads the database itself: with lock:user:<id> left
 *     behind by a crashed holder, GET still answers 200 within 2 s, after
 *     at most about 1,000 ms in the handler (the REPORT line's Duration).
 *
 * Run the checks: npm run check -- 7 --exercise 04
 */
import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';

// TODO: the clients, once per environment (as in exercise 02).
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
  // TODO: on a miss, SET lock:user:<id> <token> NX PX <ms>; the winner loads and fills the cache, the others poll the cache (bounded), then fall back.
  throw new Error('TODO: exercise 04 - protect the cold key from the herd');
}
