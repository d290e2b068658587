/**
 * After the exercises pass: the learner's own cacheAside against the database
 * path, on a query that does real work (an aggregate over 100,000 orders) and
 * on a primary-key lookup, where a local cache cannot win by much.
 */
import { REVENUE_BY_COUNTRY_SQL } from '../../../labs/05-elasticache-redis/seed.js';
import { summarise, timeMany, type LatencySummary } from '../../core/stats.js';
import { openBoundaryProbe, type BoundaryProbe } from '../../runner/boundary.js';
import type { Harness } from './harness.js';

export interface PathComparison {
  label: string;
  database: LatencySummary;
  /** Cache hits as the checker times them: through the boundary into the learner's process. */
  cache: LatencySummary;
  /** p50 of a call across that boundary alone (timed in a clean process of the same kind). */
  boundaryMs: number;
  /** The cache hit's own p50: `cache` less the boundary, and never below one Redis GET from the checker. */
  cacheOwnMs: number;
  /** Database p50 divided by cacheOwnMs. */
  speedup: number;
}

export interface CacheMeasurement {
  comparisons: PathComparison[];
}

interface Path {
  label: string;
  iterations: number;
  database: () => Promise<unknown>;
  cache: () => Promise<unknown>;
  /** The arguments the cache call sends across, and the key it reads. */
  args: unknown[];
  key: string;
}

/**
 * The database path is timed here; the cache path through the learner's
 * process, whose crossing is then taken off. The learner's code can make
 * neither figure better than it is: the boundary is timed where it cannot
 * reach, and a hit is never counted faster than a GET the checker sends.
 */
async function compare(h: Harness, probe: BoundaryProbe, path: Path): Promise<PathComparison> {
  const payload = await path.database();
  await path.cache(); // warm: the first call is the miss that fills the cache
  const db = summarise(await timeMany(path.iterations, path.database));
  const hit = summarise(await timeMany(path.iterations, path.cache));
  const boundary = await probe.time(path.iterations, path.args, payload);
  const get = summarise(await timeMany(path.iterations, () => h.redis.get(path.key)));
  const cacheOwnMs = Math.max(hit.p50 - boundary.p50, get.p50);
  return { label: path.label, database: db, cache: hit, boundaryMs: boundary.p50, cacheOwnMs, speedup: db.p50 / cacheOwnMs };
}

export async function measureCacheSpeedup(h: Harness, iterations = 200): Promise<CacheMeasurement> {
  const { ctx, db } = h.context({ ttlSeconds: 300 });
  const report = () => db.query(REVENUE_BY_COUNTRY_SQL);
  const user = () => db.query('SELECT id, name, email FROM users WHERE id = ?', [42]);
  const probe = await openBoundaryProbe();
  try {
    const reportKey = 'report:revenue-by-country';
    const comparisons = [
      await compare(h, probe, {
        label: 'revenue by country (aggregate over 100k orders)',
        iterations: Math.min(iterations, 30),
        database: report,
        cache: () => h.call('cacheAside', ctx, reportKey, report),
        args: [ctx, reportKey, report],
        key: reportKey,
      }),
      await compare(h, probe, {
        label: 'one user by primary key',
        iterations,
        database: user,
        cache: () => h.call('getUser', ctx, 42),
        args: [ctx, 42],
        key: 'user:42',
      }),
    ];
    return { comparisons };
  } finally {
    await probe.close();
  }
}
