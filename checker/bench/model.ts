/** What a benchmark run produces: comparisons of our paths against a native tool. */

export interface Figures {
  /** The figure the ratio is taken on (p50, avg or median of starts), in ms. */
  ms: number;
  p50Ms?: number;
  avgMs?: number;
  p95Ms?: number;
  p99Ms?: number;
  /** CLI starts: spawn to exit. */
  exitMs?: number;
  samples?: number;
  /** Throughput comparisons: queries per second, the figure their ratio is taken on. */
  qps?: number;
  note?: string;
  /** Memory rows: peak resident memory of a process tree, in MB (the figure their aim is on). */
  peakMb?: number;
  /** Memory rows: the engines' (redis-server, mariadbd) share of that peak, in MB. */
  enginesMb?: number;
}

export interface Measured {
  label: string;
  /** What exactly ran, for the reader who wants to repeat it. */
  how: string;
  figures: Figures;
}

/** ratio: ours / native latency at most `max`; min-ratio: ours / native throughput at least `min`. */
/** absolute: the figure in ms under `maxMs`, whatever the ratio; memory: the peak under `maxMb`. */
export type Aim = { kind: 'ratio'; max: number } | { kind: 'min-ratio'; min: number } | { kind: 'absolute'; maxMs: number } | { kind: 'memory'; maxMb: number };

export interface Row extends Measured {
  /** ours / native on the comparison's metric (for qps, higher is better). */
  ratio: number;
  aim: Aim;
  withinAim: boolean;
}

export const COMPARISON_IDS = [
  'cache-hit',
  'point-select',
  'cli-start',
  'load-point-select',
  'load-read-write',
  'verdict-one',
  'verdict-lab',
  'watch-latency',
  'peak-memory',
] as const;
export type ComparisonId = (typeof COMPARISON_IDS)[number];

export interface Comparison {
  id: ComparisonId;
  title: string;
  /** Which figure the ratio is taken on. */
  metric: 'p50' | 'avg' | 'median first output' | 'qps' | 'median exit' | 'median save to verdict' | 'peak rss';
  status: 'ran' | 'skipped' | 'error';
  /** Why it was skipped or failed, with what to do about it. */
  reason?: string;
  native?: Measured;
  /** Measured for context only: shown with a ratio, never judged against an aim. */
  context?: Measured[];
  rows: Row[];
  notes: string[];
  durationMs: number;
}

export interface BenchDocument {
  kind: 'data-tier-labs-bench';
  date: string;
  machine: {
    cpus: number;
    cpuModel: string;
    platform: string;
    node: string;
    loadAverageStart: number[];
    loadAverageEnd: number[];
  };
  versions: Record<string, string>;
  comparisons: Comparison[];
  durationMs: number;
}

export function verdict(row: Row): string {
  if (row.withinAim) return 'within aim';
  return row.aim.kind === 'min-ratio' ? 'below aim' : 'above aim';
}

export function aimText(aim: Aim): string {
  if (aim.kind === 'min-ratio') return `≥ ${aim.min}x`;
  if (aim.kind === 'memory') return `< ${aim.maxMb} MB`;
  return aim.kind === 'ratio' ? `≤ ${aim.max}x` : `< ${aim.maxMs} ms`;
}

export function judge(measured: Measured, nativeMs: number, aim: Exclude<Aim, { kind: 'memory' }>): Row {
  const ratio = measured.figures.ms / nativeMs;
  const withinAim = aim.kind === 'ratio' ? ratio <= aim.max : aim.kind === 'min-ratio' ? ratio >= aim.min : measured.figures.ms < aim.maxMs;
  return { ...measured, ratio, aim, withinAim };
}

/** Memory: the whole tree's peak against an absolute ceiling; the ratio is peak / the engines' own share. */
export function judgeMemory(measured: Measured, aim: { kind: 'memory'; maxMb: number }): Row {
  const peak = measured.figures.peakMb ?? Number.NaN;
  const ratio = peak / (measured.figures.enginesMb ?? Number.NaN);
  return { ...measured, ratio, aim, withinAim: peak < aim.maxMb };
}

/** Throughput: ours / native queries per second, judged against a minimum ratio. */
export function judgeThroughput(measured: Measured, nativeQps: number, aim: { kind: 'min-ratio'; min: number }): Row {
  const ratio = (measured.figures.qps ?? Number.NaN) / nativeQps;
  return { ...measured, ratio, aim, withinAim: ratio >= aim.min };
}

export function median(values: number[]): number {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function mean(values: number[]): number {
  const finite = values.filter(Number.isFinite);
  return finite.length ? finite.reduce((s, v) => s + v, 0) / finite.length : Number.NaN;
}
