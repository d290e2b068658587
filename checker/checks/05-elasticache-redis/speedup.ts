/** The cache-versus-database figures, as a table with a bar per path. */
import type { ChalkInstance } from 'chalk';
import type { CacheMeasurement } from './measure.js';

const ms = (v: number) => `${v < 1 ? v.toFixed(3) : v.toFixed(2)} ms`;

export function renderSpeedup(c: ChalkInstance, m: CacheMeasurement, target: string): string {
  const out = [`\n${c.bold(`Your cache-aside against the database (${target} target, measured now)`)}`];
  const widest = Math.max(...m.comparisons.map((x) => x.database.p50), ...m.comparisons.map((x) => x.cache.p50));
  const bar = (v: number) => '█'.repeat(Math.max(1, Math.round((v / widest) * 30)));
  for (const x of m.comparisons) {
    out.push(`  ${x.label}`);
    out.push(
      `    database    p50 ${ms(x.database.p50).padStart(10)}  p95 ${ms(x.database.p95).padStart(10)}  p99 ${ms(x.database.p99).padStart(10)}  ${c.yellow(bar(x.database.p50))}`,
    );
    out.push(
      `    cache hit   p50 ${ms(x.cache.p50).padStart(10)}  p95 ${ms(x.cache.p95).padStart(10)}  p99 ${ms(x.cache.p99).padStart(10)}  ${c.green(bar(x.cache.p50))}`,
    );
    out.push(
      `    speed-up at p50: ${c.bold(`${x.speedup.toFixed(1)}x`)}` +
        c.dim(`  (database p50 over the hit's own ${ms(x.cacheOwnMs)}: ${ms(x.boundaryMs)} of each hit is the checker reaching into your code's process)`),
    );
  }
  if (target === 'local') {
    out.push(
      c.dim(
        '  Locally both servers sit on loopback, so a primary-key SELECT is about as fast as a GET; the gain shows on queries that do real work.\n' +
          '  On AWS the database is a network hop away and busy, which is where the 20x-60x figures you may have read come from: run on --target aws to measure yours.',
      ),
    );
  }
  return out.join('\n');
}
