/** The throughput comparisons: sysbench's per-second figures read, ratios judged as higher-is-better, and the qps table. */
import { describe, expect, it } from 'vitest';
import { judgeThroughput, verdict, type BenchDocument } from '../model.js';
import { parseSysbench } from '../parse.js';
import { renderReport } from '../render.js';
import { loadQps } from '../load-compare.js';

const READ_WRITE = `SQL statistics:
    queries performed:
        read:                            65716
        write:                           18776
        other:                           9388
        total:                           93880
    transactions:                        4694   (1563.97 per sec.)
    queries:                             93880  (31279.40 per sec.)
    ignored errors:                      3      (1.00 per sec.)
    reconnects:                          0      (0.00 per sec.)

General statistics:
    total time:                          3.0013s
    total number of events:              4694

Latency (ms):
         min:                                    1.52
         avg:                                    2.55
         max:                                   31.02
         95th percentile:                        4.10
         sum:                                11985.11
`;

describe('load comparisons', () => {
  it('reads transactions, queries per second and ignored errors from sysbench', () => {
    const f = parseSysbench(READ_WRITE);
    expect(f).toMatchObject({ events: 4694, tps: 1563.97, queries: 93880, qps: 31279.4, ignoredErrors: 3 });
  });

  it('counts only successful operations towards our queries per second', () => {
    const summary = { operations: 1_010, errors: 10, elapsedMs: 2_000 } as Parameters<typeof loadQps>[0];
    expect(loadQps(summary, 20)).toBe(10_000);
    expect(loadQps(summary, 1)).toBe(500);
  });

  it('judges throughput as higher-is-better against a minimum ratio', () => {
    const measured = { label: 'ours', how: 'runLoad', figures: { ms: 0.3, qps: 7_000 } };
    const within = judgeThroughput(measured, 10_000, { kind: 'min-ratio', min: 0.7 });
    expect(within.ratio).toBeCloseTo(0.7, 9);
    expect(within.withinAim).toBe(true);
    const below = judgeThroughput({ ...measured, figures: { ms: 0.3, qps: 6_000 } }, 10_000, { kind: 'min-ratio', min: 0.7 });
    expect(below.withinAim).toBe(false);
    expect(verdict(below)).toBe('below aim');
  });

  it('renders a queries/s table and the ratio line', () => {
    const row = judgeThroughput(
      { label: 'runLoad, 4 workers', how: 'x', figures: { ms: 0.35, avgMs: 0.35, p95Ms: 0.5, qps: 11_500, samples: 98_000 } },
      19_660,
      { kind: 'min-ratio', min: 0.7 },
    );
    const doc: BenchDocument = {
      kind: 'data-tier-labs-bench',
      date: '2026-11-22T00:00:00.000Z',
      machine: { cpus: 2, cpuModel: 'cpu', platform: 'linux/x64', node: 'v20', loadAverageStart: [1], loadAverageEnd: [1] },
      versions: {},
      comparisons: [
        {
          id: 'load-point-select',
          title: 'Load generator vs sysbench',
          metric: 'qps',
          status: 'ran',
          native: { label: 'sysbench oltp_point_select', how: 'y', figures: { ms: 0.2, avgMs: 0.2, qps: 19_660, samples: 177_000 } },
          rows: [row],
          notes: [],
          durationMs: 1_000,
        },
      ],
      durationMs: 1_000,
    };
    const text = renderReport(doc);
    expect(text).toMatch(/queries\/s\s+avg ms/);
    expect(text).toMatch(/sysbench oltp_point_select \(native\)\s+19,660/);
    expect(text).toMatch(/runLoad, 4 workers\s+11,500\s+0\.350.*0\.58x\s+≥ 0\.7x\s+below aim/);
    expect(text).toContain('load-point-select: runLoad, 4 workers: 0.58x vs sysbench oltp_point_select — aim ≥ 0.7x: below aim');
  });
});
