/** The ramp chart after a Lab 4 pass: one chart per line over the same steps, capacity only where it was measured. */
import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { renderRamp, renderRampChart, type RampMeasurement } from '../ramp-chart.js';

const local: RampMeasurement = {
  target: 'local',
  plan: { steps: 3, workersPerStep: 4, stepMs: 1_500 },
  steps: [
    { step: 1, workers: 4, operations: 12_000, errors: 0, elapsedMs: 1_500, opsPerSecond: 8_000 },
    { step: 2, workers: 8, operations: 18_000, errors: 1, elapsedMs: 1_500, opsPerSecond: 12_000 },
    { step: 3, workers: 12, operations: 21_000, errors: 0, elapsedMs: 1_500, opsPerSecond: 14_000 },
  ],
  capacity: 'skipped',
  capacityNote: 'ACUs: skipped, needs AWS',
};
const aws: RampMeasurement = {
  ...local,
  target: 'aws',
  capacity: 'measured',
  capacityNote: 'ACUs from CloudWatch',
  steps: local.steps.map((s, i) => ({ ...s, capacity: [0.5, 1, 2.5][i] })),
};

describe('renderRampChart', () => {
  it('charts workers and throughput over the steps, with their maxima on the axis', () => {
    const text = renderRampChart(local);
    expect(text).toContain('workers (concurrent queries)');
    expect(text).toContain('throughput (queries/s)');
    expect(text).toMatch(/^\s+12 ┼/m);
    expect(text).toMatch(/^\s+14,000 ┼/m);
    expect(text).toMatch(/step 1\s+step 2\s+step 3/);
    expect(text).not.toContain('ACUs');
  });

  it('adds the capacity chart when every step has a capacity', () => {
    const text = renderRampChart(aws);
    expect(text).toContain('capacity (ACUs, ServerlessDatabaseCapacity)');
    expect(text).toMatch(/^\s+2\.5 ┼/m);
  });

  it('says so when the ramp ran no steps', () => {
    expect(renderRampChart({ ...local, steps: [] })).toBe('  (the ramp ran no steps)');
  });
});

describe('renderRamp', () => {
  it('follows the chart with a row per step and the capacity note', () => {
    const text = renderRamp(new Chalk({ level: 0 }), local);
    expect(text).toContain('Your load ramp (local target, measured now): 3 steps of 4 more workers, 1.5 s each');
    expect(text).toMatch(/^\s+2\s+8\s+18,000\s+1\s+12,000\s+-\s+-\s+-$/m);
    expect(text).toContain('ACUs: skipped, needs AWS');
    expect(renderRamp(new Chalk({ level: 0 }), aws)).toMatch(/^\s+3\s+12\s+21,000\s+0\s+14,000\s+-\s+-\s+2\.5$/m);
    const timed = { ...local, steps: local.steps.map((s) => ({ ...s, p50Ms: 0.4, p95Ms: 12.3 })) };
    expect(renderRamp(new Chalk({ level: 0 }), timed)).toMatch(/^\s+2\s+8\s+18,000\s+1\s+12,000\s+0\.40\s+12\s+-$/m);
  });
});
