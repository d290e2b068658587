/**
 * Reading the native tools' own reports. Each parser returns undefined when
 * the text does not have the expected shape, so a tool version with another
 * output format is reported as such instead of producing a made-up figure.
 */

export interface RedisBenchmarkFigures {
  test: string;
  rps: number;
  avgMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

const unquote = (cell: string) => cell.trim().replace(/^"(.*)"$/, '$1');

/**
 * `redis-benchmark --csv` (7.x):
 *   "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
 *   "GET","15576.32","0.061","0.008","0.023","0.039","0.975","94.015"
 */
export function parseRedisBenchmarkCsv(text: string, test = 'GET'): RedisBenchmarkFigures | undefined {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const headerAt = lines.findIndex((l) => l.includes('p50_latency_ms'));
  if (headerAt < 0) return undefined;
  const header = lines[headerAt].split(',').map(unquote);
  for (const line of lines.slice(headerAt + 1)) {
    const cells = line.split(',').map(unquote);
    if (cells[0]?.toUpperCase() !== test.toUpperCase()) continue;
    const get = (name: string) => Number(cells[header.indexOf(name)]);
    const figures = {
      test: cells[0],
      rps: get('rps'),
      avgMs: get('avg_latency_ms'),
      p50Ms: get('p50_latency_ms'),
      p95Ms: get('p95_latency_ms'),
      p99Ms: get('p99_latency_ms'),
    };
    return Object.values(figures).every((v) => typeof v === 'string' || Number.isFinite(v)) ? figures : undefined;
  }
  return undefined;
}

/**
 * The non-quiet summary (`--precision 3`), as a fallback for builds whose CSV
 * lacks the latency columns:
 *   latency summary (msec):
 *           avg       min       p50       p95       p99       max
 *         0.059     0.008     0.023     0.039     1.279    15.311
 */
export function parseRedisBenchmarkSummary(text: string): RedisBenchmarkFigures | undefined {
  const lines = text.split(/\r?\n/);
  const at = lines.findIndex((l) => /latency summary \(msec\)/.test(l));
  if (at < 0 || at + 2 >= lines.length) return undefined;
  const names = lines[at + 1].trim().split(/\s+/);
  const values = lines[at + 2].trim().split(/\s+/).map(Number);
  const get = (name: string) => values[names.indexOf(name)];
  const rps = Number(/throughput summary:\s*([\d.]+)/.exec(text)?.[1] ?? Number.NaN);
  const figures = { test: 'GET', rps, avgMs: get('avg'), p50Ms: get('p50'), p95Ms: get('p95'), p99Ms: get('p99') };
  return [figures.avgMs, figures.p50Ms].every((v) => Number.isFinite(v)) ? figures : undefined;
}

export interface SysbenchFigures {
  events: number;
  totalTimeS: number;
  /** As printed: two decimals, so 0.06 can mean anything from 0.055 to 0.065. */
  avgPrintedMs: number;
  /** Sum of event latencies over events: the same average, without the rounding. */
  avgMs: number;
  minMs: number;
  maxMs: number;
  /** The percentile line, whichever percentile was asked for (95 by default). */
  percentile?: { p: number; ms: number };
  sumMs: number;
  /** "transactions: N (X per sec.)" and "queries: N (X per sec.)" from SQL statistics, when printed. */
  tps?: number;
  qps?: number;
  queries?: number;
  /** "ignored errors: N" (deadlocks sysbench retried). */
  ignoredErrors?: number;
}

/** `sysbench ... run` (1.0.x): the "General statistics" and "Latency (ms)" blocks. */
export function parseSysbench(text: string): SysbenchFigures | undefined {
  const num = (re: RegExp) => {
    const m = re.exec(text);
    return m ? Number(m[1]) : Number.NaN;
  };
  const events = num(/total number of events:\s*([\d.]+)/);
  const totalTimeS = num(/total time:\s*([\d.]+)s/);
  const minMs = num(/^\s*min:\s*([\d.]+)/m);
  const avgPrintedMs = num(/^\s*avg:\s*([\d.]+)/m);
  const maxMs = num(/^\s*max:\s*([\d.]+)/m);
  const sumMs = num(/^\s*sum:\s*([\d.]+)/m);
  const pct = /^\s*(\d+)(?:th|st|nd|rd) percentile:\s*([\d.]+)/m.exec(text);
  const tps = /transactions:\s*\d+\s*\(([\d.]+) per sec/.exec(text);
  const queries = /^\s*queries:\s*(\d+)\s*\(([\d.]+) per sec/m.exec(text);
  const ignored = /ignored errors:\s*(\d+)/.exec(text);
  if (![events, avgPrintedMs, sumMs].every(Number.isFinite) || events <= 0) return undefined;
  return {
    events,
    totalTimeS,
    avgPrintedMs,
    avgMs: sumMs / events,
    minMs,
    maxMs,
    sumMs,
    ...(pct ? { percentile: { p: Number(pct[1]), ms: Number(pct[2]) } } : {}),
    ...(tps ? { tps: Number(tps[1]) } : {}),
    ...(queries ? { queries: Number(queries[1]), qps: Number(queries[2]) } : {}),
    ...(ignored ? { ignoredErrors: Number(ignored[1]) } : {}),
  };
}
