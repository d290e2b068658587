import { describe, expect, it } from 'vitest';
import { parseRedisBenchmarkCsv, parseRedisBenchmarkSummary, parseSysbench } from '../parse.js';

const CSV = `"test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
"GET","15576.32","0.061","0.008","0.023","0.039","0.975","94.015"
`;

const SUMMARY = `Summary:
  throughput summary: 16090.10 requests per second
  latency summary (msec):
          avg       min       p50       p95       p99       max
        0.059     0.008     0.023     0.039     1.279    15.311
`;

const SYSBENCH = `SQL statistics:
    queries performed:
        read:                            87364
General statistics:
    total time:                          5.0007s
    total number of events:              87364

Latency (ms):
         min:                                    0.02
         avg:                                    0.06
         max:                                  124.25
         95th percentile:                        0.06
         sum:                                 4959.82
`;

describe('bench parsers', () => {
  it('reads p50 and avg from redis-benchmark --csv', () => {
    expect(parseRedisBenchmarkCsv(CSV)).toEqual({ test: 'GET', rps: 15576.32, avgMs: 0.061, p50Ms: 0.023, p95Ms: 0.039, p99Ms: 0.975 });
    expect(parseRedisBenchmarkCsv('"test","rps"\n"GET","1"\n')).toBeUndefined();
  });

  it('reads the latency summary of the non-quiet output', () => {
    expect(parseRedisBenchmarkSummary(SUMMARY)).toMatchObject({ p50Ms: 0.023, avgMs: 0.059, p99Ms: 1.279, rps: 16090.1 });
    expect(parseRedisBenchmarkSummary('GET: 15000.00 requests per second')).toBeUndefined();
  });

  it('derives the unrounded sysbench average from sum / events', () => {
    const figures = parseSysbench(SYSBENCH);
    expect(figures?.events).toBe(87364);
    expect(figures?.avgPrintedMs).toBe(0.06);
    expect(figures?.avgMs).toBeCloseTo(4959.82 / 87364, 6);
    expect(figures?.percentile).toEqual({ p: 95, ms: 0.06 });
    expect(parseSysbench('FATAL: unable to connect')).toBeUndefined();
  });
});
