import { describe, expect, it } from 'vitest';
import { asDrillComparison, formatDrillComparison, judgeDrill, type ClientReport } from '../../checks/03-aurora-cluster/drill-report.js';

const dns: ClientReport = { attempts: 60, failures: 21, secondsWithoutService: 24.3, landedOnReader: 6, servers: ['dtl03-writer', 'dtl03-reader-1'] };
const aware: ClientReport = { attempts: 60, failures: 5, secondsWithoutService: 6.1, landedOnReader: 0, servers: ['dtl03-writer', 'dtl03-reader-1'] };

describe('formatDrillComparison', () => {
  it('puts both clients side by side, one figure a row, columns aligned', () => {
    const lines = formatDrillComparison(dns, aware).split('\n');
    expect(lines[0]).toMatch(/DNS only\s+topology-aware$/);
    const row = (label: string) =>
      lines
        .find((l) => l.startsWith(label))!
        .slice(label.length)
        .trim()
        .split(/\s{2,}/);
    expect(row('seconds without service')).toEqual(['24.3', '6.1']);
    expect(row('failed attempts')).toEqual(['21 of 60', '5 of 60']);
    expect(row('landed on a reader (stale DNS)')).toEqual(['6', '0']);
    // every table row ends in the same column
    const ends = lines.slice(0, 5).map((l) => l.length);
    expect(new Set(ends).size).toBe(1);
    expect(lines).toContain('topology-aware: dtl03-writer -> dtl03-reader-1');
  });
});

describe('judgeDrill', () => {
  it('passes a client that followed the writer and never wrote to a reader', () => {
    const v = judgeDrill({ dnsOnly: dns, topologyAware: aware });
    expect(v.status).toBe('pass');
    expect(v.message).toContain('18.2 s less than the DNS-only client');
  });

  it('fails a client that landed on a reader', () => {
    const v = judgeDrill({ dnsOnly: dns, topologyAware: { ...aware, landedOnReader: 2 } });
    expect(v).toMatchObject({ status: 'fail' });
    expect(v.message).toContain('reached a reader 2 times');
  });

  it('fails a client that stayed on the old writer', () => {
    const v = judgeDrill({ dnsOnly: dns, topologyAware: { ...aware, servers: ['dtl03-writer'] } });
    expect(v.status).toBe('fail');
    expect(v.message).toContain('never reached the new writer');
  });

  it('fails a client that made no attempts, saying why when it could not be created', () => {
    expect(judgeDrill({ dnsOnly: dns, topologyAware: { ...aware, attempts: 0 } }).status).toBe('fail');
    const v = judgeDrill({ dnsOnly: dns, topologyAware: { ...aware, attempts: 0, servers: [], error: 'findWriter is not a function' } });
    expect(v.message).toContain('made no attempts during the drill: findWriter is not a function');
  });

  it('accepts only a measurement with both reports', () => {
    expect(asDrillComparison({ dnsOnly: dns, topologyAware: aware })).toEqual({ dnsOnly: dns, topologyAware: aware });
    expect(asDrillComparison({ dnsOnly: dns })).toBeUndefined();
    expect(asDrillComparison({ dnsOnly: dns, topologyAware: { ...aware, servers: 'x' } })).toBeUndefined();
    expect(asDrillComparison(undefined)).toBeUndefined();
  });
});
