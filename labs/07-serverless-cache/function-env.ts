/**
 * The contract between the Lab 7 stack and the handler: the environment
 * variables the function gets, and its limits. The local target sets the same
 * variables on the kit's engines, so one handler file runs on both targets.
 */
export const FUNCTION_NAME = 'dtl-07-users';
/** Lambda's default timeout; the stack sets the same, so the herd and Redis-down bounds mean the same on both targets. */
export const FUNCTION_TIMEOUT_SECONDS = 3;
export const FUNCTION_MEMORY_MB = 256;
/** CACHE_TTL_SECONDS the function gets unless a check sets another. */
export const CACHE_TTL_SECONDS = 60;
/** A cached "no such user" may live at most this long (the lesson: cache a miss briefly, never forever). */
export const NEGATIVE_TTL_MAX_SECONDS = 30;
/** The herd lock: key lock:user:<id>, set with SET NX PX at most this many milliseconds. */
export const LOCK_TTL_MAX_MS = 5_000;
/** A caller that did not get the lock waits for the cache at most this long before reading the database itself. */
export const LOCK_WAIT_MAX_MS = 1_000;

export interface FunctionEndpoints {
  /** `username` names an ACL user (the kit's local learner account); without it the password is the default user's. */
  redis: { host: string; port: number; tls?: boolean; username?: string; password?: string };
  mysql: { host: string; port: number; user: string; password: string; database: string; ssl?: boolean };
}

/** The variables the stack sets on the function (values for the endpoints given). */
export function functionEnvironment(e: FunctionEndpoints, ttlSeconds = CACHE_TTL_SECONDS): Record<string, string> {
  const scheme = e.redis.tls ? 'rediss' : 'redis';
  const user = e.redis.username ? encodeURIComponent(e.redis.username) : '';
  const auth = e.redis.password ? `${user}:${encodeURIComponent(e.redis.password)}@` : '';
  return {
    REDIS_URL: `${scheme}://${auth}${e.redis.host}:${e.redis.port}`,
    DB_HOST: e.mysql.host,
    DB_PORT: String(e.mysql.port),
    DB_USER: e.mysql.user,
    DB_PASSWORD: e.mysql.password,
    DB_NAME: e.mysql.database,
    DB_SSL: e.mysql.ssl ? 'true' : 'false',
    CACHE_TTL_SECONDS: String(ttlSeconds),
  };
}
