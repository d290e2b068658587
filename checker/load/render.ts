/** The end-of-run summary of a load run, as plain text for a terminal or a log. */
import type { LatencySummary, LoadSummary } from './load-generator.js';

const ms = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
const grouped = (n: number) => Math.round(n).toLocaleString('en-US');

function latencyRow(label: string, l: LatencySummary, width: number): string {
  return `  ${label.padEnd(width)}  ${grouped(l.count).padStart(9)}  ${grouped(l.errors).padStart(7)}  ${[l.p50Ms, l.p95Ms, l.p99Ms, l.maxMs, l.meanMs].map((v) => ms(v).padStart(7)).join('  ')}`;
}

export function renderLoadSummary(s: LoadSummary): string {
  const seconds = s.elapsedMs / 1000;
  const out = [
    `${s.aborted ? 'Stopped early (aborted)' : 'Load run finished'}: ${s.workers} worker${s.workers === 1 ? '' : 's'}, ${seconds.toFixed(1)} s`,
    `  throughput  ${grouped(s.opsPerSecond)} operations/s (${grouped(s.operations)} operations${s.queriesPerSecond !== undefined && Math.round(s.queriesPerSecond) !== Math.round(s.opsPerSecond) ? `; ${grouped(s.queriesPerSecond)} queries/s` : ''})`,
    `  errors      ${grouped(s.errors)}${s.operations > 0 ? ` (${((100 * s.errors) / s.operations).toFixed(2)}% of operations)` : ''}`,
    `  latency     p50 ${ms(s.latency.p50Ms)} ms, p95 ${ms(s.latency.p95Ms)} ms, p99 ${ms(s.latency.p99Ms)} ms, max ${ms(s.latency.maxMs)} ms`,
  ];
  const names = Object.keys(s.byStatement);
  if (names.length > 1) {
    const width = Math.max(9, ...names.map((n) => n.length));
    out.push(
      '',
      `  ${'statement'.padEnd(width)}  ${'ops'.padStart(9)}  ${'errors'.padStart(7)}  ${['p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'mean ms'].map((h) => h.padStart(7)).join('  ')}`,
    );
    for (const name of names) out.push(latencyRow(name, s.byStatement[name], width));
  }
  if (s.firstErrors.length > 0) {
    out.push('', '  first errors:');
    for (const e of s.firstErrors) out.push(`    - ${e}`);
  }
  return out.join('\n');
}
