/**
 * Lab 01 failover drill: reboot a Multi-AZ RDS instance with ForceFailover, so
 * the standby in the other Availability Zone takes over, and measure what a
 * client sees meanwhile. A probe supplied by the caller (a fresh connection
 * and `SELECT @@server_id` with a short timeout) runs once a second; the drill
 * ends when RDS reports the instance available again in the other zone and
 * the probe gets an answer. The RDS failover events come back with the
 * result, so the CLI can show them next to what the probe saw.
 *
 * The drill interrupts a live database, so it never starts without
 * `confirm()`, and it refuses up front when it cannot work (Single-AZ, busy).
 * Clock and sleep are injectable, so tests run without waiting.
 */
import { DescribeDBInstancesCommand, DescribeEventsCommand, RebootDBInstanceCommand, type DBInstance } from '@aws-sdk/client-rds';
import type { AwsClients } from '../../aws/clients.js';
import { errorSummary, explainAwsError } from '../../aws/errors.js';
import { describeDbInstance, instanceNotFound, suggestDbInstances } from '../../aws/rds-resources.js';
import { EnvironmentError } from '../../core/errors.js';
import { multiAzTask } from './resource-judges.js';
import { defaultSleep, DrillRefused, eventWindow, probeUntilDone, readEventPages, seconds, type ProbeOutcome } from '../drill.js';

export type { ProbeOutcome };

/** Resolves with the outcome; a rejection or a timeout counts as `ok: false`. */
export type RdsProbe = () => Promise<ProbeOutcome>;

export interface RdsDrillPlan {
  dbInstanceId: string;
  /** Where the primary is now. */
  availabilityZone: string;
  /** Where the standby is, i.e. where the primary should be afterwards. */
  standbyAvailabilityZone?: string;
}

export interface Lab01FailoverDrillOptions {
  clients: AwsClients;
  dbInstanceId: string;
  probe: RdsProbe;
  /** Asks the learner; the drill starts only when this resolves true. */
  confirm: (plan: RdsDrillPlan) => Promise<boolean>;
  region?: string;
  profile?: string;
  /** Time between probes (default 1 s). */
  probeIntervalMs?: number;
  /** Time between DescribeDBInstances polls (default 5 s). */
  pollIntervalMs?: number;
  /** A probe that takes longer than this counts as a failure (default 3 s). */
  probeTimeoutMs?: number;
  /** Give up waiting for the instance in its new zone after this long (default 15 min). */
  maxDurationMs?: number;
  /** After RDS reports the failover done, keep probing this long for the first success (default 60 s). */
  settleMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  onProgress?: (line: string) => void;
}

export interface RdsDrillEvent {
  date: Date;
  source: string;
  message: string;
  categories: string[];
}

export interface Lab01DrillResult {
  dbInstanceId: string;
  /** True when the instance came back available in the other zone in time. */
  completed: boolean;
  /** Total time the probe could not get an answer. */
  secondsWithoutService: number;
  longestOutageSeconds: number;
  probes: { ok: number; failed: number };
  /** Probe failures, with the second of the drill they happened in. */
  errors: { atSecond: number; message: string }[];
  oldAz: string;
  newAz?: string;
  /** The server ids the probe saw answering, in order of first appearance. */
  serverIds: string[];
  durationSeconds: number;
  /** RDS failover events of the instance (SourceType db-instance, category failover) around the drill. */
  events: RdsDrillEvent[];
  message: string;
}

export type RdsDrillRefusal = 'not-confirmed' | 'not-found' | 'not-available' | 'single-az';

/** Lab 1's name for the one refusal type every drill throws. */
export const RdsDrillRefused = DrillRefused;
export type RdsDrillRefused = DrillRefused<RdsDrillRefusal>;

