/**
 * Lab 3's local failover drill end to end: the learner's two clients probe
 * while the local cluster moves its writer behind a stale cluster endpoint.
 */
import { describe, expect, it } from 'vitest';
import type { ResultsDocument } from '../../core/result.js';
import { runCli, STACK_TRACE } from './helpers.js';

interface Report {
  attempts: number;
  failures: number;
  secondsWithoutService: number;
  landedOnReader: number;
  servers: string[];
}

describe('npm run check -- 3 --failover-drill (local)', () => {
  it('shows the DNS-only client landing on the old writer while the topology-aware one follows the new writer', async () => {
    const run = await runCli('check', ['3', '--target', 'local', '--solutions', '--failover-drill', '--exercise', '03-topology-aware', '--json']);
    expect(run.stderr).not.toMatch(STACK_TRACE);
    const doc = JSON.parse(run.stdout) as ResultsDocument;
    const drill = doc.checks.find((c) => c.id === '03.drill.failover');
    expect(drill?.status, drill?.message).toBe('pass');
    const data = doc.measurements?.failoverDrill as { dnsOnly: Report; topologyAware: Report; failover: { from: string; to: string } };
    expect(data.failover.from).not.toBe(data.failover.to);
    // The stale cluster endpoint leads the DNS-only client to the old writer, now a reader.
    expect(data.dnsOnly.landedOnReader).toBeGreaterThan(0);
    expect(data.topologyAware.landedOnReader).toBe(0);
    expect(data.topologyAware.servers.at(-1)).toBe(data.failover.to);
    expect(data.topologyAware.secondsWithoutService).toBeLessThan(data.dnsOnly.secondsWithoutService);
    expect(run.code).toBe(0);
  }, 120_000);

  it('fails the drill for the starting files, with a hint to finish the exercises', async () => {
    const run = await runCli('check', ['3', '--target', 'local', '--failover-drill', '--exercise', '03-topology-aware', '--json']);
    expect(run.code).toBe(1);
    const doc = JSON.parse(run.stdout) as ResultsDocument;
    const drill = doc.checks.find((c) => c.id === '03.drill.failover');
    expect(drill?.status).toBe('fail');
    expect(drill?.message).toMatch(/never reached the new writer|made no attempts|could not run your clients/);
    expect(drill?.hint).toMatch(/exercise|SERVER_ID/);
  }, 120_000);
});
