/** How the summary shows Lab 7's measurement: a table of percentiles, a chart, and the honest ratio beside the claim. */
import asciichart from 'asciichart';
import type { ChalkInstance } from 'chalk';
import type { MeasurementRenderer } from '../plugin.js';
import { CLAIMED_RATIO, type CacheVsDatabase } from './measure.js';

const f = (ms: number) => (ms < 10 ? ms.toFixed(2) : ms.toFixed(0)).padStart(7);

/** Every `step`-th point of a sorted curve, so the chart fits the terminal. */
function thin(curve: number[], points: number): number[] {
  if (curve.length <= points) return curve;
  return Array.from({ length: points }, (_, i) => curve[Math.round((i * (curve.length - 1)) / (points - 1))] ?? 0);
}

export function renderCacheVsDatabase(c: ChalkInstance, m: CacheVsDatabase, width = 80): string {
  const rows = [
    `                         ${'p50'.padStart(7)} ${'p95'.padStart(7)} ${'p99'.padStart(7)}  ms`,
    `database read, handler  ${f(m.database.handler.p50)} ${f(m.database.handler.p95)} ${f(m.database.handler.p99)}`,
    `cache hit, handler      ${f(m.cache.handler.p50)} ${f(m.cache.handler.p95)} ${f(m.cache.handler.p99)}`,
    `database read, invoke   ${f(m.database.endToEnd.p50)} ${f(m.database.endToEnd.p95)} ${f(m.database.endToEnd.p99)}`,
    `cache hit, invoke       ${f(m.cache.endToEnd.p50)} ${f(m.cache.endToEnd.p95)} ${f(m.cache.endToEnd.p99)}`,
    `cold start, invoke      ${f(m.cold.endToEnd.p50)} ${f(m.cold.endToEnd.p95)} ${f(m.cold.endToEnd.p99)}  (init p50 ${m.cold.init.p50.toFixed(0)} ms)`,
  ];
  const points = Math.max(10, Math.min(60, width - 20));
  const chart = asciichart.plot([thin(m.curves.database, points), thin(m.curves.cache, points)], {
    height: 8,
    // asciichart colours with its own escape codes: only where chalk colours too (not with NO_COLOR or --no-color).
    ...(c.level > 0 ? { colors: [asciichart.red, asciichart.green] } : {}),
    format: (x: number) => x.toFixed(2).padStart(7),
  });
  const claim = `${CLAIMED_RATIO.low}-${CLAIMED_RATIO.high}x`;
  return [
    c.bold('The "20-60x" claim, measured with your handler'),
    ...rows,
    '',
    `handler time by percentile, ${c.red('database reads')} vs ${c.green('cache hits')} (ms):`,
    chart,
    '',
    `Ratio at p50: ${m.ratio.handler.toFixed(1)}x inside the handler, ${m.ratio.endToEnd.toFixed(1)}x end to end; claimed ${claim}.`,
    `A cold start takes ${m.ratio.coldVsWarmHit.toFixed(0)}x as long as a warm cache hit; the cache cannot help it.`,
  ].join('\n');
}

export const cacheVsDatabaseRenderer: MeasurementRenderer = {
  key: 'cacheVsDatabase',
  render: (c, value, width) => renderCacheVsDatabase(c, value as CacheVsDatabase, width),
};
