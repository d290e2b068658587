/**
 * Comparison 1: a cache hit as the exercise harness performs it, against
 * redis-benchmark's GET on the same redis-server. One connection, one request
 * at a time on both sides, the same value size, the same warm-up; rounds
 * alternate between the two sides so drift on a busy machine hits both.
 */
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
import type { Connection } from 'mysql2/promise';
import { forLearner, redisForLearner, type CacheEndpoints as Endpoints } from '../engines/endpoints.js';
import { connectMysql, connectRedis } from '../runner/connect.js';
// eslint-disable-next-line import-x/no-restricted-paths -- the benchmark's workload is Lab 5's cache-aside on its seed data (issue 15 measures that hot path); a second lab would need a workload hook in the plug-in contract
import { Harness } from '../checks/05-elasticache-redis/harness.js';
import { summarise, type LatencySummary } from '../core/stats.js';
// eslint-disable-next-line import-x/no-restricted-paths -- the benchmark's workload is Lab 5's cache-aside on its seed data (issue 15 measures that hot path); a second lab would need a workload hook in the plug-in contract
import * as solution from '../../solutions/05-elasticache-redis/exercises/02-cache-aside.js';
import type { User } from '../exercise-api.js';
import { judge, mean, median, type Comparison, type Measured } from './model.js';
import { parseRedisBenchmarkCsv, parseRedisBenchmarkSummary, type RedisBenchmarkFigures } from './parse.js';
import { runTool } from './proc.js';
import { timeInterleaved } from './timing.js';

export interface CacheHitOptions {
  requests: number;
  warmup: number;
  rounds: number;
}

/** The key redis-benchmark's GET test reads when no -r is given. */
const BENCHMARK_KEY = 'key:__rand_int__';
const USER_ID = 42;
const AIM = { kind: 'ratio', max: 1.5 } as const;

const SOLUTION_FILE = fileURLToPath(new URL('../../solutions/05-elasticache-redis/exercises/02-cache-aside.ts', import.meta.url));

async function redisBenchmark(bin: string, port: number, password: string | undefined, requests: number): Promise<RedisBenchmarkFigures> {
  const auth = password ? ['-a', password] : [];
  const args = ['-h', '127.0.0.1', '-p', String(port), ...auth, '-c', '1', '-n', String(requests), '-t', 'get'];
  const csv = await runTool(bin, [...args, '--csv'], { timeoutMs: 120_000 });
  const figures = parseRedisBenchmarkCsv(csv.stdout);
  if (figures) return figures;
  // Older CSV without latency columns: the human summary has them.
  const text = await runTool(bin, [...args, '--precision', '3'], { timeoutMs: 120_000 });
  const fallback = parseRedisBenchmarkSummary(text.stdout);
  if (!fallback) throw new Error(`could not read a p50 from redis-benchmark's output: ${csv.stdout.trim().slice(0, 200)}`);
  return fallback;
}

interface OurPath {
  label: string;
  how: string;
  run: () => Promise<unknown>;
  rounds: LatencySummary[];
}

function ourFigures(rounds: LatencySummary[]) {
  return {
    ms: median(rounds.map((r) => r.p50)),
    p50Ms: median(rounds.map((r) => r.p50)),
    avgMs: mean(rounds.map((r) => r.mean)),
    p95Ms: median(rounds.map((r) => r.p95)),
    p99Ms: median(rounds.map((r) => r.p99)),
    samples: rounds.reduce((s, r) => s + r.samples, 0),
  };
}

