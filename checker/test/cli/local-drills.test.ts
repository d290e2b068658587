/**
 * The drills a lab's plug-in declares, on the local target: Lab 1's failover
 * drill end to end (the learner's probe watches the endpoint while the local
 * pair fails over; the pair comes to the drill as the local engines'
 * control), and Lab 4's resume drill, listed as skipped with where it runs.
 */
import { describe, expect, it } from 'vitest';
import type { ResultsDocument } from '../../core/result.js';
import { runCli, STACK_TRACE } from './helpers.js';

describe('npm run check -- 1 --failover-drill (local)', () => {
  it('the reference probe sees the outage and lands on the promoted replica', async () => {
    const run = await runCli('check', ['1', '--target', 'local', '--solutions', '--failover-drill', '--exercise', '02-failover-probe', '--json']);
    expect(run.stderr).not.toMatch(STACK_TRACE);
    const doc = JSON.parse(run.stdout) as ResultsDocument;
    const drill = doc.checks.find((c) => c.id === '01.drill.failover');
    expect(drill?.status, drill?.message).toBe('pass');
    expect(drill?.group).toBe('drill');
    const data = doc.measurements?.failoverDrill as {
      failover: { killedAt: number; repointedAt: number };
      probe: { servers: number[]; attempts: number };
      failoverMs: number;
    };
    expect(data.failoverMs).toBe(data.failover.repointedAt - data.failover.killedAt);
    expect(data.probe.attempts).toBeGreaterThan(0);
    // It started on the primary and ended on the promoted replica.
    expect(new Set(data.probe.servers).size).toBeGreaterThan(1);
    expect(run.code).toBe(0);
  }, 120_000);

  it('fails or errs the drill for the starting file, never passes it', async () => {
    const run = await runCli('check', ['1', '--target', 'local', '--failover-drill', '--exercise', '02-failover-probe', '--json']);
    expect(run.stderr).not.toMatch(STACK_TRACE);
    expect(run.code).toBe(1);
    const doc = JSON.parse(run.stdout) as ResultsDocument;
    const drill = doc.checks.find((c) => c.id === '01.drill.failover');
    expect(['fail', 'error']).toContain(drill?.status);
    expect(drill?.message).toMatch(/probe never began|did not report during the drill|never reached the promoted server/);
  }, 120_000);
});

describe('npm run check -- 4 --resume-drill (local)', () => {
  it('lists the resume drill as skipped, saying it needs AWS, and judges the exercises as usual', async () => {
    const run = await runCli('check', ['4', '--target', 'local', '--solutions', '--resume-drill', '--exercise', '01-load-step', '--json']);
    expect(run.stderr).not.toMatch(STACK_TRACE);
    const doc = JSON.parse(run.stdout) as ResultsDocument;
    const drill = doc.checks.find((c) => c.id === '04.drill.resume');
    expect(drill).toMatchObject({ status: 'skipped', group: 'drill', name: 'resume from pause, timed by your measureResume' });
    expect(drill?.message).toMatch(/needs AWS: a local MariaDB never pauses.*--target aws --resume-drill/);
    expect(doc.checks.filter((c) => c.group === '01-load-step').every((c) => c.status === 'pass')).toBe(true);
    expect(doc.summary.skipped).toBeGreaterThan(0);
    expect(run.code).toBe(0);
  }, 120_000);
});
