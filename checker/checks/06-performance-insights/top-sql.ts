/**
 * Lab 6's pictures for a terminal: the ranked top-SQL table (also used for
 * Performance Insights' top SQL on AWS), the hot statement before and after
 * the fix, and the workload's throughput over time for both runs.
 */
import asciichart from 'asciichart';
import type { ChalkInstance } from 'chalk';
import type { TopSqlFixMeasurement } from './measure.js';

export interface TopSqlTableRow {
  statement: string;
  calls?: number;
  totalMs?: number;
  avgMs?: number;
  rowsExamined?: number;
  rowsSent?: number;
  /** Fraction (0..1) of the load: total time on MariaDB/MySQL, average active sessions in Performance Insights. */
  share?: number;
}

export interface TopSqlTableOptions {
  /** Characters the whole line may take (the statement is cut to fit). */
  width?: number;
  /** Label of the share column, e.g. 'time' or 'load (AAS)'. */
  shareLabel?: string;
}

const grouped = (n: number) => Math.round(n).toLocaleString('en-US');
export const formatMs = (v: number) => (v >= 100 ? `${grouped(v)} ms` : v >= 1 ? `${v.toFixed(1)} ms` : `${v.toFixed(3)} ms`);
const perSent = (examined: number, sent: number) => (sent > 0 ? `${grouped(examined / sent)}:1` : examined > 0 ? 'all:0' : '-');

interface Column {
  title: string;
  cell(row: TopSqlTableRow): string;
  present(rows: TopSqlTableRow[]): boolean;
}

const numeric = (title: string, pick: (r: TopSqlTableRow) => number | undefined, show: (v: number) => string): Column => ({
  title,
  cell: (r) => {
    const v = pick(r);
    return v === undefined || !Number.isFinite(v) ? '-' : show(v);
  },
  present: (rows) => rows.some((r) => pick(r) !== undefined),
});

/** A ranked table of statements, the columns limited to what the rows carry. */
export function renderTopSql(rows: TopSqlTableRow[], options: TopSqlTableOptions = {}): string {
  if (rows.length === 0) return '  (no statements recorded)';
  const shareBar = (v: number) => `${'█'.repeat(Math.round(Math.max(0, Math.min(1, v)) * 10)).padEnd(10, '·')} ${(v * 100).toFixed(0).padStart(3)}%`;
  const all: Column[] = [
    numeric(options.shareLabel ?? 'share', (r) => r.share, shareBar),
    numeric('calls', (r) => r.calls, grouped),
    numeric('total', (r) => r.totalMs, formatMs),
    numeric('avg', (r) => r.avgMs, formatMs),
    numeric('rows examined', (r) => r.rowsExamined, grouped),
    numeric('rows sent', (r) => r.rowsSent, grouped),
    {
      title: 'examined:sent',
      cell: (r: TopSqlTableRow) => (r.rowsExamined === undefined || r.rowsSent === undefined ? '-' : perSent(r.rowsExamined, r.rowsSent)),
      present: (given: TopSqlTableRow[]) => given.some((r) => r.rowsExamined !== undefined && r.rowsSent !== undefined),
    },
  ];
  const columns = all.filter((c) => c.present(rows));
  const cells = rows.map((r) => columns.map((c) => c.cell(r)));
  const widths = columns.map((c, i) => Math.max(c.title.length, ...cells.map((row) => row[i].length)));
  const shareFirst = columns[0]?.title === (options.shareLabel ?? 'share');
  const align = (text: string, i: number) => (i === 0 && shareFirst ? text.padEnd(widths[i]) : text.padStart(widths[i]));
  const rank = String(rows.length).length + 1;
  const indent = ' '.repeat(2 + rank + 2);
  const room = Math.max(20, (options.width ?? 100) - indent.length);
  const cut = (text: string) => {
    const flat = text.replace(/\s+/g, ' ').trim();
    return flat.length > room ? `${flat.slice(0, room - 3)}...` : flat;
  };
  // The statement gets its own line: digest texts are long, and cut to a column they say nothing.
  const lines = [`  ${'#'.padStart(rank)}  ${columns.map((c, i) => align(c.title, i)).join('  ')}`];
  rows.forEach((r, n) => {
    lines.push(`  ${`${n + 1}.`.padStart(rank)}  ${cells[n].map(align).join('  ')}`);
    lines.push(`${indent}${cut(r.statement)}`);
  });
  return lines.join('\n');
}

/** Averages consecutive values so a series fits `width` columns. */
export function fitSeries(series: number[][], width: number): { series: number[][]; factor: number } {
  const longest = Math.max(0, ...series.map((s) => s.length));
  const factor = Math.max(1, Math.ceil(longest / width));
  const fitted = series.map((s) => {
    const out: number[] = [];
    for (let i = 0; i < s.length; i += factor) {
      const part = s.slice(i, i + factor);
      out.push(part.reduce((a, b) => a + b, 0) / part.length);
    }
    return out;
  });
  return { series: fitted, factor };
}

/**
 * Throughput of the two runs as two charts on the same axes (so they read
 * without colour): the fixed run ends sooner because it has less work to do.
 */
