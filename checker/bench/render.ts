/** The bench's plain-text report: one table per comparison, then every ratio against its aim. */
import { aimText, verdict, type BenchDocument, type Comparison, type Figures } from './model.js';

const ms = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '-' : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(3));

function table(head: string[], body: string[][]): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]?.length ?? 0)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)];
}

type Column = { head: string; value: (f: Figures) => string };

const count = (f: Figures) => (f.samples === undefined ? '-' : String(f.samples));

/** The columns a comparison shows: the figure its ratio uses first, no column twice. */
function columns(c: Comparison): Column[] {
  if (c.id === 'cli-start') {
    return [
      { head: 'first output ms', value: (f) => ms(f.ms) },
      { head: 'exit ms', value: (f) => ms(f.exitMs ?? f.ms) },
      { head: 'starts', value: count },
    ];
  }
  if (c.metric === 'peak rss') {
    const mb = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(0));
    return [
      { head: 'peak MB', value: (f) => mb(f.peakMb) },
      { head: 'engines MB', value: (f) => mb(f.enginesMb) },
      { head: 'samples', value: count },
    ];
  }
  if (c.metric === 'median exit' || c.metric === 'median save to verdict') {
    return [
      { head: c.metric === 'median exit' ? 'exit ms' : 'save to verdict ms', value: (f) => ms(f.ms) },
      { head: 'runs', value: count },
    ];
  }
  if (c.metric === 'qps') {
    return [
      { head: 'queries/s', value: (f) => (f.qps === undefined ? '-' : Math.round(f.qps).toLocaleString('en-US')) },
      { head: 'avg ms', value: (f) => ms(f.avgMs) },
      { head: 'p95 ms', value: (f) => ms(f.p95Ms) },
      { head: 'p99 ms', value: (f) => ms(f.p99Ms) },
      { head: 'n', value: count },
    ];
  }
  const all: Array<[string, (f: Figures) => number | undefined]> = [
    ['p50', (f) => f.p50Ms],
    ['avg', (f) => f.avgMs],
    ['p95', (f) => f.p95Ms],
    ['p99', (f) => f.p99Ms],
  ];
  return [
    { head: `${c.metric} ms`, value: (f) => ms(f.ms) },
    ...all.filter(([name]) => name !== c.metric).map(([head, get]) => ({ head, value: (f: Figures) => ms(get(f)) })),
    { head: 'n', value: count },
  ];
}

const ratioText = (r: number) => (Number.isFinite(r) ? `${r.toFixed(2)}x` : '-');

/** The summary line's figure for an absolute aim, which judges the figure itself rather than the ratio. */
function absoluteFigure(row: Comparison['rows'][number]): string {
  if (row.aim.kind === 'memory')
    return `${(row.figures.peakMb ?? Number.NaN).toFixed(0)} MB (engines ${(row.figures.enginesMb ?? Number.NaN).toFixed(0)} MB), `;
  if (row.aim.kind === 'absolute') return `${ms(row.figures.ms)} ms, `;
  return '';
}

function renderComparison(index: number, c: Comparison): string[] {
  const took = c.durationMs > 0 ? ` [${(c.durationMs / 1000).toFixed(1)} s]` : '';
  const out = [`${index}. ${c.title}${took}`];
  if (c.status !== 'ran') {
    out.push(`   ${c.status === 'skipped' ? 'SKIPPED' : 'ERROR'}: ${c.reason ?? ''}`);
    return out;
  }
  const cols = columns(c);
  const head = ['', ...cols.map((col) => col.head), 'ratio', 'aim', 'verdict'];
  const body: string[][] = [];
  if (c.native) body.push([`${c.native.label} (native)`, ...cols.map((col) => col.value(c.native!.figures)), '1.00x', '', 'baseline']);
  for (const m of c.context ?? []) {
    const ratio = !c.native
      ? '-'
      : c.metric === 'qps'
        ? `${((m.figures.qps ?? Number.NaN) / (c.native.figures.qps ?? Number.NaN)).toFixed(2)}x`
        : `${(m.figures.ms / c.native.figures.ms).toFixed(2)}x`;
    body.push([`${m.label} (context)`, ...cols.map((col) => col.value(m.figures)), ratio, '', 'not judged']);
  }
  for (const row of c.rows) body.push([row.label, ...cols.map((col) => col.value(row.figures)), ratioText(row.ratio), aimText(row.aim), verdict(row)]);
  out.push(...table(head, body).map((l) => `   ${l}`));
  for (const note of c.notes) out.push(`   note: ${note}`);
  return out;
}

export function renderReport(doc: BenchDocument): string {
  const m = doc.machine;
  const load = (l: number[]) => l.map((v) => v.toFixed(2)).join(' ');
  const out = [
    `Benchmarks, ${doc.date} — ${m.cpus} × ${m.cpuModel}, ${m.platform}, Node ${m.node}`,
    `load average at start ${load(m.loadAverageStart)}, at end ${load(m.loadAverageEnd)}` +
      (Math.max(...m.loadAverageStart, ...m.loadAverageEnd) > m.cpus ? '  (busy machine: figures are noisier than usual)' : ''),
    `versions: ${Object.entries(doc.versions)
      .map(([k, v]) => `${k} ${v}`)
      .join('; ')}`,
    '',
  ];
  doc.comparisons.forEach((c, i) => out.push(...renderComparison(i + 1, c), ''));
  out.push(
    'Ratios (ours / native: latency or time to exit, queries per second for the load rows, the whole tree over the engines for memory; the CLI, watch and memory aims are absolute):',
  );
  for (const c of doc.comparisons) {
    if (c.status !== 'ran') {
      out.push(`  ${c.id}: ${c.status}`);
      continue;
    }
    for (const row of c.rows) {
      const against = c.native ? `${ratioText(row.ratio)} vs ${c.native.label}` : 'no native floor';
      out.push(`  ${c.id}: ${row.label}: ${absoluteFigure(row)}${against} — aim ${aimText(row.aim)}: ${verdict(row)}`);
    }
  }
  out.push('', `total bench time ${(doc.durationMs / 1000).toFixed(1)} s`);
  return out.join('\n');
}
