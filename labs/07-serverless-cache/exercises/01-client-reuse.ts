/**
 * Lab 7, exercise 01: clients that live as long as the execution environment.
 *
 * Lambda runs this module's top level ONCE per execution environment (the
 * init phase) and then calls `handler` for every request that environment
 * serves (warm invocations, one at a time). Whatever you create at the top
 * level is reused; whatever you create inside `handler` is created again on
 * every request.
 *
 * Write `handler(event, context)` for GET /users/{id}, in the function URL /
 * API Gateway HTTP API (payload 2.0) event shape:
 *   - the method is event.requestContext.http.method; the id is
 *     event.pathParameters?.id when API Gateway sets it, else the end of
 *     event.rawPath ("/users/42") - userId() below does both;
 *   - the database (MySQL: DB_HOST, DB_PORT, DB_USER, DB_PASSWORD, DB_NAME,
 *     DB_SSL = "true" on AWS) holds users(id, name, email);
 *   - Redis is at REDIS_URL (redis:// locally, rediss:// with TLS on AWS).
 *
 * What the checks judge (they watch the servers, not your code):
 *   - GET /users/1 answers 200 with the JSON body
 *       { "user": { "id": 1, "name": ..., "email": ... }, "source": "database" }
 *     read from the database, and INCRements the Redis key views:user:1;
 *   - an id with no row answers 404; an id that is not a positive integer 400;
 *   - 20 warm invocations in one environment open NO new database connection
 *     and NO new Redis connection (the servers' connection counters);
 *   - several environments at once (concurrent requests) open at most 2
 *     database and 2 Redis connections each, however many requests they serve.
 *
 * Run the checks: npm run check -- 7 --exercise 01
 */
import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';

// TODO: create the Redis client and the database connection (or a pool with
// connectionLimit: 1) here, once, from the environment variables above.
void Redis;
void mysql;

interface HttpEvent {
  rawPath?: string;
  pathParameters?: Record<string, string | undefined>;
  requestContext?: { http?: { method?: string } };
}

const json = (statusCode: number, body: unknown) => ({ statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** The id from /users/{id}, or undefined when it is not a positive integer. */
function userId(event: HttpEvent): number | undefined {
  const raw = event.pathParameters?.id ?? /^\/users\/([^/]+)$/.exec(event.rawPath ?? '')?.[1];
  return raw !== undefined && /^[1-9]\d{0,9}$/.test(raw) ? Number(raw) : undefined;
}

export async function handler(event: HttpEvent) {
  void json;
  void userId;
  void event;
  // TODO: read the user with the clients created above (never new ones here), INCR views:user:<id>, answer.
  throw new Error('TODO: exercise 01 - write the handler');
}
