/**
 * The kit's load generator (Labs 4 and 6, and any lab that needs traffic):
 * a number of workers, each holding one pooled connection and issuing one
 * statement at a time, for a duration or an operation count. Every operation
 * is timed and every failure counted; nothing is retried behind the caller's
 * back. The pool is always ended before the promise resolves, also after an
 * abort, so no connection outlives a run.
 */
import mysql, { type Pool, type PoolConnection } from 'mysql2/promise';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ConnectionSettings } from '../exercise-api.js';
import { LatencyRecorder, type LatencySummary } from './latency.js';
import { seededRandom } from './random.js';

export type { LatencySummary } from './latency.js';

export interface LoadStatement {
  /** Names the statement in the summary, e.g. 'point-select'; unique within a run. */
  name: string;
  /** Relative frequency, default 1. */
  weight?: number;
  kind?: 'read' | 'write';
  /** SQL queries one operation sends (a transaction of 20 counts 20); default 1. Only scales queriesPerSecond. */
  queries?: number;
  run(conn: PoolConnection, rand: () => number, worker: number): Promise<unknown>;
}

export interface LoadProgress {
  elapsedMs: number;
  operations: number;
  errors: number;
  /** Over the last progress interval, not the whole run. */
  opsPerSecond: number;
  workers: number;
  targetOperations?: number;
  durationMs?: number;
}

export interface LoadOptions {
  connection: ConnectionSettings;
  workers: number;
  /** Run for this long, or */
  durationMs?: number;
  /** this many operations in total across workers (with both, whichever comes first). */
  operations?: number;
  statements: LoadStatement[];
  /** Called a few times a second while the run lasts, and once at the end. */
  onProgress?: (p: LoadProgress) => void;
  /** Abort: stop issuing, let in-flight operations finish, resolve with aborted: true. */
  signal?: AbortSignal;
  seed?: number;
  /** How often onProgress is called, default 250 ms. */
  progressIntervalMs?: number;
  /** Connect timeout for each pooled connection, default 10 s. */
  connectTimeoutMs?: number;
}

export interface LoadSummary {
  workers: number;
  operations: number;
  errors: number;
  /** From the moment the workers start issuing to the last operation's end. */
  elapsedMs: number;
  opsPerSecond: number;
  latency: LatencySummary;
  byStatement: Record<string, LatencySummary>;
  /** Up to five distinct error messages, in the order they first happened. */
  firstErrors: string[];
  aborted: boolean;
  /** SQL queries per second (operations weighted by LoadStatement.queries). */
  queriesPerSecond?: number;
  /** Connections the pool opened during the run (workers, plus any replacing a lost one). */
  connectionsOpened?: number;
}

const MAX_ERROR_MESSAGES = 5;
/** Pause after a failed connection attempt, so a down server is not hammered in a tight loop. */
const RECONNECT_PAUSE_MS = 100;

export class LoadOptionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LoadOptionsError';
  }
}

function validate(options: LoadOptions): void {
  const { workers, durationMs, operations, statements } = options;
  if (!Number.isInteger(workers) || workers < 1) throw new LoadOptionsError(`workers must be a whole number of at least 1 (got ${workers})`);
  if (durationMs === undefined && operations === undefined) throw new LoadOptionsError('give durationMs or operations, or the run would never end');
  if (durationMs !== undefined && !(durationMs > 0)) throw new LoadOptionsError(`durationMs must be above 0 (got ${durationMs})`);
  if (operations !== undefined && (!Number.isInteger(operations) || operations < 1))
    throw new LoadOptionsError(`operations must be a whole number of at least 1 (got ${operations})`);
  if (statements.length === 0) throw new LoadOptionsError('give at least one statement to run');
  const names = new Set<string>();
  for (const s of statements) {
    if (names.has(s.name)) throw new LoadOptionsError(`two statements are named ${s.name}: names must be unique`);
    names.add(s.name);
    if (s.weight !== undefined && !(s.weight > 0)) throw new LoadOptionsError(`statement ${s.name} has weight ${s.weight}: weights must be above 0`);
  }
}

/** Picks a statement index with probability proportional to its weight. */
function picker(statements: LoadStatement[]): (rand: () => number) => number {
  if (statements.length === 1) return () => 0;
  const cumulative: number[] = [];
  let total = 0;
  for (const s of statements) cumulative.push((total += s.weight ?? 1));
  return (rand) => {
    const x = rand() * total;
    let i = 0;
    while (i < cumulative.length - 1 && x >= cumulative[i]) i += 1;
    return i;
  };
}

function message(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return typeof code === 'string' && !err.message.includes(code) ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}

/** Errors after which a connection cannot carry another statement (the server closes it, or already has). */
const CONNECTION_GONE = new Set(['ER_CONNECTION_KILLED', 'ER_SERVER_SHUTDOWN', 'PROTOCOL_CONNECTION_LOST', 'ECONNRESET', 'EPIPE']);
/** 1927 connection killed (MariaDB; mysql2 gives it no code), 1053 server shutdown, 2013 lost during query. */
const CONNECTION_GONE_ERRNO = new Set([1927, 1053, 2013]);

