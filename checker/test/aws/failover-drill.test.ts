import 'aws-sdk-client-mock-vitest/extend';
import {
  APICallRateForCustomerExceededFault,
  DescribeEventsCommand,
  DescribeReplicationGroupsCommand,
  ElastiCacheClient,
  TestFailoverCommand,
  TestFailoverNotAvailableFault,
  type ReplicationGroup,
} from '@aws-sdk/client-elasticache';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { DrillRefused, runFailoverDrill, type FailoverDrillOptions } from '../../checks/05-elasticache-redis/failover-drill.js';
import { EnvironmentError } from '../../core/errors.js';
import { compliantGroup, fakeClients, MEMBERS, RG_ID } from './helpers.js';

const ec = mockClient(ElastiCacheClient);
const T0 = Date.parse('2026-11-22T12:00:00Z');

/** A fake clock: sleep() advances it, nothing really waits. */
function fakeClock() {
  let t = T0;
  return {
    now: () => t,
    sleep: async (ms: number) => {
      t += ms;
    },
    elapsed: () => t - T0,
  };
}

function withPrimary(primary: string, status = 'available', overrides: Partial<ReplicationGroup> = {}): ReplicationGroup {
  const g = compliantGroup(overrides);
  return {
    ...g,
    Status: status,
    NodeGroups: g.NodeGroups!.map((ng) => ({
      ...ng,
      NodeGroupMembers: ng.NodeGroupMembers!.map((m) => ({ ...m, CurrentRole: m.CacheClusterId === primary ? 'primary' : 'replica' })),
    })),
  };
}

/** ElastiCache as seen over time: modifying from the TestFailover call until `doneAfterMs`, then a new primary. */
function serveTimeline(clock: ReturnType<typeof fakeClock>, doneAfterMs: number | undefined) {
  let failoverAt: number | undefined;
  ec.on(DescribeReplicationGroupsCommand).callsFake(() => {
    if (failoverAt === undefined) return { ReplicationGroups: [withPrimary(MEMBERS[0]!)] };
    const since = clock.now() - failoverAt;
    if (doneAfterMs === undefined || since < doneAfterMs) return { ReplicationGroups: [withPrimary(MEMBERS[0]!, 'modifying')] };
    return { ReplicationGroups: [withPrimary(MEMBERS[1]!)] };
  });
  ec.on(TestFailoverCommand).callsFake(() => {
    failoverAt = clock.now();
    return { ReplicationGroup: withPrimary(MEMBERS[0]!, 'modifying') };
  });
  ec.on(DescribeEventsCommand).resolves({
    Events: [
      { SourceIdentifier: RG_ID, SourceType: 'replication-group', Message: 'Test Failover API called for node group 0001', Date: new Date(T0 + 1000) },
      {
        SourceIdentifier: MEMBERS[0],
        SourceType: 'cache-cluster',
        Message: `Failover from primary node ${MEMBERS[0]} to replica node ${MEMBERS[1]} completed`,
        Date: new Date(T0 + 15_000),
      },
      { SourceIdentifier: 'someone-elses-cache', SourceType: 'replication-group', Message: 'unrelated', Date: new Date(T0 + 2000) },
    ],
  });
}

function options(clock: ReturnType<typeof fakeClock>, overrides: Partial<FailoverDrillOptions> = {}): FailoverDrillOptions {
  return {
    clients: fakeClients(),
    replicationGroupId: RG_ID,
    probe: async () => undefined,
    confirm: async () => true,
    now: clock.now,
    sleep: clock.sleep,
    ...overrides,
  };
}

beforeEach(() => ec.reset());