export async function benchCacheHit(endpoints: Endpoints, bin: string, options: CacheHitOptions, progress: (line: string) => void): Promise<Comparison> {
  const started = performance.now();
  const clients: { redis: Redis[]; sql: Connection[] } = { redis: [], sql: [] };
  try {
    const checkerRedis = await connectRedis(endpoints.redis);
    const learnerRedis = await connectRedis(redisForLearner(endpoints.redis));
    clients.redis.push(checkerRedis, learnerRedis);
    const checkerSql = await connectMysql(endpoints.mysql);
    const learnerSql = await connectMysql(forLearner(endpoints.mysql));
    clients.sql.push(checkerSql, learnerSql);

    // The harness as `npm run check` builds it, with the reference solution as the learner's module.
    const h = new Harness(solution as Record<string, unknown>, SOLUTION_FILE, checkerRedis, checkerSql, learnerRedis, learnerSql);
    const { ctx, db } = h.context({ ttlSeconds: 600 });
    const key = `user:${USER_ID}`;
    await checkerRedis.del(key);
    const loader = () => solution.loadUserFromDb(ctx, USER_ID);
    const filled = await h.call<User | null>('cacheAside', ctx, key, loader); // the miss that fills the key
    if (!filled) throw new Error(`user ${USER_ID} is missing from the seeded users table`);
    const payload = await checkerRedis.get(key);
    if (payload === null) throw new Error(`cacheAside did not store ${key}`);
    // redis-benchmark reads the same bytes, so both sides move the same reply.
    await checkerRedis.set(BENCHMARK_KEY, payload);
    const readsAfterFill = db.reads;

    const ours: OurPath[] = [
      {
        label: 'harness h.call("cacheAside") hit',
        how: 'Harness.call → callWithTimeout → reference cacheAside(ctx, "user:42", loader): GET + JSON.parse',
        run: () => h.call('cacheAside', ctx, key, loader),
        rounds: [],
      },
      {
        label: 'cacheAside(ctx, ...) hit, direct',
        how: 'reference cacheAside called directly with the LabContext (no timeout race)',
        run: () => solution.cacheAside(ctx, key, loader),
        rounds: [],
      },
      {
        label: 'ioredis GET',
        how: 'await redis.get("user:42") on the same ioredis client',
        run: () => learnerRedis.get(key),
        rounds: [],
      },
    ];
    const nativeRounds: RedisBenchmarkFigures[] = [];

    const tasks = ours.map((path) => path.run);
    progress(`cache-hit: warm-up (${options.warmup} requests per side)`);
    await redisBenchmark(bin, endpoints.redis.port, endpoints.redis.password, options.warmup);
    await timeInterleaved(tasks, { calls: options.warmup });

    for (let round = 1; round <= options.rounds; round += 1) {
      progress(`cache-hit: round ${round}/${options.rounds} (${options.requests} requests per side)`);
      nativeRounds.push(await redisBenchmark(bin, endpoints.redis.port, endpoints.redis.password, options.requests));
      const samples = await timeInterleaved(tasks, { calls: options.requests });
      ours.forEach((path, i) => path.rounds.push(summarise(samples[i])));
    }

    const notes: string[] = [];
    if (db.reads !== readsAfterFill) {
      notes.push(`the database was read ${db.reads - readsAfterFill} times during the timed runs: not every call was a cache hit (TTL expired?)`);
    }
    await checkerRedis.del(key, BENCHMARK_KEY);

    const native: Measured = {
      label: 'redis-benchmark GET',
      how: `redis-benchmark -h 127.0.0.1 -p ${endpoints.redis.port} -c 1 -n ${options.requests} -t get --csv (value: the same ${payload.length}-byte JSON)`,
      figures: {
        ms: median(nativeRounds.map((r) => r.p50Ms)),
        p50Ms: median(nativeRounds.map((r) => r.p50Ms)),
        avgMs: mean(nativeRounds.map((r) => r.avgMs)),
        p95Ms: median(nativeRounds.map((r) => r.p95Ms)),
        p99Ms: median(nativeRounds.map((r) => r.p99Ms)),
        samples: options.requests * options.rounds,
      },
    };
    const rows = ours.map((path) => judge({ label: path.label, how: path.how, figures: ourFigures(path.rounds) }, native.figures.ms, AIM));
    const [harness, direct, get] = rows;
    if (harness && direct && get) {
      notes.push(
        `p50 breakdown: ioredis GET ${(get.figures.ms * 1000).toFixed(0)} µs, + cacheAside (JSON.parse, try/await) ${((direct.figures.ms - get.figures.ms) * 1000).toFixed(0)} µs, ` +
          `+ harness call (timer + Promise.race) ${((harness.figures.ms - direct.figures.ms) * 1000).toFixed(0)} µs`,
      );
    }
    return {
      id: 'cache-hit',
      title: `Cache-hit path vs redis-benchmark (1 connection, sequential; ${options.rounds} rounds of ${options.requests} requests, redis-benchmark then our rows round-robin; median of round p50s)`,
      metric: 'p50',
      status: 'ran',
      native,
      rows,
      notes,
      durationMs: performance.now() - started,
    };
  } finally {
    for (const client of clients.redis) client.disconnect();
    await Promise.all(clients.sql.map((c) => c.end().catch(() => {})));
  }
}