export function renderLoadOverTime(m: TopSqlFixMeasurement, options: { width?: number; height?: number; color?: boolean } = {}): string {
  if (m.before.timeline.length === 0 && m.after.timeline.length === 0) return '  (no operations were timed)';
  const { series, factor } = fitSeries([m.before.timeline, m.after.timeline], options.width ?? 60);
  const longest = Math.max(...series.map((s) => s.length));
  const top = Math.max(1, ...series.flat());
  const seconds = (n: number) => ((n * m.bucketMs * factor) / 1000).toFixed(1);
  const axis = `${' '.repeat(8)}0 s${' '.repeat(Math.max(1, longest - 5))}${seconds(longest)} s`;
  const chart = (values: number[], tone: string | undefined) =>
    asciichart.plot(values.length > 0 ? values : [0], {
      height: options.height ?? 5,
      min: 0,
      max: top,
      colors: options.color && tone ? [tone] : undefined,
      format: (x) => grouped(x).padStart(7),
    });
  return [
    `  operations per second over the run, before the fix (${(m.before.elapsedMs / 1000).toFixed(1)} s, ${grouped(m.before.opsPerSecond)} ops/s on average)`,
    chart(series[0], asciichart.yellow),
    axis,
    `  after the fix (${(m.after.elapsedMs / 1000).toFixed(1)} s, ${grouped(m.after.opsPerSecond)} ops/s on average): the same ${grouped(m.after.operations)} operations`,
    chart(series[1], asciichart.green),
    axis,
  ].join('\n');
}

/** A bar on a logarithmic scale: a thousand-fold drop still leaves something to see. */
function logBar(value: number, largest: number, width: number): string {
  if (!(value > 0) || !(largest > 0)) return '';
  const decades = Math.max(1, Math.log10(largest) + 1);
  const length = Math.round(((Math.log10(Math.max(value, 1)) + 1) / decades) * width);
  return '█'.repeat(Math.max(1, Math.min(width, length)));
}

/** The hot statement's figures before and after, side by side, with log-scale bars. */
export function renderBeforeAfter(m: TopSqlFixMeasurement, c?: ChalkInstance): string {
  const paint = (text: string, tone: 'before' | 'after') => (c ? (tone === 'before' ? c.yellow(text) : c.green(text)) : text);
  const rows: Array<[string, number, number, (v: number) => string]> = [
    ['rows examined per call', m.before.hot.rowsExaminedPerCall, m.after.hot.rowsExaminedPerCall, grouped],
    ['avg latency', m.before.hot.avgMs, m.after.hot.avgMs, formatMs],
    ['total time', m.before.hot.totalMs, m.after.hot.totalMs, formatMs],
  ];
  const out = [`  ${''.padEnd(24)}${'before'.padStart(12)}${'after'.padStart(12)}   (bars on a log scale)`];
  for (const [label, before, after, show] of rows) {
    const largest = Math.max(before, after);
    const scale = label === 'rows examined per call' ? largest : largest * 1000; // ms: count from microseconds
    const bar = (v: number) => logBar(label === 'rows examined per call' ? v : v * 1000, scale, 30);
    out.push(`  ${label.padEnd(24)}${show(before).padStart(12)}${show(after).padStart(12)}   ${paint(bar(before), 'before')}`);
    out.push(`  ${''.padEnd(48)}   ${paint(bar(after), 'after')}`);
  }
  out.push(`  ${'calls'.padEnd(24)}${grouped(m.before.hot.calls).padStart(12)}${grouped(m.after.hot.calls).padStart(12)}`);
  out.push(`  ${'rows sent per call'.padEnd(24)}${grouped(m.before.hot.rowsSentPerCall).padStart(12)}${grouped(m.after.hot.rowsSentPerCall).padStart(12)}`);
  return out.join('\n');
}

const factorText = (v: number) => (Number.isFinite(v) && v > 0 ? `${v >= 10 ? grouped(v) : v.toFixed(1)}x` : 'n/a');

/** Everything the check run prints after the results when Lab 6's measurement ran. */
export function renderTopSqlFix(c: ChalkInstance, m: TopSqlFixMeasurement, target: string): string {
  const color = c.level > 0;
  return [
    `\n${c.bold(`Your fix, measured (${target} target): the same workload before and after migrate()`)}`,
    `  the hot statement: ${m.before.hot.statement.length > 100 ? `${m.before.hot.statement.slice(0, 97)}...` : m.before.hot.statement}`,
    renderBeforeAfter(m, color ? c : undefined),
    `  ${c.bold(`${factorText(m.rowsExaminedFactor)} fewer rows examined per call, ${factorText(m.latencyFactor)} lower average latency`)}`,
    '',
    renderLoadOverTime(m, { color }),
    '',
    `  top SQL before the fix`,
    renderTopSql(m.before.topSql, { shareLabel: 'time' }),
    `  top SQL after the fix (the next statement to look at is now on top)`,
    renderTopSql(m.after.topSql, { shareLabel: 'time' }),
  ].join('\n');
}
