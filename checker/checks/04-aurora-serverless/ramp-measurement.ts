/**
 * After Lab 4 passes: the learner's rampLoad run once more on the target, with
 * the real capacity reading, and described by what the checker's Db saw
 * (queries in flight, queries per step), not by what the learner reported.
 */
import type { RampPlan } from '../../exercise-api.js';
import type { RampMeasurement, RampStepFigures } from '../../load/ramp-chart.js';
import type { LoadWindow } from './load-db.js';
import type { ServerlessHarness } from './session.js';

/** Figures of each step from the windows the capacity samples cut. */
export function stepFigures(windows: LoadWindow[], samples: Array<number | undefined>, started: number): RampStepFigures[] {
  return windows.map((w, i) => {
    const from = w.firstStart ?? (i === 0 ? started : windows[i - 1].closedAt);
    const elapsedMs = Math.max(0, w.closedAt - from);
    return {
      step: i + 1,
      workers: w.peak,
      operations: w.queries,
      errors: w.failed,
      elapsedMs: Math.round(elapsedMs),
      opsPerSecond: elapsedMs > 0 ? Math.round((w.queries * 1000) / elapsedMs) : 0,
      ...(w.p50Ms !== undefined && w.p95Ms !== undefined ? { p50Ms: w.p50Ms, p95Ms: w.p95Ms } : {}),
      ...(typeof samples[i] === 'number' ? { capacity: samples[i] } : {}),
    };
  });
}

export async function measureRamp(h: ServerlessHarness, plan: RampPlan, onStep?: (done: number, total: number) => void): Promise<RampMeasurement> {
  const { ctx, windows, samples } = h.context();
  const sample = ctx.sampleCapacity;
  // Each capacity sample ends a step: the learner's ramp tells us how far it is.
  ctx.sampleCapacity = async () => {
    const value = await sample();
    onStep?.(samples.length, plan.steps);
    return value;
  };
  const started = performance.now();
  try {
    await h.callFor(plan.steps * plan.stepMs + 10_000, 'rampLoad', ctx, plan);
  } finally {
    await h.release();
  }
  const measured = samples.length > 0 && samples.every((v) => typeof v === 'number');
  return {
    target: h.target,
    plan,
    steps: stepFigures(windows, samples, started),
    capacity: measured ? 'measured' : 'skipped',
    capacityNote:
      h.target === 'local'
        ? 'ACUs: skipped, needs AWS (a local MariaDB has no capacity to scale). On --target aws each step carries ServerlessDatabaseCapacity sampled right after it.'
        : measured
          ? 'ACUs: ServerlessDatabaseCapacity from CloudWatch, sampled right after each step (one-minute points: capacity follows load with a lag).'
          : 'ACUs: CloudWatch had no ServerlessDatabaseCapacity point yet for some steps (it publishes one-minute points); run the ramp again in a minute.',
  };
}