describe('runFailoverDrill', () => {
  it('fails over, measures the outage from the probe and returns the events of this group', async () => {
    const clock = fakeClock();
    serveTimeline(clock, 20_000);
    const probe = vi.fn(async () => {
      const s = clock.elapsed() / 1000;
      if (s >= 5 && s < 12) throw new Error('connect ECONNREFUSED 10.0.1.23:6379\n    at TCPConnectWrap.afterConnect');
      return 'PONG';
    });
    const confirm = vi.fn(async () => true);
    const progress: string[] = [];

    const result = await runFailoverDrill(options(clock, { probe, confirm, onProgress: (l) => progress.push(l) }));

    expect(confirm).toHaveBeenCalledWith({ replicationGroupId: RG_ID, nodeGroupId: '0001', primary: MEMBERS[0], replicas: [MEMBERS[1], MEMBERS[2]] });
    expect(ec).toHaveReceivedCommandWith(TestFailoverCommand, { ReplicationGroupId: RG_ID, NodeGroupId: '0001' });
    expect(result).toMatchObject({
      completed: true,
      oldPrimary: MEMBERS[0],
      newPrimary: MEMBERS[1],
      secondsWithoutService: 7,
      longestOutageSeconds: 7,
      durationSeconds: 20,
      probes: { ok: 14, failed: 7 },
    });
    expect(result.errors).toHaveLength(7);
    expect(result.errors[0]).toEqual({ atSecond: 5, message: 'connect ECONNREFUSED 10.0.1.23:6379' });
    expect(result.events.map((e) => e.source)).toEqual([RG_ID, MEMBERS[0]]);
    expect(result.events[1]?.message).toContain('Failover from primary node');
    expect(result.message).toContain(`${MEMBERS[0]} -> ${MEMBERS[1]}`);
    expect(progress.some((l) => l.includes('modifying'))).toBe(true);
    // once a second: 21 probes over 20 s, and polls only every 5 s
    expect(probe).toHaveBeenCalledTimes(21);
    expect(ec).toHaveReceivedCommandTimes(DescribeReplicationGroupsCommand, 1 + 5);
  });

  it('keeps probing after the new primary is up until the cache answers again', async () => {
    const clock = fakeClock();
    serveTimeline(clock, 10_000);
    const probe = async () => {
      if (clock.elapsed() >= 3000 && clock.elapsed() < 14_000) throw new Error('ETIMEDOUT');
    };
    const result = await runFailoverDrill(options(clock, { probe }));
    expect(result.completed).toBe(true);
    expect(result.secondsWithoutService).toBe(11);
    expect(result.durationSeconds).toBe(14);
  });

  it('a probe that hangs counts as a failure after probeTimeoutMs', async () => {
    const clock = fakeClock();
    serveTimeline(clock, 2000);
    let calls = 0;
    const probe = () => (++calls === 2 ? new Promise(() => undefined) : Promise.resolve());
    const result = await runFailoverDrill(options(clock, { probe, probeTimeoutMs: 20, pollIntervalMs: 1000 }));
    expect(result.errors).toEqual([{ atSecond: 1, message: 'no answer within 20 ms' }]);
    expect(result.secondsWithoutService).toBe(1);
  });

  it('is bounded: a failover that never finishes returns completed=false', async () => {
    const clock = fakeClock();
    serveTimeline(clock, undefined);
    const result = await runFailoverDrill(options(clock, { maxDurationMs: 60_000 }));
    expect(result.completed).toBe(false);
    expect(result.newPrimary).toBeUndefined();
    expect(result.durationSeconds).toBe(60);
    expect(result.message).toContain('had not finished after 60 s (status modifying');
  });

  it('refuses unless the learner confirms, and changes nothing', async () => {
    const clock = fakeClock();
    serveTimeline(clock, 20_000);
    const err = await runFailoverDrill(options(clock, { confirm: async () => false })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DrillRefused);
    expect((err as DrillRefused).reason).toBe('not-confirmed');
    expect((err as DrillRefused).message).toContain('nothing was changed');
    expect(ec).not.toHaveReceivedCommand(TestFailoverCommand);
  });

  it('refuses when automatic failover is off, before asking', async () => {
    ec.on(DescribeReplicationGroupsCommand).resolves({ ReplicationGroups: [compliantGroup({ AutomaticFailover: 'disabled', MultiAZ: 'disabled' })] });
    const confirm = vi.fn(async () => true);
    const err = (await runFailoverDrill(options(fakeClock(), { confirm })).catch((e: unknown) => e)) as DrillRefused;
    expect(err.reason).toBe('automatic-failover-disabled');
    expect(err.message).toContain('Automatic failover is disabled on dtl05-valkey');
    expect(err.nextStep).toContain('automaticFailover: true');
    expect(err.exitCode).toBe(1);
    expect(confirm).not.toHaveBeenCalled();
    expect(ec).not.toHaveReceivedCommand(TestFailoverCommand);
  });

  it('refuses when the node group has no replica', async () => {
    const g = compliantGroup();
    const single = { ...g, NodeGroups: [{ NodeGroupId: '0001', NodeGroupMembers: [g.NodeGroups![0]!.NodeGroupMembers![0]!] }] };
    ec.on(DescribeReplicationGroupsCommand).resolves({ ReplicationGroups: [single] });
    const err = (await runFailoverDrill(options(fakeClock())).catch((e: unknown) => e)) as DrillRefused;
    expect(err.reason).toBe('no-replicas');
    expect(err.message).toContain('has no replica (1 node)');
  });

  it('refuses a group that is not available, an unknown node group, and a missing group', async () => {
    ec.on(DescribeReplicationGroupsCommand).resolvesOnce({ ReplicationGroups: [compliantGroup({ Status: 'modifying' })] });
    await expect(runFailoverDrill(options(fakeClock()))).rejects.toMatchObject({ reason: 'not-available' });

    ec.on(DescribeReplicationGroupsCommand).resolves({ ReplicationGroups: [compliantGroup()] });
    const err = (await runFailoverDrill(options(fakeClock(), { nodeGroupId: '0007' })).catch((e: unknown) => e)) as DrillRefused;
    expect(err.reason).toBe('node-group-not-found');
    expect(err.message).toContain('(it has: 0001)');

    ec.on(DescribeReplicationGroupsCommand).resolves({ ReplicationGroups: [] });
    await expect(runFailoverDrill(options(fakeClock()))).rejects.toMatchObject({ reason: 'not-found' });
  });

  it.each([
    [
      'TestFailoverNotAvailableFault',
      () => new TestFailoverNotAvailableFault({ message: 'TestFailover is not available for node group 0001.', $metadata: {} }),
    ],
    ['APICallRateForCustomerExceededFault', () => new APICallRateForCustomerExceededFault({ message: 'Rate exceeded', $metadata: {} })],
  ])('%s: explains the per-day limit', async (name, make) => {
    ec.on(DescribeReplicationGroupsCommand).resolves({ ReplicationGroups: [compliantGroup()] });
    ec.on(TestFailoverCommand).rejects(make());
    const err = (await runFailoverDrill(options(fakeClock())).catch((e: unknown) => e)) as EnvironmentError;
    expect(err).toBeInstanceOf(EnvironmentError);
    expect(err.message).toContain(name);
    expect(err.message).toContain('15 node groups per account in any rolling 24 hours');
    expect(err.message).not.toContain('    at ');
  });

  it('events that cannot be read do not spoil the result', async () => {
    const clock = fakeClock();
    serveTimeline(clock, 5000);
    ec.on(DescribeEventsCommand).rejects(new Error('Rate exceeded'));
    const result = await runFailoverDrill(options(clock));
    expect(result.completed).toBe(true);
    expect(result.events).toEqual([]);
    expect(result.message).toContain('Events could not be read: Rate exceeded');
  });
});
