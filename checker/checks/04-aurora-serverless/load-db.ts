/**
 * The Db a Lab 4 exercise drives: a mysql2 pool behind the learner's
 * `ctx.db.query`, watched from the checker's side. It counts every query
 * sent, how many were in flight at once (the concurrency the server saw),
 * when they started, and can make every k-th query fail, so the checks judge
 * what the learner's workers did, not what they say they did.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { LatencyRecorder } from '../../load/latency.js';
import mysql, { type Pool, type PoolConnection } from 'mysql2/promise';
import type { ConnectionSettings, Db } from '../../exercise-api.js';
import { exposeOnly } from '../../runner/peer.js';
import { SimulatedDbError } from '../../runner/counting-db.js';

/** What the workers did between two marks (a ramp's steps are cut at each capacity sample). */
export interface LoadWindow {
  queries: number;
  failed: number;
  /** The most queries in flight at the same moment. */
  peak: number;
  /** performance.now() of the first and last query started in the window. */
  firstStart?: number;
  lastStart?: number;
  /** When the window was closed (the mark), and when the last query that had ended by then ended. */
  closedAt: number;
  lastEnd?: number;
  /** Latency of the window's successful queries, as the checker's Db timed them. */
  p50Ms?: number;
  p95Ms?: number;
}

export const POOL_LIMIT = 80;

export interface LoadDbOptions {
  /** Every failEvery-th query fails (after reaching the server), as a lock wait timeout would. */
  failEvery?: number;
  /** The first `count` queries are answered only after `ms`: workers that start together all have one in flight by then. */
  slowFirst?: { count: number; ms: number };
  /** No query is answered sooner than this (so every worker started in one go is seen in flight at once). */
  minQueryMs?: number;
  /** Answer every query from the checker (no rows) after minQueryMs, without the server: for checks that judge only concurrency. */
  withoutServer?: boolean;
}

/**
 * Queries started `fromMs` or more after the first query are answered no sooner than `untilMs` after it. Counted from
 * the first query, not from the call: the learner's clock starts when the call reaches its process, which a loaded
 * machine delays, and its first query leaves at once.
 */
export interface SlowTail {
  fromMs: number;
  untilMs: number;
}

export class LoadDb implements Db {
  queries = 0;
  /** Queries the checker made fail. */
  failed = 0;
  inFlight = 0;
  peak = 0;
  firstStart?: number;
  lastStart?: number;
  lastEnd?: number;
  connectionsOpened = 0;
  /** performance.now() when k queries were first in flight at once, by k. */
  readonly reachedAt: number[] = [];
  /** The parameters of the first queries, as sent (to tell fresh parameters from reused ones). */
  readonly paramsSeen: string[] = [];
  /** Set by a check once it knows when the step ends: the queries in flight at the deadline then last a while. */
  slowTail?: SlowTail;
  private readonly failEvery: number;
  private readonly pool: Pool;
  private window = { queries: 0, failed: 0, peak: 0, firstStart: undefined as number | undefined, lastStart: undefined as number | undefined };
  private windowLatency = new LatencyRecorder();

  constructor(
    settings: ConnectionSettings,
    private readonly options: LoadDbOptions = {},
  ) {
    this.failEvery = options.failEvery ?? 0;
    exposeOnly(this, ['query']);
    this.pool = mysql.createPool({ ...settings, connectionLimit: POOL_LIMIT, maxIdle: POOL_LIMIT, connectTimeout: 20_000, trace: false } as mysql.PoolOptions);
    this.pool.pool.on('connection', () => {
      this.connectionsOpened += 1;
    });
  }

  async query<Row = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<Row[]> {
    if (typeof sql !== 'string') throw new TypeError('db.query(sql, params) expects the SQL text as its first argument');
    const n = (this.queries += 1);
    const now = performance.now();
    this.firstStart ??= now;
    this.lastStart = now;
    this.window.queries += 1;
    this.window.firstStart ??= now;
    this.window.lastStart = now;
    if (this.paramsSeen.length < 200) this.paramsSeen.push(JSON.stringify(params));
    this.inFlight += 1;
    this.reachedAt[this.inFlight] ??= now;
    this.peak = Math.max(this.peak, this.inFlight);
    this.window.peak = Math.max(this.window.peak, this.inFlight);
    try {
      const [rows] = this.options.withoutServer ? [[]] : params.length > 0 ? await this.pool.execute(sql, params as never) : await this.pool.query(sql);
      this.windowLatency.record(performance.now() - now);
      const { slowFirst, minQueryMs = 0 } = this.options;
      const first = this.firstStart ?? now;
      const tail = this.slowTail && now - first >= this.slowTail.fromMs ? first + this.slowTail.untilMs : 0;
      const holdUntil = Math.max(now + Math.max(slowFirst && n <= slowFirst.count ? slowFirst.ms : 0, minQueryMs), tail);
      if (performance.now() < holdUntil) await sleep(holdUntil - performance.now());
      if (this.failEvery > 0 && n % this.failEvery === 0) {
        this.failed += 1;
        this.window.failed += 1;
        throw new SimulatedDbError('read');
      }
      return (Array.isArray(rows) ? rows : [rows]) as Row[];
    } catch (err) {
      if (err instanceof SimulatedDbError) throw err;
      const rebuilt = new Error((err as Error).message);
      rebuilt.name = (err as Error).name;
      throw rebuilt;
    } finally {
      this.inFlight -= 1;
      this.lastEnd = performance.now();
    }
  }

  /** Opens `count` pooled connections ahead of a step, so a busy machine's connection setup is not part of it. */
  async warm(count: number): Promise<void> {
    const held: PoolConnection[] = [];
    try {
      // In batches: a loaded machine's server refuses a storm of handshakes sooner than a steady trickle.
      while (held.length < Math.min(count, POOL_LIMIT)) {
        const batch = Math.min(10, Math.min(count, POOL_LIMIT) - held.length);
        held.push(...(await Promise.all(Array.from({ length: batch }, () => this.pool.getConnection()))));
      }
    } finally {
      for (const c of held) c.release();
    }
  }

  /** Closes the current window and opens the next one. */
  mark(): LoadWindow {
    const latency = this.windowLatency.summary();
    const closed: LoadWindow = {
      ...this.window,
      closedAt: performance.now(),
      lastEnd: this.lastEnd,
      ...(latency.count > 0 ? { p50Ms: latency.p50Ms, p95Ms: latency.p95Ms } : {}),
    };
    this.window = { queries: 0, failed: 0, peak: this.inFlight, firstStart: undefined, lastStart: undefined };
    this.windowLatency = new LatencyRecorder();
    return closed;
  }

  async close(): Promise<void> {
    await this.pool.end().catch(() => {});
  }
}
