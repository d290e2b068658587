/**
 * A load ramp as a person reads it after `npm run check -- 4`: workers,
 * throughput and (on AWS) capacity per step, as small charts over the same
 * steps so the shapes line up, then the figures themselves.
 */
import asciichart from 'asciichart';
import type { ChalkInstance } from 'chalk';

export interface RampStepFigures {
  step: number;
  /** Queries in flight at once, as the checker's Db saw them. */
  workers: number;
  operations: number;
  errors: number;
  elapsedMs: number;
  opsPerSecond: number;
  /** ACUs sampled right after the step; absent where there is no capacity to read. */
  capacity?: number;
  /** Latency of the step's queries (ms), as the checker timed them. */
  p50Ms?: number;
  p95Ms?: number;
}

export interface RampMeasurement {
  target: 'local' | 'aws';
  plan: { steps: number; workersPerStep: number; stepMs: number };
  steps: RampStepFigures[];
  /** 'measured', or why the capacity column is empty. */
  capacity: 'measured' | 'skipped';
  capacityNote: string;
}

const grouped = (n: number) => Math.round(n).toLocaleString('en-US');
/** Columns each step takes on the chart, so a step reads as a plateau. */
const STEP_WIDTH = 12;

function stepwise(values: number[]): number[] {
  return values.flatMap((v) => Array.from({ length: STEP_WIDTH }, () => v));
}

/** One small chart per line (workers, queries/s, ACUs), on the same step axis, so they read without colour. */
export function renderRampChart(m: RampMeasurement, options: { color?: boolean; height?: number } = {}): string {
  if (m.steps.length === 0) return '  (the ramp ran no steps)';
  const capacity = m.steps.map((s) => s.capacity);
  const withCapacity = capacity.every((v): v is number => typeof v === 'number');
  const lines: Array<{ title: string; values: number[]; tone: string; format: (x: number) => string }> = [
    { title: 'workers (concurrent queries)', values: m.steps.map((s) => s.workers), tone: asciichart.blue, format: (x) => x.toFixed(0) },
    { title: 'throughput (queries/s)', values: m.steps.map((s) => s.opsPerSecond), tone: asciichart.green, format: grouped },
    ...(withCapacity
      ? [{ title: 'capacity (ACUs, ServerlessDatabaseCapacity)', values: capacity as number[], tone: asciichart.magenta, format: (x: number) => x.toFixed(1) }]
      : []),
  ];
  const axis = `${' '.repeat(10)}${m.steps.map((s) => `step ${s.step}`.padEnd(STEP_WIDTH)).join('')}`;
  const out: string[] = [];
  for (const line of lines) {
    out.push(`  ${line.title}`);
    out.push(
      asciichart.plot(stepwise(line.values), {
        height: options.height ?? 4,
        min: 0,
        max: Math.max(1, ...line.values),
        colors: options.color ? [line.tone] : undefined,
        format: (x) => line.format(x).padStart(8),
      }),
    );
  }
  out.push(axis);
  return out.join('\n');
}

export function renderRamp(c: ChalkInstance, m: RampMeasurement): string {
  const out = [
    `\n${c.bold(`Your load ramp (${m.target} target, measured now): ${m.plan.steps} steps of ${m.plan.workersPerStep} more workers, ${(m.plan.stepMs / 1000).toFixed(1)} s each`)}`,
  ];
  out.push(renderRampChart(m, { color: c.level > 0 }));
  const latency = (v: number | undefined) => (v === undefined ? '-' : v < 10 ? v.toFixed(2) : v.toFixed(0));
  out.push(
    '',
    `  ${'step'.padEnd(6)}${'workers'.padStart(8)}${'queries'.padStart(10)}${'errors'.padStart(8)}${'queries/s'.padStart(11)}${'p50 ms'.padStart(9)}${'p95 ms'.padStart(9)}${'ACUs'.padStart(8)}`,
  );
  for (const s of m.steps) {
    out.push(
      `  ${String(s.step).padEnd(6)}${String(s.workers).padStart(8)}${grouped(s.operations).padStart(10)}${grouped(s.errors).padStart(8)}${grouped(s.opsPerSecond).padStart(11)}${latency(s.p50Ms).padStart(9)}${latency(s.p95Ms).padStart(9)}${(s.capacity === undefined ? '-' : String(s.capacity)).padStart(8)}`,
    );
  }
  out.push(`  ${c.dim(m.capacityNote)}`);
  return out.join('\n');
}
