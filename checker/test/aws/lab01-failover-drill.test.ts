import 'aws-sdk-client-mock-vitest/extend';
import {
  DBInstanceNotFoundFault,
  DescribeDBInstancesCommand,
  DescribeEventsCommand,
  InvalidDBInstanceStateFault,
  RDSClient,
  RebootDBInstanceCommand,
  type DBInstance,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { RdsDrillRefused, runLab01FailoverDrill, type Lab01FailoverDrillOptions, type ProbeOutcome } from '../../checks/01-rds-multi-az/failover-drill.js';
import { EnvironmentError } from '../../core/errors.js';
import { awsError, fakeClients } from './helpers.js';

const rds = mockClient(RDSClient);
const T0 = Date.parse('2026-11-22T12:00:00Z');
const DB_ID = 'dtl01-mysql';

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

function instance(overrides: Partial<DBInstance> = {}): DBInstance {
  return {
    DBInstanceIdentifier: DB_ID,
    Engine: 'mysql',
    DBInstanceStatus: 'available',
    MultiAZ: true,
    AvailabilityZone: 'us-east-1a',
    SecondaryAvailabilityZone: 'us-east-1b',
    ...overrides,
  };
}

/** RDS as seen over time: rebooting from the reboot call until `doneAfterMs`, then available in the other AZ. */
function serveTimeline(clock: ReturnType<typeof fakeClock>, doneAfterMs: number | undefined) {
  let rebootAt: number | undefined;
  rds.on(DescribeDBInstancesCommand).callsFake(() => {
    if (rebootAt === undefined) return { DBInstances: [instance()] };
    const since = clock.now() - rebootAt;
    if (doneAfterMs === undefined || since < doneAfterMs) return { DBInstances: [instance({ DBInstanceStatus: 'rebooting' })] };
    return { DBInstances: [instance({ AvailabilityZone: 'us-east-1b', SecondaryAvailabilityZone: 'us-east-1a' })] };
  });
  rds.on(RebootDBInstanceCommand).callsFake(() => {
    rebootAt = clock.now();
    return { DBInstance: instance({ DBInstanceStatus: 'rebooting' }) };
  });
  rds.on(DescribeEventsCommand).resolves({
    Events: [
      {
        SourceIdentifier: DB_ID,
        SourceType: 'db-instance',
        Message: 'Multi-AZ instance failover completed',
        EventCategories: ['failover'],
        Date: new Date(T0 + 25_000),
      },
      {
        SourceIdentifier: DB_ID,
        SourceType: 'db-instance',
        Message: 'Multi-AZ instance failover started.',
        EventCategories: ['failover'],
        Date: new Date(T0 + 2000),
      },
    ],
  });
}

function options(clock: ReturnType<typeof fakeClock>, overrides: Partial<Lab01FailoverDrillOptions> = {}): Lab01FailoverDrillOptions {
  return {
    clients: fakeClients(),
    dbInstanceId: DB_ID,
    probe: async () => ({ ok: true, serverId: 1 }),
    confirm: async () => true,
    now: clock.now,
    sleep: clock.sleep,
    ...overrides,
  };
}

beforeEach(() => rds.reset());

describe('runLab01FailoverDrill', () => {
  it('forces a failover, probes every second, and returns the outage, the AZs and the RDS events', async () => {
    const clock = fakeClock();
    serveTimeline(clock, 30_000);
    const probe = vi.fn(async (): Promise<ProbeOutcome> => {
      const s = clock.elapsed() / 1000;
      if (s >= 4 && s < 22) throw new Error('connect ETIMEDOUT 10.0.2.15:3306\n    at TCPConnectWrap.afterConnect');
      return { ok: true, serverId: s < 4 ? 1234 : 5678 };
    });
    const confirm = vi.fn(async () => true);
    const progress: string[] = [];

    const result = await runLab01FailoverDrill(options(clock, { probe, confirm, onProgress: (l) => progress.push(l) }));

    expect(confirm).toHaveBeenCalledWith({ dbInstanceId: DB_ID, availabilityZone: 'us-east-1a', standbyAvailabilityZone: 'us-east-1b' });
    expect(rds).toHaveReceivedCommandWith(RebootDBInstanceCommand, { DBInstanceIdentifier: DB_ID, ForceFailover: true });
    expect(result).toMatchObject({
      completed: true,
      oldAz: 'us-east-1a',
      newAz: 'us-east-1b',
      secondsWithoutService: 18,
      longestOutageSeconds: 18,
      durationSeconds: 30,
      probes: { ok: 13, failed: 18 },
      serverIds: ['1234', '5678'],
    });
    expect(result.errors[0]).toEqual({ atSecond: 4, message: 'connect ETIMEDOUT 10.0.2.15:3306' });
    expect(result.events.map((e) => e.message)).toEqual(['Multi-AZ instance failover started.', 'Multi-AZ instance failover completed']);
    expect(result.events[0]?.categories).toEqual(['failover']);
    expect(rds).toHaveReceivedCommandWith(DescribeEventsCommand, {
      SourceIdentifier: DB_ID,
      SourceType: 'db-instance',
      EventCategories: ['failover'],
      StartTime: new Date(T0 - 60_000),
      EndTime: new Date(T0 + 30_000 + 60_000),
    });
    expect(result.message).toContain('us-east-1a -> us-east-1b');
    expect(result.message).toContain('no answer for 18 s');
    expect(result.message).toContain('server 1234 then 5678');
    expect(progress.some((l) => l.includes('rebooting'))).toBe(true);
    // once a second for 30 s, DescribeDBInstances every 5 s (plus the precondition read)
    expect(probe).toHaveBeenCalledTimes(31);
    expect(rds).toHaveReceivedCommandTimes(DescribeDBInstancesCommand, 1 + 7);
  });

  it('a probe resolving { ok: false } or hanging counts as a failure', async () => {
    const clock = fakeClock();
    serveTimeline(clock, 3000);
    let calls = 0;
    const probe = (): Promise<ProbeOutcome> => {
      calls += 1;
      if (calls === 2) return Promise.resolve({ ok: false, error: 'Access denied for user' });
      if (calls === 3) return new Promise(() => undefined);
      return Promise.resolve({ ok: true });
    };
    const result = await runLab01FailoverDrill(options(clock, { probe, probeTimeoutMs: 20, pollIntervalMs: 1000 }));
    expect(result.errors).toEqual([
      { atSecond: 1, message: 'Access denied for user' },
      { atSecond: 2, message: 'no answer within 20 ms' },
    ]);
    expect(result.secondsWithoutService).toBe(2);
  });

  it('keeps probing after RDS reports the new AZ until the database answers again', async () => {
    const clock = fakeClock();
    serveTimeline(clock, 10_000);
    const probe = async (): Promise<ProbeOutcome> => ({ ok: !(clock.elapsed() >= 2000 && clock.elapsed() < 17_000) });
    const result = await runLab01FailoverDrill(options(clock, { probe }));
    expect(result.completed).toBe(true);
    expect(result.secondsWithoutService).toBe(15);
    expect(result.durationSeconds).toBe(17);
  });

  it('is bounded: a failover that never finishes returns completed=false after maxDurationMs', async () => {
    const clock = fakeClock();
    serveTimeline(clock, undefined);
    const result = await runLab01FailoverDrill(options(clock, { maxDurationMs: 120_000 }));
    expect(result.completed).toBe(false);
    expect(result.newAz).toBeUndefined();
    expect(result.durationSeconds).toBe(120);
    expect(result.message).toContain('had not finished after 120 s (status rebooting, primary in us-east-1a)');
  });

  it('refuses a Single-AZ instance with the next step, before asking, and changes nothing', async () => {
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [instance({ MultiAZ: false, SecondaryAvailabilityZone: undefined })] });
    const confirm = vi.fn(async () => true);
    const err = (await runLab01FailoverDrill(options(fakeClock(), { confirm })).catch((e: unknown) => e)) as RdsDrillRefused;
    expect(err).toBeInstanceOf(RdsDrillRefused);
    expect(err.name).toBe('DrillRefused');
    expect(err.reason).toBe('single-az');
    expect(err.message).toBe(
      'DB instance dtl01-mysql is Single-AZ (only us-east-1a): there is no standby to fail over to, and RDS rejects a reboot with failover on it. Nothing was changed.',
    );
    expect(err.nextStep).toMatch(/^Make it Multi-AZ first\./);
    expect(err.nextStep).toContain('`multiAz: true`');
    expect(err.nextStep).toContain('--multi-az --apply-immediately');
    expect(err.exitCode).toBe(1);
    expect(confirm).not.toHaveBeenCalled();
    expect(rds).not.toHaveReceivedCommand(RebootDBInstanceCommand);
  });

  it('refuses unless the learner confirms, and changes nothing', async () => {
    const clock = fakeClock();
    serveTimeline(clock, 20_000);
    const err = (await runLab01FailoverDrill(options(clock, { confirm: async () => false })).catch((e: unknown) => e)) as RdsDrillRefused;
    expect(err.reason).toBe('not-confirmed');
    expect(err.message).toContain('nothing was changed');
    expect(rds).not.toHaveReceivedCommand(RebootDBInstanceCommand);
  });

  it('refuses an instance that is not available', async () => {
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [instance({ DBInstanceStatus: 'modifying' })] });
    await expect(runLab01FailoverDrill(options(fakeClock()))).rejects.toMatchObject({ reason: 'not-available' });
    expect(rds).not.toHaveReceivedCommand(RebootDBInstanceCommand);
  });

  it('refuses a mistyped name, suggesting the lab instances', async () => {
    rds
      .on(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'dtl01-mysq' })
      .rejects(new DBInstanceNotFoundFault({ message: 'DBInstance dtl01-mysq not found.', $metadata: {} }));
    rds.on(DescribeDBInstancesCommand, { MaxRecords: 100 }).resolves({ DBInstances: [instance()] });
    const err = (await runLab01FailoverDrill(options(fakeClock(), { dbInstanceId: 'dtl01-mysq', region: 'us-east-1' })).catch(
      (e: unknown) => e,
    )) as RdsDrillRefused;
    expect(err.reason).toBe('not-found');
    expect(err.message).toContain('There is no RDS DB instance "dtl01-mysq" in us-east-1. The lab\'s DB instances here: dtl01-mysql.');
    expect(err.nextStep).toContain('--db-instance dtl01-mysql');
  });

  it('a busy instance (InvalidDBInstanceState) is explained without a stack trace', async () => {
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [instance()] });
    rds.on(RebootDBInstanceCommand).rejects(new InvalidDBInstanceStateFault({ message: 'Database instance is not in available state.', $metadata: {} }));
    const err = (await runLab01FailoverDrill(options(fakeClock())).catch((e: unknown) => e)) as EnvironmentError;
    expect(err).toBeInstanceOf(EnvironmentError);
    expect(err.message).toContain('dtl01-mysql is busy');
    expect(err.message).not.toContain('    at ');
  });

  it('AccessDenied on RebootDBInstance names the IAM action', async () => {
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [instance()] });
    rds
      .on(RebootDBInstanceCommand)
      .rejects(awsError('AccessDenied', 'User: arn:aws:iam::123456789012:user/learner is not authorized to perform: rds:RebootDBInstance on resource', 403));
    const err = (await runLab01FailoverDrill(options(fakeClock())).catch((e: unknown) => e)) as EnvironmentError;
    expect(err.message).toContain('missing the IAM permission rds:RebootDBInstance');
  });

  it('expired credentials while polling stop the drill with an explanation', async () => {
    const clock = fakeClock();
    serveTimeline(clock, 30_000);
    rds
      .on(DescribeDBInstancesCommand)
      .resolvesOnce({ DBInstances: [instance()] })
      .rejects(awsError('ExpiredToken', 'The security token included in the request is expired', 403));
    const err = (await runLab01FailoverDrill(options(clock)).catch((e: unknown) => e)) as EnvironmentError;
    expect(err).toBeInstanceOf(EnvironmentError);
    expect(err.message).toContain('session has expired');
  });

  it('events that cannot be read do not spoil the result', async () => {
    const clock = fakeClock();
    serveTimeline(clock, 5000);
    rds.on(DescribeEventsCommand).rejects(new Error('Rate exceeded'));
    const result = await runLab01FailoverDrill(options(clock));
    expect(result.completed).toBe(true);
    expect(result.events).toEqual([]);
    expect(result.message).toContain('Events could not be read: Rate exceeded');
  });
});
