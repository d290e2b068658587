/**
 * The figures `npm run check -- 6` shows once every exercise passes: the same
 * workload before and after the learner's fix (their own ordersForCustomer on
 * the unindexed table, then after their migrate), as the digests report it,
 * with the throughput over time of each run.
 */
import { CheckFailed } from '../../runner/harness.js';
import { avgMs, brief, isBookkeeping, perCall, totalMs, type DigestRow } from './digests.js';
import type { InsightsHarness, MeasuredWorkload } from './session.js';
import { TIMELINE_BUCKET_MS } from './workload.js';
import { fractionDone } from '../../load/progress.js';
import type { LoadProgress } from '../../load/load-generator.js';

export interface HotStatementFigures {
  statement: string;
  calls: number;
  rowsExaminedPerCall: number;
  rowsSentPerCall: number;
  avgMs: number;
  totalMs: number;
}

export interface TopSqlEntry {
  statement: string;
  calls: number;
  totalMs: number;
  avgMs: number;
  rowsExamined: number;
  rowsSent: number;
  /** Fraction of the workload's total statement time. */
  share: number;
}

export interface WorkloadFigures {
  hot: HotStatementFigures;
  operations: number;
  errors: number;
  elapsedMs: number;
  opsPerSecond: number;
  /** Completed operations per second, one value per bucketMs. */
  timeline: number[];
  topSql: TopSqlEntry[];
}

export interface TopSqlFixMeasurement {
  bucketMs: number;
  before: WorkloadFigures;
  after: WorkloadFigures;
  /** Rows examined per call before ÷ after. */
  rowsExaminedFactor: number;
  /** Average latency of the hot statement before ÷ after. */
  latencyFactor: number;
}

export function topSqlEntries(digests: DigestRow[], limit = 5): TopSqlEntry[] {
  const workload = digests.filter((d) => !isBookkeeping(d.digestText));
  const all = workload.reduce((sum, d) => sum + d.totalPs, 0) || 1;
  return workload.slice(0, limit).map((d) => ({
    statement: brief(d.digestText, 200),
    calls: d.calls,
    totalMs: totalMs(d),
    avgMs: avgMs(d),
    rowsExamined: d.rowsExamined,
    rowsSent: d.rowsSent,
    share: d.totalPs / all,
  }));
}

export function workloadFigures(m: MeasuredWorkload): WorkloadFigures {
  return {
    hot: {
      statement: brief(m.hot.digestText, 200),
      calls: m.hot.calls,
      rowsExaminedPerCall: perCall(m.hot.rowsExamined, m.hot.calls),
      rowsSentPerCall: perCall(m.hot.rowsSent, m.hot.calls),
      avgMs: avgMs(m.hot),
      totalMs: totalMs(m.hot),
    },
    operations: m.run.summary.operations,
    errors: m.run.summary.errors,
    elapsedMs: m.run.summary.elapsedMs,
    opsPerSecond: m.run.summary.opsPerSecond,
    timeline: m.run.timeline,
    topSql: topSqlEntries(m.digests),
  };
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : Number.POSITIVE_INFINITY);

export async function measureTopSqlFix(
  h: InsightsHarness,
  reset: () => Promise<void>,
  /** Told how far each of the two workload runs is (label, fraction done). */
  onProgress?: (label: string, fraction: number) => void,
): Promise<TopSqlFixMeasurement> {
  const watch = (label: string) => (p: LoadProgress) => onProgress?.(label, fractionDone(p) ?? 0);
  await reset();
  const before = workloadFigures(await h.measureWorkload({ hotQuery: h.learnerHotQuery, onProgress: watch('before the fix') }));
  await reset();
  const migrated = await h.migrate();
  if (!migrated.ok) throw new CheckFailed(migrated.error.message);
  const after = workloadFigures(await h.measureWorkload({ hotQuery: h.learnerHotQuery, onProgress: watch('after the fix') }));
  await reset();
  return {
    bucketMs: TIMELINE_BUCKET_MS,
    before,
    after,
    rowsExaminedFactor: ratio(before.hot.rowsExaminedPerCall, after.hot.rowsExaminedPerCall),
    latencyFactor: ratio(before.hot.avgMs, after.hot.avgMs),
  };
}