function connectionLost(err: unknown, conn: PoolConnection): boolean {
  const e = err as { fatal?: boolean; code?: string; errno?: number } | undefined;
  if (e?.fatal || CONNECTION_GONE.has(e?.code ?? '') || CONNECTION_GONE_ERRNO.has(e?.errno ?? 0)) return true;
  // mysql2's core connection says 'error' or 'disconnected' once it knows the socket is gone.
  const state = (conn as unknown as { connection?: { state?: string } }).connection?.state;
  return state === 'error' || state === 'disconnected';
}

export async function runLoad(options: LoadOptions): Promise<LoadSummary> {
  validate(options);
  const { workers, durationMs, operations: targetOperations, statements, signal, onProgress } = options;
  const pick = picker(statements);
  const recorders = statements.map(() => new LatencyRecorder());
  const firstErrors: string[] = [];
  const noteError = (err: unknown) => {
    const text = message(err);
    if (firstErrors.length < MAX_ERROR_MESSAGES && !firstErrors.includes(text)) firstErrors.push(text);
  };
  let claimed = 0;
  let completed = 0;
  let errors = 0;
  let connectionsOpened = 0;

  const pool: Pool = mysql.createPool({
    ...options.connection,
    connectionLimit: workers,
    maxIdle: workers,
    waitForConnections: true,
    queueLimit: 0,
    connectTimeout: options.connectTimeoutMs ?? 10_000,
    multipleStatements: false,
    // A stack capture per query costs about a tenth of a point select; errors keep their message and code.
    trace: false,
  } as mysql.PoolOptions);
  pool.pool.on('connection', () => {
    connectionsOpened += 1;
  });

  const held: Array<PoolConnection | undefined> = new Array(workers).fill(undefined);
  let startedAt = performance.now();
  let deadline = Number.POSITIVE_INFINITY;
  const stopping = () => signal?.aborted === true || performance.now() >= deadline;

  const acquire = async (worker: number): Promise<PoolConnection | undefined> => {
    try {
      held[worker] = await pool.getConnection();
      return held[worker];
    } catch {
      // The worker's first operation tries again and counts the failure.
      return undefined;
    }
  };

  const work = async (worker: number) => {
    const rand = seededRandom((options.seed ?? Date.now()) + worker * 7_919);
    let conn = held[worker];
    while (!stopping()) {
      if (targetOperations !== undefined) {
        if (claimed >= targetOperations) break;
        claimed += 1;
      }
      const index = pick(rand);
      const recorder = recorders[index];
      const began = performance.now();
      try {
        if (!conn) {
          conn = await pool.getConnection();
          held[worker] = conn;
        }
        await statements[index].run(conn, rand, worker);
        recorder.record(performance.now() - began);
      } catch (err) {
        recorder.recordError();
        errors += 1;
        noteError(err);
        if (!conn) {
          // Could not connect: wait a little before the next attempt, unless the run is over.
          const pause = Math.min(RECONNECT_PAUSE_MS, Math.max(0, deadline - performance.now()));
          if (pause > 0 && !signal?.aborted) await sleep(pause, undefined, { signal }).catch(() => {});
        } else if (connectionLost(err, conn)) {
          conn.destroy();
          conn = undefined;
          held[worker] = undefined;
        }
      }
      completed += 1;
    }
  };

  let timer: NodeJS.Timeout | undefined;
  try {
    // Connect every worker first, so the clock measures statements, not the handshakes.
    await Promise.all(Array.from({ length: workers }, (_, w) => acquire(w)));
    startedAt = performance.now();
    if (durationMs !== undefined) deadline = startedAt + durationMs;
    const progress = (): LoadProgress => ({
      elapsedMs: performance.now() - startedAt,
      operations: completed,
      errors,
      opsPerSecond: 0,
      workers,
      ...(targetOperations !== undefined ? { targetOperations } : {}),
      ...(durationMs !== undefined ? { durationMs } : {}),
    });
    if (onProgress) {
      let lastAt = startedAt;
      let lastOps = 0;
      timer = setInterval(() => {
        const p = progress();
        const now = startedAt + p.elapsedMs;
        p.opsPerSecond = now > lastAt ? ((p.operations - lastOps) * 1000) / (now - lastAt) : 0;
        lastAt = now;
        lastOps = p.operations;
        onProgress(p);
      }, options.progressIntervalMs ?? 250);
    }
    await Promise.all(Array.from({ length: workers }, (_, w) => work(w)));
    const elapsedMs = performance.now() - startedAt;
    clearInterval(timer);
    timer = undefined;
    const p = progress();
    onProgress?.({ ...p, elapsedMs, opsPerSecond: elapsedMs > 0 ? (completed * 1000) / elapsedMs : 0 });

    const byStatement: Record<string, LatencySummary> = {};
    statements.forEach((s, i) => (byStatement[s.name] = recorders[i].summary()));
    const queries = statements.reduce((sum, s, i) => sum + recorders[i].count * (s.queries ?? 1), 0);
    const seconds = elapsedMs / 1000;
    return {
      workers,
      operations: completed,
      errors,
      elapsedMs,
      opsPerSecond: seconds > 0 ? completed / seconds : 0,
      latency: LatencyRecorder.merge(recorders).summary(),
      byStatement,
      firstErrors,
      aborted: signal?.aborted === true,
      queriesPerSecond: seconds > 0 ? queries / seconds : 0,
      connectionsOpened,
    };
  } finally {
    clearInterval(timer);
    for (const conn of held) conn?.release();
    await pool.end().catch(() => {});
  }
}
