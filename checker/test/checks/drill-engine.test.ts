/**
 * The drill engine every AWS failover drill runs on (checks/drill.ts): one
 * refusal type, the probe loop with its polls and outage windows, and the
 * event pages. A fake clock, so nothing waits.
 */
import { describe, expect, it } from 'vitest';
import { RdsDrillRefused } from '../../checks/01-rds-multi-az/failover-drill.js';
import { AuroraDrillRefused } from '../../checks/03-aurora-cluster/failover-drill.js';
import { DrillRefused as CacheDrillRefused } from '../../checks/05-elasticache-redis/failover-drill.js';
import { DrillRefused, probeUntilDone, readEventPages, runProbe, unlessRefused, type ProbeLoopOptions } from '../../checks/drill.js';

function clock() {
  let t = 0;
  return { now: () => t, sleep: async (ms: number) => void (t += ms) };
}

function loop<S>(over: Partial<ProbeLoopOptions<S>> & Pick<ProbeLoopOptions<S>, 'probe' | 'poll' | 'done'>): ProbeLoopOptions<S> {
  const c = clock();
  return {
    pollCall: { action: 'rds:DescribeDBInstances' },
    started: 0,
    probeIntervalMs: 1000,
    pollIntervalMs: 5000,
    probeTimeoutMs: 500,
    maxDurationMs: 60_000,
    settleMs: 10_000,
    ...c,
    ...over,
  };
}

describe('one refusal type', () => {
  it("every lab's refusal is a DrillRefused, told apart by instanceof", () => {
    for (const Refused of [RdsDrillRefused, AuroraDrillRefused, CacheDrillRefused]) {
      const err = new Refused('not-confirmed', 'cancelled');
      expect(err).toBeInstanceOf(DrillRefused);
      expect(err.exitCode).toBe(1);
    }
  });

  it('unlessRefused says a refusal and leaves no result; any other error passes through', async () => {
    const said: string[] = [];
    expect(
      await unlessRefused(
        async () => Promise.reject(new DrillRefused('single-az', 'no standby')),
        (l) => said.push(l),
      ),
    ).toBeUndefined();
    expect(said).toEqual(['no standby']);
    const impostor = Object.assign(new Error('looks refused'), { name: 'DrillRefused' });
    await expect(
      unlessRefused(
        async () => Promise.reject(impostor),
        (l) => said.push(l),
      ),
    ).rejects.toBe(impostor);
    expect(
      await unlessRefused(
        async () => 42,
        (l) => said.push(l),
      ),
    ).toBe(42);
  });
});

describe('runProbe', () => {
  it('an answer is ok; a rejection, a false outcome or a timeout is not', async () => {
    expect(await runProbe(async () => ({ ok: true, serverId: 7 }), 100)).toEqual({ ok: true, serverId: 7 });
    expect(await runProbe(async () => ({ ok: false }), 100)).toEqual({ ok: false, error: 'probe reported failure' });
    expect((await runProbe(async () => Promise.reject(new Error('ECONNREFUSED')), 100)).error).toContain('ECONNREFUSED');
    expect((await runProbe(() => new Promise(() => undefined), 20)).error).toBe('no answer within 20 ms');
  });
});

describe('probeUntilDone', () => {
  it('polls every poll interval, stops at the first answer after done, and measures the outage', async () => {
    const polls: number[] = [];
    // Down from second 2 to second 8; the state is done from the third poll (second 10).
    const c = clock();
    const o = loop<number>({
      ...c,
      probe: async () => ({ ok: !(c.now() >= 2000 && c.now() < 8000) }),
      poll: async () => {
        polls.push(c.now());
        return polls.length;
      },
      done: (n) => n >= 3,
    });
    const out = await probeUntilDone(o);
    expect(polls).toEqual([0, 5000, 10000]);
    expect(out.completed).toBe(true);
    expect(out.withoutMs).toBe(6000);
    expect(out.longestMs).toBe(6000);
    expect(out.probes).toEqual({ ok: 5, failed: 6 });
    expect(out.errors[0]).toEqual({ atSecond: 2, message: 'probe reported failure' });
  });

  it('gives up after the maximum duration when the state never becomes done', async () => {
    const out = await probeUntilDone(loop<number>({ probe: async () => ({ ok: true }), poll: async () => 1, done: () => false, maxDurationMs: 3000 }));
    expect(out.completed).toBe(false);
    expect(out.finished).toBe(3000);
    expect(out.withoutMs).toBe(0);
  });

  it('a transient poll failure is ignored; lost credentials end the drill with the explanation', async () => {
    let n = 0;
    const flaky = await probeUntilDone(
      loop<number>({
        probe: async () => ({ ok: true }),
        poll: async () => {
          n += 1;
          if (n === 1) throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
          return n;
        },
        done: () => true,
      }),
    );
    expect(flaky.completed).toBe(true);
    const denied = Object.assign(new Error('User is not authorized to perform: rds:DescribeDBInstances'), { name: 'AccessDenied' });
    await expect(
      probeUntilDone(loop<number>({ probe: async () => ({ ok: true }), poll: async () => Promise.reject(denied), done: () => true })),
    ).rejects.toThrow(/rds:DescribeDBInstances/);
  });
});

describe('readEventPages', () => {
  it('follows markers up to the page limit and sorts by date', async () => {
    const pages: Array<string | undefined> = [];
    const out = await readEventPages(async (marker) => {
      pages.push(marker);
      return { events: [{ date: new Date(10 - pages.length) }], marker: `m${pages.length}` };
    }, 3);
    expect(pages).toEqual([undefined, 'm1', 'm2']);
    expect(out.list.map((e) => e.date.getTime())).toEqual([7, 8, 9]);
    expect(out.error).toBeUndefined();
  });

  it('a failing page keeps what was read and says why', async () => {
    let n = 0;
    const out = await readEventPages(async () => {
      n += 1;
      if (n === 2) throw new Error('Throttling');
      return { events: [{ date: new Date(1) }], marker: 'more' };
    });
    expect(out.list).toHaveLength(1);
    expect(out.error).toBe('Throttling');
  });
});
