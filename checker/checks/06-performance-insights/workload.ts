/**
 * Lab 6's workload: the course's load test (five workers, each reading a
 * random item with ORDER BY RAND() and inserting one, 100 times) with the
 * planted hot query mixed in, run by the kit's load generator. It counts
 * every call of the hot query itself, so the checks can hold the digests to
 * the number of calls that really happened, and keeps a timeline of
 * completed operations for the load-over-time chart.
 */
import type { PoolConnection } from 'mysql2/promise';
import { INSERT_ITEM_SQL, RANDOM_ITEM_SQL } from '../../../labs/06-performance-insights/seed.js';
import type { ConnectionSettings, Db } from '../../exercise-api.js';
import { runLoad, type LoadProgress, type LoadStatement, type LoadSummary } from '../../load/load-generator.js';
import { randomInt } from '../../load/random.js';
import { TextProtocolDb } from './text-db.js';

/** The course's test: five workers, a hundred read-and-insert rounds each. */
export const COURSE_WORKERS = 5;
export const COURSE_ROUNDS = 100;
/** How many times the hot query runs in a full workload (on top of the course's 1,000 statements). */
export const HOT_CALLS = 30;
/** The hot query asks about the busiest customers: a few ids come back again and again, as in real traffic. */
export const HOT_CUSTOMERS = 60;
export const TIMELINE_BUCKET_MS = 100;

export type HotQuery = (db: Db, customerId: number) => Promise<unknown>;

export interface WorkloadOptions {
  connection: ConnectionSettings;
  /** Runs one call of the hot query (the learner's ordersForCustomer, or the checker's reference). */
  hotQuery: HotQuery;
  rounds?: number;
  hotCalls?: number;
  workers?: number;
  seed?: number;
  onProgress?: (p: LoadProgress) => void;
}

export interface WorkloadRun {
  summary: LoadSummary;
  /** Calls of the hot query that returned, and those that threw. */
  hotCalls: number;
  hotFailures: number;
  firstHotError?: string;
  /** Completed operations per second, one value per TIMELINE_BUCKET_MS of the run. */
  timeline: number[];
}

/** Operations per second in consecutive buckets, from completion times (ms since the start). */
export function bucketRates(completions: number[], bucketMs = TIMELINE_BUCKET_MS): number[] {
  if (completions.length === 0) return [];
  const buckets = new Array<number>(Math.floor(Math.max(...completions) / bucketMs) + 1).fill(0);
  for (const t of completions) buckets[Math.floor(t / bucketMs)] += 1;
  return buckets.map((n) => (n * 1000) / bucketMs);
}

export async function runWorkload(options: WorkloadOptions): Promise<WorkloadRun> {
  const workers = options.workers ?? COURSE_WORKERS;
  const rounds = options.rounds ?? COURSE_ROUNDS;
  const hotCallsWanted = options.hotCalls ?? HOT_CALLS;
  const courseOps = workers * rounds;
  let start: number | undefined;
  const completions: number[] = [];
  const timed = (statement: LoadStatement): LoadStatement => ({
    ...statement,
    async run(conn, rand, worker) {
      start ??= performance.now();
      try {
        return await statement.run(conn, rand, worker);
      } finally {
        completions.push(performance.now() - start);
      }
    },
  });

  let hotCalls = 0;
  let hotFailures = 0;
  let firstHotError: string | undefined;
  const statements: LoadStatement[] = [
    { name: 'random-item', kind: 'read', weight: courseOps, run: (conn: PoolConnection) => conn.query(RANDOM_ITEM_SQL) },
    {
      name: 'insert-item',
      kind: 'write',
      weight: courseOps,
      run: (conn: PoolConnection, rand) => conn.query(INSERT_ITEM_SQL, [`load ${randomInt(rand, 1, 1_000_000)}`, randomInt(rand, 100, 99_999) / 100]),
    },
    {
      name: 'orders-for-customer',
      kind: 'read',
      weight: hotCallsWanted,
      async run(conn: PoolConnection, rand) {
        try {
          const result = await options.hotQuery(new TextProtocolDb(conn), randomInt(rand, 1, HOT_CUSTOMERS));
          hotCalls += 1;
          return result;
        } catch (err) {
          hotFailures += 1;
          firstHotError ??= err instanceof Error ? err.message : String(err);
          throw err;
        }
      },
    },
  ];
  const summary = await runLoad({
    connection: options.connection,
    workers,
    operations: courseOps * 2 + hotCallsWanted,
    statements: statements.map(timed),
    seed: options.seed ?? 6,
    onProgress: options.onProgress,
  });
  return { summary, hotCalls, hotFailures, firstHotError, timeline: bucketRates(completions) };
}
