import { describe, expect, it } from 'vitest';
import { failoverGapMetric, loadRampMetric, topSqlFixMetric } from '../../report/metrics.js';

describe('failover gap metric', () => {
  it('charts both of a Lab 3 drill clients as two series', () => {
    const values = failoverGapMetric.extract({
      dnsOnly: { attempts: 60, failures: 30, secondsWithoutService: 3.5, landedOnReader: 24, servers: ['a', 'b'] },
      topologyAware: { attempts: 60, failures: 4, secondsWithoutService: 0.4, landedOnReader: 0, servers: ['a', 'b'] },
    });
    expect(values).toEqual([
      { series: 'DNS-only client', value: 3.5 },
      { series: 'topology-aware client', value: 0.4 },
    ]);
  });

  it("reads Lab 1's probe and Lab 5's flat figure, and nothing from malformed data", () => {
    expect(failoverGapMetric.extract({ probe: { secondsWithoutService: 2 } })).toEqual([{ series: '', value: 2 }]);
    expect(failoverGapMetric.extract({ secondsWithoutService: 1.5 })).toEqual([{ series: '', value: 1.5 }]);
    expect(failoverGapMetric.extract({ dnsOnly: {}, topologyAware: { secondsWithoutService: 'x' } })).toEqual([]);
    expect(failoverGapMetric.extract('nonsense')).toEqual([]);
  });
});

describe('top SQL fix metric', () => {
  it("charts Lab 6's rows-examined factor, and nothing without one", () => {
    expect(topSqlFixMetric.extract({ rowsExaminedFactor: 5001, latencyFactor: 252 })).toEqual([{ series: '', value: 5001 }]);
    expect(topSqlFixMetric.extract({ rowsExaminedFactor: 0 })).toEqual([]);
    expect(topSqlFixMetric.extract(null)).toEqual([]);
  });
});

describe('load ramp metric', () => {
  it('charts the peak ACUs on AWS and the queries per second of the top step', () => {
    const aws = {
      steps: [
        { step: 1, opsPerSecond: 900, capacity: 0.5 },
        { step: 2, opsPerSecond: 1_700, capacity: 2.5 },
        { step: 3, opsPerSecond: 2_100, capacity: 2 },
      ],
    };
    expect(loadRampMetric.extract(aws)).toEqual([
      { series: 'peak ACUs', value: 2.5 },
      { series: 'queries/s at the top step', value: 2_100 },
    ]);
    expect(loadRampMetric.extract({ steps: [{ step: 1, opsPerSecond: 16_000 }] })).toEqual([{ series: 'queries/s at the top step', value: 16_000 }]);
    expect(loadRampMetric.extract({ steps: [] })).toEqual([]);
  });
});
