/**
 * After the exercises pass: the learner's own cacheAside against the database
 * path, on a query that does real work (an aggregate over 100,000 orders) and
 * on a primary-key lookup, where a local cache cannot win by much.
 */
import { REVENUE_BY_COUNTRY_SQL } from '../../../labs/05-elasticache-redis/seed.js';
import { summarise, timeMany, type LatencySummary } from '../../core/stats.js';
import type { Harness } from './harness.js';

export interface PathComparison {
  label: string;
  database: LatencySummary;
  cache: LatencySummary;
  /** Database p50 divided by cache-hit p50. */
  speedup: number;
}

export interface CacheMeasurement {
  comparisons: PathComparison[];
}

async function compare(label: string, iterations: number, database: () => Promise<unknown>, cache: () => Promise<unknown>): Promise<PathComparison> {
  await database();
  await cache(); // warm: the first call is the miss that fills the cache
  const db = summarise(await timeMany(iterations, database));
  const hit = summarise(await timeMany(iterations, cache));
  return { label, database: db, cache: hit, speedup: db.p50 / hit.p50 };
}

export async function measureCacheSpeedup(h: Harness, iterations = 200): Promise<CacheMeasurement> {
  const { ctx, db } = h.context({ ttlSeconds: 300 });
  const report = () => db.query(REVENUE_BY_COUNTRY_SQL);
  const user = () => db.query('SELECT id, name, email FROM users WHERE id = ?', [42]);
  const comparisons = [
    await compare('revenue by country (aggregate over 100k orders)', Math.min(iterations, 30), report, () =>
      h.call('cacheAside', ctx, 'report:revenue-by-country', report),
    ),
    await compare('one user by primary key', iterations, user, () => h.call('getUser', ctx, 42)),
  ];
  return { comparisons };
}