export async function runLab01FailoverDrill(options: Lab01FailoverDrillOptions): Promise<Lab01DrillResult> {
  const { clients, dbInstanceId: id, probe } = options;
  const sleep = options.sleep ?? defaultSleep;
  const now = options.now ?? Date.now;
  const region = options.region ?? clients.region;
  const profile = options.profile ?? clients.profile;
  const progress = options.onProgress ?? (() => undefined);
  const ctx = { region, profile, deployCommand: 'npm run deploy 1' };

  /** A status poll; errors are judged by the loop (transient ones are ignored). */
  const readStatus = async (): Promise<DBInstance | undefined> => {
    const out = await clients.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }));
    return out.DBInstances?.[0];
  };

  // --- preconditions: refuse before asking when the drill cannot work ---
  const db = await describeDbInstance(clients, id, ctx);
  if (!db) {
    const suggestions = await suggestDbInstances(clients, 1, id);
    const { message, hint } = instanceNotFound(id, suggestions, { region, flag: '--db-instance <id>', deployCommand: ctx.deployCommand });
    throw new DrillRefused<RdsDrillRefusal>('not-found', `${message} Nothing to fail over.`, hint);
  }
  const status = db.DBInstanceStatus ?? 'unknown';
  if (status !== 'available') {
    throw new DrillRefused<RdsDrillRefusal>(
      'not-available',
      `DB instance ${id} is ${status}, not available: a failover can only be forced on an available instance. Nothing was changed.`,
      'Wait until its status is "available" (RDS console or `aws rds describe-db-instances`), then re-run the drill.',
    );
  }
  const oldAz = db.AvailabilityZone ?? 'unknown';
  if (db.MultiAZ !== true) {
    throw new DrillRefused<RdsDrillRefusal>(
      'single-az',
      `DB instance ${id} is Single-AZ (only ${oldAz}): there is no standby to fail over to, and RDS rejects a reboot with failover on it. Nothing was changed.`,
      `Make it Multi-AZ first. ${multiAzTask(id)} Then run the drill again.`,
    );
  }

  const plan: RdsDrillPlan = { dbInstanceId: id, availabilityZone: oldAz, standbyAvailabilityZone: db.SecondaryAvailabilityZone };
  if (!(await options.confirm(plan))) {
    throw new DrillRefused<RdsDrillRefusal>('not-confirmed', `Failover drill on ${id} cancelled: nothing was changed.`);
  }

  // --- the drill ---
  const started = now();
  try {
    await clients.rds.send(new RebootDBInstanceCommand({ DBInstanceIdentifier: id, ForceFailover: true }));
  } catch (err) {
    const name = (err as { name?: string } | null)?.name ?? '';
    if (name === 'InvalidDBInstanceStateFault' || name === 'InvalidDBInstanceState') {
      throw new EnvironmentError(
        `RDS refused the reboot with failover: DB instance ${id} is busy (${errorSummary(err)}). Nothing was changed.`,
        'Wait until its status is "available" again, then re-run the drill.',
      );
    }
    throw explainAwsError(err, {
      action: 'rds:RebootDBInstance',
      region,
      profile,
      resource: { kind: 'RDS DB instance', id, flag: '--db-instance <id>' },
    });
  }
  progress(
    `Reboot with failover started on ${id}; the primary was in ${oldAz}${plan.standbyAvailabilityZone ? `, the standby in ${plan.standbyAvailabilityZone}` : ''}.`,
  );

  const serverIds: string[] = [];
  let newAz: string | undefined;
  let lastStatus = 'available';
  const watched = await probeUntilDone({
    probe,
    poll: readStatus,
    onProbe: (seen) => {
      if (seen.ok && seen.serverId !== undefined && !serverIds.includes(String(seen.serverId))) serverIds.push(String(seen.serverId));
    },
    done: (d) => {
      const st = d.DBInstanceStatus ?? 'unknown';
      const az = d.AvailabilityZone;
      if (st !== lastStatus) progress(`DB instance status: ${st}.`);
      lastStatus = st;
      if (az && az !== oldAz) newAz = az;
      if (st === 'available' && newAz) {
        progress(`The primary is now in ${newAz}.`);
        return true;
      }
      return false;
    },
    pollCall: { action: 'rds:DescribeDBInstances', region, profile, resource: { kind: 'RDS DB instance', id } },
    region,
    started,
    probeIntervalMs: options.probeIntervalMs ?? 1000,
    pollIntervalMs: options.pollIntervalMs ?? 5000,
    probeTimeoutMs: options.probeTimeoutMs ?? 3000,
    maxDurationMs: options.maxDurationMs ?? 15 * 60_000,
    settleMs: options.settleMs ?? 60_000,
    sleep,
    now,
  });
  const { completed, finished } = watched;
  const events = await readFailoverEvents(clients, id, started, finished);
  const result: Lab01DrillResult = {
    dbInstanceId: id,
    completed,
    secondsWithoutService: seconds(watched.withoutMs),
    longestOutageSeconds: seconds(watched.longestMs),
    probes: watched.probes,
    errors: watched.errors,
    oldAz,
    newAz,
    serverIds,
    durationSeconds: seconds(finished - started),
    events: events.list,
    message: '',
  };
  const servers = serverIds.length > 1 ? ` The probe saw server ${serverIds.join(' then ')}.` : '';
  result.message = completed
    ? `Failover of ${id} finished in ${result.durationSeconds} s: ${oldAz} -> ${newAz}; the probe got no answer for ${result.secondsWithoutService} s in total (longest gap ${result.longestOutageSeconds} s).${servers}`
    : `The failover of ${id} had not finished after ${result.durationSeconds} s (status ${lastStatus}, primary in ${newAz ?? oldAz}); the probe got no answer for ${result.secondsWithoutService} s. Look at the instance's events in the RDS console.`;
  if (events.error) result.message += ` (Events could not be read: ${events.error})`;
  return result;
}

async function readFailoverEvents(clients: AwsClients, id: string, started: number, finished: number): Promise<{ list: RdsDrillEvent[]; error?: string }> {
  return readEventPages(async (marker) => {
    const out = await clients.rds.send(
      new DescribeEventsCommand({
        SourceIdentifier: id,
        SourceType: 'db-instance',
        EventCategories: ['failover'],
        ...eventWindow(started, finished),
        MaxRecords: 100,
        Marker: marker,
      }),
    );
    const events = (out.Events ?? [])
      .filter((e) => !e.SourceIdentifier || e.SourceIdentifier === id)
      .map((e) => ({ date: e.Date ?? new Date(0), source: e.SourceIdentifier ?? id, message: e.Message ?? '', categories: e.EventCategories ?? [] }));
    return { events, marker: out.Marker };
  });
}
