/**
 * What a Lab 7 check sees: the learner's handler running in the local Lambda
 * runtime (one process per execution environment) with the variables the
 * stack sets, the checker's own Redis and database connections to watch the
 * servers (connection counters, the statements the database received, TTLs),
 * and a cable to pull between the function and Redis.
 */
import type { Redis } from 'ioredis';
import type { Connection } from 'mysql2/promise';
import { randomUUID } from 'node:crypto';
import {
  CACHE_TTL_SECONDS,
  FUNCTION_MEMORY_MB,
  FUNCTION_NAME,
  FUNCTION_TIMEOUT_SECONDS,
  functionEnvironment,
} from '../../../labs/07-serverless-cache/function-env.js';
import type { EndpointProxy } from '../../engines/endpoint-proxy.js';
import { forLearner, redisForLearner, type Endpoints } from '../../engines/endpoints.js';
import { connectMysql } from '../../runner/connect.js';
import { CheckFailed, LearnerCalls } from '../../runner/harness.js';
import { LocalFunction, type Invocation } from '../../runner/lambda-local.js';
import { describeThrow, LearnerError } from '../../runner/learner-call.js';
import { show } from '../show-value.js';

export interface Answer {
  status: number;
  body: Record<string, unknown> | undefined;
  invocation: Invocation;
}

export interface FunctionOptions {
  ttlSeconds?: number;
}

export class FunctionHarness extends LearnerCalls {
  private readonly functions = new Map<string, LocalFunction>();
  /** Database threads of the checker's own extra connections, left out of the statement counts. */
  private readonly checkerThreads = new Set<number>();

  constructor(
    module: Record<string, unknown>,
    file: string,
    /** The checker's own Redis connection. */
    readonly redis: Redis,
    /** The checker's own database connection (it never runs learner statements). */
    readonly sql: Connection,
    private readonly endpoints: Endpoints,
    /** Sits between the function and Redis, so a check can cut Redis off. */
    readonly redisCable: EndpointProxy,
    callTimeoutMs: number,
  ) {
    super(module, file, callTimeoutMs);
  }

  /** The deployed function's stand-in; one per set of variables, kept across checks (warm environments stay warm). */
  lambda(options: FunctionOptions = {}): LocalFunction {
    const ttl = options.ttlSeconds ?? CACHE_TTL_SECONDS;
    const key = String(ttl);
    let fn = this.functions.get(key);
    if (!fn) {
      const redis = this.endpoints.redis;
      if (!redis) throw new Error('Lab 7 needs a Redis endpoint');
      fn = new LocalFunction({
        file: this.file,
        functionName: FUNCTION_NAME,
        environment: functionEnvironment(
          { redis: { ...redisForLearner(redis), host: '127.0.0.1', port: this.redisCable.port, tls: false }, mysql: forLearner(this.endpoints.mysql) },
          ttl,
        ),
        timeoutMs: FUNCTION_TIMEOUT_SECONDS * 1000,
        memoryMb: FUNCTION_MEMORY_MB,
      });
      this.functions.set(key, fn);
    }
    return fn;
  }

  async get(fn: LocalFunction, id: string | number): Promise<Answer> {
    return this.request(fn, 'GET', String(id));
  }

  /** `base64`: send the body base64-encoded with isBase64Encoded, as a function URL does for some content types. */
  async put(fn: LocalFunction, id: string | number, body: unknown, options: { base64?: boolean } = {}): Promise<Answer> {
    return this.request(fn, 'PUT', String(id), typeof body === 'string' ? body : JSON.stringify(body), options.base64);
  }

  /** Sends the request as a function URL would, and reads the HTTP answer out of the result. */
  async request(fn: LocalFunction, method: string, id: string, body?: string, base64 = false): Promise<Answer> {
    const label = `${method} /users/${id}${base64 ? ' (body base64-encoded, isBase64Encoded: true)' : ''}`;
    const invocation = await fn.invoke(functionUrlEvent(method, `/users/${id}`, body, base64));
    if (invocation.error) throw failure(label, invocation, this.file);
    return { ...readHttpAnswer(label, invocation.payload), invocation };
  }

  /** New connections the database has accepted so far (its Connections counter). */
  async dbConnections(): Promise<number> {
    const [rows] = await this.sql.query("SHOW GLOBAL STATUS LIKE 'Connections'");
    return Number((rows as Array<{ Value: string }>)[0]?.Value);
  }

  /** New connections Redis has accepted so far (INFO stats total_connections_received). */
  async redisConnections(): Promise<number> {
    const info = await this.redis.info('stats');
    return Number(/^total_connections_received:(\d+)/m.exec(info)?.[1]);
  }

