/**
 * Lab 7, exercise 03: write-through on PUT.
 *
 * GET /users/{id} as in exercise 02, and PUT /users/{id} with a JSON body
 * { "name": string, "email": string } (event.body, base64 when
 * event.isBase64Encoded: the checks send one PUT that way).
 *
 * What the checks judge:
 *   - PUT writes the database first (insert or update the row), then the
 *     cache: user:<id> holds the new user as JSON with a TTL of at most
 *     CACHE_TTL_SECONDS (and at least half of it); it answers 200
 *       { "user": { "id", "name", "email" }, "source": "database" }
 *     and the next GET answers the new value with "source": "cache". A second
 *     PUT to the same id replaces both again; a new id is inserted;
 *   - while the database write is still running, the cache does not yet hold
 *     the new value (the checker slows the write and watches Redis);
 *   - when the database refuses the write, PUT answers a 5xx status (an
 *     error the handler lets escape counts as 502, what a function URL
 *     answers) and the cache is left as it was: the old entry stays (not
 *     deleted, not replaced) and nothing new is cached;
 *   - a body that is not JSON, or lacks a non-empty string name (at most 100
 *     characters; a number or an array is not a string) or an email address
 *     (something@something: text on both sides of the @, so "@" or "a@" is
 *     not one), answers 400 and changes neither the database nor the cache.
 *
 * Run the checks: npm run check -- 7 --exercise 03
 */
import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';

// TODO: the clients, once per environment (as in exercise 02).
void Redis;
void mysql;

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

export async function handler(event: HttpEvent) {
  void json;
  void userId;
  void event;
  // TODO: GET as in exercise 02; PUT: validate the body (400), write the database (5xx when it fails), then SET user:<id> with EX.
  throw new Error('TODO: exercise 03 - write the write-through handler');
}
