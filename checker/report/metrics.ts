/**
 * The measured figures the report knows how to chart, one entry per kind of
 * measurement a lab writes into `measurements`. A new lab adds an entry here
 * (its failover gap, its replica lag); the charts need nothing else.
 */
import type { ClassLearner } from './collect.js';

export interface MetricValue {
  /** One chart per series, e.g. the comparison label of a cache speed-up; '' when the metric has one value. */
  series: string;
  value: number;
}

export interface MetricDefinition {
  /** The key under `measurements` in a results document. */
  key: string;
  title: string;
  /** What the value axis shows, with its unit. */
  axisLabel: string;
  format: (value: number) => string;
  better: 'higher' | 'lower';
  /** How the figure was measured, in one sentence for the instructor. */
  explanation: string;
  /** Why a learner may have no figure. */
  whenMissing: string;
  /** The values in one learner's measurement; [] for anything unexpected. */
  extract: (measurement: unknown) => MetricValue[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function trimmed(value: number, digits: number): string {
  return value.toFixed(digits).replace(/\.?0+$/, '');
}

export const cacheSpeedupMetric: MetricDefinition = {
  key: 'cacheSpeedup',
  title: 'Cache speed-up at p50',
  axisLabel: 'times faster (database p50 ÷ cache-hit p50)',
  format: (v) => `${v >= 100 ? Math.round(v) : v >= 10 ? trimmed(v, 1) : trimmed(v, 2)}×`,
  better: 'higher',
  explanation: "The learner's own cacheAside against the database path: the median database time divided by the median cache-hit time.",
  whenMissing: 'the checker measures it only when every exercise of the lab passed',
  extract(measurement) {
    if (!isRecord(measurement) || !Array.isArray(measurement.comparisons)) return [];
    return measurement.comparisons.flatMap((c: unknown) => {
      if (!isRecord(c) || typeof c.label !== 'string') return [];
      const db = isRecord(c.database) ? c.database.p50 : undefined;
      // The hit's own time (the crossing into the learner's process taken off) where the file has it.
      const hit = finite(c.cacheOwnMs) ? c.cacheOwnMs : isRecord(c.cache) ? c.cache.p50 : undefined;
      const value = finite(db) && finite(hit) && hit > 0 ? db / hit : c.speedup;
      return finite(value) && value > 0 ? [{ series: c.label, value }] : [];
    });
  },
};

export const failoverGapMetric: MetricDefinition = {
  key: 'failoverDrill',
  title: 'Failover drill: time without service',
  axisLabel: 'seconds the probe got no answer',
  format: (v) => `${trimmed(v, 1)} s`,
  better: 'lower',
  explanation:
    "During a failover drill a probe (Labs 1 and 5) or the learner's two clients (Lab 3: DNS-only and topology-aware) kept asking the writer; this is the total time without an answer from it.",
  whenMissing: 'the drill is optional (npm run check -- N --failover-drill; on AWS after a confirmation)',
  extract(measurement) {
    if (!isRecord(measurement)) return [];
    if (isRecord(measurement.dnsOnly) && isRecord(measurement.topologyAware)) {
      const pairs: Array<[string, unknown]> = [
        ['DNS-only client', measurement.dnsOnly.secondsWithoutService],
        ['topology-aware client', measurement.topologyAware.secondsWithoutService],
      ];
      return pairs.flatMap(([series, value]) => (finite(value) ? [{ series, value }] : []));
    }
    const seconds = isRecord(measurement.probe) ? measurement.probe.secondsWithoutService : measurement.secondsWithoutService;
    return finite(seconds) ? [{ series: '', value: seconds }] : [];
  },
};

export const topSqlFixMetric: MetricDefinition = {
  key: 'topSqlFix',
  title: 'Top SQL fix: rows examined per call, before ÷ after',
  axisLabel: 'times fewer rows examined by the hot statement',
  format: (v) => `${v >= 100 ? Math.round(v) : trimmed(v, 1)}×`,
  better: 'higher',
  explanation: "The workload ran before and after the learner's fix; the statement digests gave the hot query's rows examined per call each time.",
  whenMissing: 'the checker measures it only when every exercise of Lab 6 passed',
  extract(measurement) {
    if (!isRecord(measurement)) return [];
    const factor = measurement.rowsExaminedFactor;
    return finite(factor) && factor > 0 ? [{ series: '', value: factor }] : [];
  },
};

export const loadRampMetric: MetricDefinition = {
  key: 'loadRamp',
  title: 'Load ramp: peak ACUs (AWS) and queries per second at the top step',
  axisLabel: 'ACUs at the busiest step, or queries per second',
  format: (v) => (v >= 100 ? Math.round(v).toLocaleString('en-US') : trimmed(v, 1)),
  better: 'higher',
  explanation:
    "The learner's rampLoad ran once more after every check passed; on AWS the highest ServerlessDatabaseCapacity sampled, and (both targets) the queries per second of the last step.",
  whenMissing: 'the checker measures it only when every exercise of Lab 4 passed',
  extract(measurement) {
    if (!isRecord(measurement) || !Array.isArray(measurement.steps) || measurement.steps.length === 0) return [];
    const steps = measurement.steps.filter(isRecord);
    const capacities = steps.map((s) => s.capacity).filter(finite);
    const last = steps.at(-1)?.opsPerSecond;
    return [
      ...(capacities.length > 0 ? [{ series: 'peak ACUs', value: Math.max(...capacities) }] : []),
      ...(finite(last) ? [{ series: 'queries/s at the top step', value: last }] : []),
    ];
  },
};

/** Every figure the report charts, in the order the charts appear. */
export const METRICS: MetricDefinition[] = [cacheSpeedupMetric, failoverGapMetric, loadRampMetric, topSqlFixMetric];

export interface FigurePoint {
  learner: string;
  value: number;
}

export interface FigureSeries {
  metric: MetricDefinition;
  lab: number;
  series: string;
  points: FigurePoint[];
  /** Learners whose file has the lab but no such figure (measured only after every exercise passed, or not run). */
  missing: string[];
  median: number;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** One series per (lab, metric, series name), with a value per learner who has one, in class order. */
export function classFigures(learners: ClassLearner[], metrics: MetricDefinition[] = METRICS): FigureSeries[] {
  const out: FigureSeries[] = [];
  const labs = [...new Set(learners.flatMap((l) => l.labs.map((d) => d.lab)))].sort((a, b) => a - b);
  for (const lab of labs) {
    for (const metric of metrics) {
      const byLearner = learners.map((l) => {
        const doc = l.labs.find((d) => d.lab === lab);
        return { learner: l.name, hasLab: Boolean(doc), values: doc ? metric.extract(doc.measurements?.[metric.key]) : [] };
      });
      const names = [...new Set(byLearner.flatMap((b) => b.values.map((v) => v.series)))];
      for (const series of names) {
        const points = byLearner.flatMap((b) =>
          b.values
            .filter((v) => v.series === series)
            .slice(0, 1)
            .map((v) => ({ learner: b.learner, value: v.value })),
        );
        const missing = byLearner.filter((b) => b.hasLab && !b.values.some((v) => v.series === series)).map((b) => b.learner);
        out.push({ metric, lab, series, points, missing, median: median(points.map((p) => p.value)) });
      }
    }
  }
  return out;
}