  /** Reads of the users table the database received since the last reset, from anyone but the checker (the general log). */
  async userReads(): Promise<number> {
    const [rows] = await this.sql.query(
      `SELECT COUNT(*) AS n FROM mysql.general_log
       WHERE command_type IN ('Query', 'Execute') AND thread_id <> CONNECTION_ID() AND thread_id NOT IN (${[0, ...this.checkerThreads].join(', ')})
         AND CONVERT(argument USING utf8mb4) REGEXP '(?i)\\\\busers\\\\b'
         AND CONVERT(argument USING utf8mb4) NOT REGEXP '(?i)^\\\\s*(insert|update|delete|replace)\\\\b'`,
    );
    return Number((rows as Array<{ n: number }>)[0]?.n);
  }

  /** The entry under `key`, parsed from JSON (undefined when missing). */
  async cached(key: string): Promise<unknown> {
    const raw = await this.redis.get(key);
    if (raw === null) return undefined;
    try {
      return JSON.parse(raw);
    } catch {
      throw new CheckFailed(`${key} holds ${show(raw)}, which is not JSON: store JSON.stringify(user) so every environment can read it`);
    }
  }

  async row<Row>(sql: string, params: unknown[] = []): Promise<Row | undefined> {
    const [rows] = await this.sql.query(sql, params);
    return (rows as Row[])[0];
  }

  /**
   * Holds a write lock on the users table from a connection of its own: every
   * read of users waits until `release()` - a database that takes that long
   * to answer, so concurrent misses overlap for certain.
   */
  async holdUsersTable(): Promise<{ release(): Promise<void> }> {
    const conn = await connectMysql(this.endpoints.mysql);
    this.checkerThreads.add(conn.threadId);
    await conn.query('LOCK TABLES users WRITE');
    return {
      async release() {
        await conn.query('UNLOCK TABLES').catch(() => {});
        await conn.end().catch(() => {});
      },
    };
  }

  /** Ends every environment of every function: the next request is a cold start. */
  async coldStart(): Promise<void> {
    await Promise.all([...this.functions.values()].map((f) => f.recycle()));
  }

  async dispose(): Promise<void> {
    await Promise.all([...this.functions.values()].map((f) => f.close()));
    this.functions.clear();
  }
}

/** A function URL (payload format 2.0) request: no pathParameters, the path in rawPath. */
export function functionUrlEvent(method: string, path: string, body?: string, base64 = false) {
  const now = new Date();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json', host: 'localhost', 'user-agent': 'dtl-checker' },
    requestContext: {
      accountId: 'anonymous',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'local',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'dtl-checker' },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    ...(body === undefined ? {} : { body: base64 ? Buffer.from(body, 'utf8').toString('base64') : body }),
    isBase64Encoded: base64 && body !== undefined,
  };
}

/** Status and JSON body, the way a function URL turns a handler's result into a response. */
export function readHttpAnswer(label: string, payload: unknown): { status: number; body: Record<string, unknown> | undefined } {
  if (!payload || typeof payload !== 'object' || !('statusCode' in payload)) {
    throw new CheckFailed(
      `${label} returned ${show(payload)}: return { statusCode, headers, body: JSON.stringify(...) } so the function URL can answer with a status`,
    );
  }
  const { statusCode, body } = payload as { statusCode: unknown; body?: unknown };
  if (typeof statusCode !== 'number') throw new CheckFailed(`${label} returned statusCode ${show(statusCode)}; expected a number such as 200`);
  if (body === undefined || body === '') return { status: statusCode, body: undefined };
  if (typeof body !== 'string')
    throw new CheckFailed(`${label} returned a body that is ${typeof body}, not a string: Lambda expects body: JSON.stringify(...)`);
  try {
    const parsed = JSON.parse(body) as unknown;
    return { status: statusCode, body: parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : undefined };
  } catch {
    throw new CheckFailed(`${label} answered ${statusCode} with a body that is not JSON: ${show(body)}`);
  }
}

/** The function's failure as the learner should read it: their file and line, a timeout, a crash. */
export function failure(label: string, invocation: Invocation, file: string): LearnerError {
  const { error, report } = invocation;
  if (report.status === 'timeout') {
    return new LearnerError(
      `${label} timed out: the handler did not answer within ${FUNCTION_TIMEOUT_SECONDS} s, so Lambda stopped its execution environment (is it waiting for something that never comes?)`,
    );
  }
  const err = new Error(error?.errorMessage ?? 'unknown failure');
  err.name = error?.errorType ?? 'Error';
  err.stack = [`${err.name}: ${err.message}`, ...(error?.stack ?? []).map((l) => `    ${l}`)].join('\n');
  if (report.status === 'init-error')
    return new LearnerError(`${label}: the module failed at init (a cold start), so no request can be served: ${describeThrow('the top level', err, file)}`);
  if (report.status === 'crash')
    return new LearnerError(
      `${label}: the execution environment died during the request (${err.message}): does the handler call process.exit or leave a promise to fail on its own?`,
    );
  return new LearnerError(`${label}: ${describeThrow('the handler', err, file)}`);
}
