/** Exact percentiles, the progress line and the summary text of a load run. */
import { describe, expect, it } from 'vitest';
import { LatencyRecorder } from '../latency.js';
import { fractionDone, progressLine, startProgressBar } from '../progress.js';
import { renderLoadSummary } from '../render.js';
import type { LoadSummary } from '../load-generator.js';

describe('LatencyRecorder', () => {
  it('gives nearest-rank percentiles over successes and counts errors apart', () => {
    const r = new LatencyRecorder();
    for (let ms = 100; ms >= 1; ms -= 1) r.record(ms);
    r.recordError();
    r.recordError();
    const s = r.summary();
    expect(s).toEqual({ count: 102, errors: 2, p50Ms: 50, p95Ms: 95, p99Ms: 99, maxMs: 100, meanMs: 50.5 });
  });

  it('grows past its first buffer and merges recorders', () => {
    const a = new LatencyRecorder();
    const b = new LatencyRecorder();
    for (let i = 0; i < 5_000; i += 1) a.record(1);
    for (let i = 0; i < 5_000; i += 1) b.record(3);
    b.recordError();
    const m = LatencyRecorder.merge([a, b]).summary();
    expect(m.count).toBe(10_001);
    expect(m.errors).toBe(1);
    expect(m.p50Ms).toBe(1);
    expect(m.p95Ms).toBe(3);
    expect(m.meanMs).toBe(2);
  });

  it('reports zeros, not NaN, when nothing succeeded', () => {
    const r = new LatencyRecorder();
    r.recordError();
    expect(r.summary()).toMatchObject({ count: 1, errors: 1, p50Ms: 0, p99Ms: 0, meanMs: 0 });
  });
});

describe('progress', () => {
  const p = { elapsedMs: 2_500, operations: 1_234, errors: 2, opsPerSecond: 480.4, workers: 8, durationMs: 10_000 };

  it('measures progress by time or by operations, whichever is further', () => {
    expect(fractionDone(p)).toBe(0.25);
    expect(fractionDone({ ...p, durationMs: undefined, targetOperations: 2_468 })).toBe(0.5);
    expect(fractionDone({ ...p, targetOperations: 2_468 })).toBe(0.5);
    expect(fractionDone({ ...p, durationMs: undefined })).toBeUndefined();
  });

  it('draws a bar with time, operations, rate, workers and errors', () => {
    const line = progressLine(p, 20, 'step 1/3');
    expect(line).toContain('step 1/3 [#####...............]  25%');
    expect(line).toContain('2.5/10 s');
    expect(line).toContain('1,234 ops');
    expect(line).toContain('480 ops/s');
    expect(line).toContain('8 workers');
    expect(line).toContain('2 errors');
  });

  it('writes nothing when the stream is not a terminal, or when told to be quiet', () => {
    const written: string[] = [];
    const stream = { isTTY: false, write: (s: string) => written.push(s) } as unknown as NodeJS.WriteStream;
    const bar = startProgressBar({ stream });
    bar.onProgress(p);
    bar.stop();
    const tty = { isTTY: true, columns: 200, write: (s: string) => written.push(s) } as unknown as NodeJS.WriteStream;
    const quiet = startProgressBar({ stream: tty, quiet: true });
    quiet.onProgress(p);
    expect(written).toEqual([]);
  });

  it('redraws one line in place on a terminal and clears it when stopped', () => {
    const written: string[] = [];
    const tty = { isTTY: true, columns: 200, write: (s: string) => written.push(s) } as unknown as NodeJS.WriteStream;
    const saved = process.env.CI;
    delete process.env.CI;
    try {
      const bar = startProgressBar({ stream: tty });
      bar.onProgress(p);
      bar.onProgress({ ...p, elapsedMs: 5_000 });
      bar.stop();
    } finally {
      if (saved !== undefined) process.env.CI = saved;
    }
    expect(written).toHaveLength(3);
    expect(written.every((w) => w.startsWith('\r') && !w.includes('\n'))).toBe(true);
    expect(written[1]).toContain(' 50%');
    expect(written[2]).toBe('\r\x1b[K');
  });
});

describe('renderLoadSummary', () => {
  const latency = { count: 1_000, errors: 10, p50Ms: 0.42, p95Ms: 1.5, p99Ms: 12.25, maxMs: 130, meanMs: 0.6 };
  const summary: LoadSummary = {
    workers: 4,
    operations: 1_000,
    errors: 10,
    elapsedMs: 2_000,
    opsPerSecond: 500,
    latency,
    byStatement: { 'point-select': { ...latency, count: 800, errors: 0 }, 'index-update': { ...latency, count: 200 } },
    firstErrors: ['ER_LOCK_DEADLOCK: Deadlock found'],
    aborted: false,
  };

  it('states throughput, errors and p50/p95/p99, with a row per statement', () => {
    const text = renderLoadSummary(summary);
    expect(text).toContain('4 workers, 2.0 s');
    expect(text).toContain('500 operations/s (1,000 operations)');
    expect(text).toContain('10 (1.00% of operations)');
    expect(text).toContain('p50 0.42 ms, p95 1.50 ms, p99 12.3 ms, max 130 ms');
    expect(text).toMatch(/point-select\s+800\s+0/);
    expect(text).toMatch(/index-update\s+200\s+10/);
    expect(text).toContain('- ER_LOCK_DEADLOCK: Deadlock found');
  });

  it('says when the run was aborted', () => {
    expect(renderLoadSummary({ ...summary, aborted: true })).toMatch(/^Stopped early \(aborted\)/);
  });
});
