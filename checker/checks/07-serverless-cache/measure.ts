/**
 * After a pass: the "20-60x" claim, measured with the learner's own
 * read-through handler in the local Lambda runtime. Database reads (first
 * GET of a user) and cache hits (the second GET) are timed twice: inside the
 * handler (the REPORT line's Duration) and end to end through the invoke (what
 * a caller waits for); then a few cold starts, where the caller also waits for
 * a new environment.
 */
import { summarise, type LatencySummary } from '../../core/stats.js';
import { PROGRESS_EVENT, progressBar } from '../session.js';
import type { FunctionHarness } from './function-harness.js';

export const MEASUREMENT = 'cache-vs-database';
/** The claim the lab examines: reads 20 to 60 times faster from the cache. */
export const CLAIMED_RATIO = { low: 20, high: 60 };

export interface PathTimes {
  /** Inside the handler (REPORT Duration). */
  handler: LatencySummary;
  /** Through the invoke, as the caller saw it. */
  endToEnd: LatencySummary;
}

export interface CacheVsDatabase {
  database: PathTimes;
  cache: PathTimes;
  /** Cold starts: a new environment's start-up, init and a database read. */
  cold: { endToEnd: LatencySummary; init: LatencySummary };
  /** Database p50 over cache-hit p50. */
  ratio: { handler: number; endToEnd: number; coldVsWarmHit: number };
  /** Sorted handler durations, for the chart. */
  curves: { database: number[]; cache: number[] };
}

export async function measureCacheVsDatabase(
  h: FunctionHarness,
  signal: (event: string) => Promise<void>,
  users = 100,
  coldStarts = 4,
): Promise<CacheVsDatabase> {
  const fn = h.lambda({ ttlSeconds: 300 });
  await h.get(fn, 1);
  const samples = { dbHandler: [] as number[], dbEnd: [] as number[], hitHandler: [] as number[], hitEnd: [] as number[] };
  for (let i = 0; i < users; i += 1) {
    const userId = 200 + i;
    const miss = await h.get(fn, userId);
    const hit = await h.get(fn, userId);
    if (miss.body?.source !== 'database' || hit.body?.source !== 'cache')
      throw new Error(`GET /users/${userId} twice answered ${String(miss.body?.source)} then ${String(hit.body?.source)}, not database then cache`);
    samples.dbHandler.push(miss.invocation.report.durationMs);
    samples.dbEnd.push(miss.invocation.roundTripMs);
    samples.hitHandler.push(hit.invocation.report.durationMs);
    samples.hitEnd.push(hit.invocation.roundTripMs);
    if (i % 10 === 9) await signal(`${PROGRESS_EVENT}${progressBar((i + 1) / (users + coldStarts * 5), `${i + 1} of ${users} users read twice`)}`);
  }
  const coldEnd: number[] = [];
  const coldInit: number[] = [];
  for (let i = 0; i < coldStarts; i += 1) {
    await h.coldStart();
    const cold = await h.get(fn, 400 + i);
    coldEnd.push(cold.invocation.roundTripMs);
    coldInit.push(cold.invocation.report.initMs ?? 0);
    await signal(`${PROGRESS_EVENT}${progressBar((users + (i + 1) * 5) / (users + coldStarts * 5), `cold start ${i + 1} of ${coldStarts}`)}`);
  }
  const database = { handler: summarise(samples.dbHandler), endToEnd: summarise(samples.dbEnd) };
  const cache = { handler: summarise(samples.hitHandler), endToEnd: summarise(samples.hitEnd) };
  const cold = { endToEnd: summarise(coldEnd), init: summarise(coldInit) };
  return {
    database,
    cache,
    cold,
    ratio: {
      handler: database.handler.p50 / cache.handler.p50,
      endToEnd: database.endToEnd.p50 / cache.endToEnd.p50,
      coldVsWarmHit: cold.endToEnd.p50 / cache.endToEnd.p50,
    },
    curves: { database: [...samples.dbHandler].sort((a, b) => a - b), cache: [...samples.hitHandler].sort((a, b) => a - b) },
  };
}
