/**
 * Failover drill: ask ElastiCache to fail the primary of a node group over to
 * a replica (TestFailover) and measure what a client sees meanwhile. A probe
 * supplied by the caller (a PING/GET with a short timeout) runs once a second;
 * the drill ends when the group is available again with a new primary.
 *
 * The drill changes a live resource, so it never starts without `confirm()`,
 * and it refuses up front when it cannot work (no automatic failover, no replica).
 * Clock and sleep are injectable, so tests run without waiting.
 */
import {
  DescribeEventsCommand,
  DescribeReplicationGroupsCommand,
  TestFailoverCommand,
  type NodeGroup,
  type ReplicationGroup,
} from '@aws-sdk/client-elasticache';
import { EnvironmentError, KitError } from '../../core/errors.js';
import type { AwsClients } from '../../aws/clients.js';
import { classifyAwsError, errorSummary, explainAwsError } from '../../aws/errors.js';
import { outageWindows } from '../outage.js';

/** Resolves (or resolves true) when the cache answered; rejects or resolves false when it did not. */
export type Probe = () => Promise<unknown>;

export interface DrillPlan {
  replicationGroupId: string;
  nodeGroupId: string;
  primary: string;
  replicas: string[];
}

export interface FailoverDrillOptions {
  clients: AwsClients;
  replicationGroupId: string;
  /** Node group (shard) to fail over; default the group's first (the only one with cluster mode disabled). */
  nodeGroupId?: string;
  probe: Probe;
  /** Asks the learner; the drill starts only when this resolves true. */
  confirm: (plan: DrillPlan) => Promise<boolean>;
  region?: string;
  profile?: string;
  /** Time between probes (default 1 s). */
  probeIntervalMs?: number;
  /** Time between DescribeReplicationGroups polls (default 5 s). */
  pollIntervalMs?: number;
  /** A probe that takes longer than this counts as a failure (default 2 s). */
  probeTimeoutMs?: number;
  /** Give up waiting for the new primary after this long (default 15 min). */
  maxDurationMs?: number;
  /** After the new primary is up, keep probing this long for the first success (default 60 s). */
  settleMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  onProgress?: (line: string) => void;
}

export interface DrillEvent {
  date: Date;
  source: string;
  message: string;
}

export interface DrillResult {
  replicationGroupId: string;
  nodeGroupId: string;
  /** True when the group came back available with a different primary in time. */
  completed: boolean;
  /** Total time the probe could not get an answer. */
  secondsWithoutService: number;
  longestOutageSeconds: number;
  probes: { ok: number; failed: number };
  /** Probe failures, with the second of the drill they happened in. */
  errors: { atSecond: number; message: string }[];
  oldPrimary: string;
  newPrimary?: string;
  durationSeconds: number;
  /** ElastiCache events for the group and its nodes since the drill started. */
  events: DrillEvent[];
  message: string;
}

export type DrillRefusal =
  | 'not-confirmed'
  | 'not-found'
  | 'not-available'
  | 'node-group-not-found'
  | 'automatic-failover-disabled'
  | 'no-replicas'
  | 'primary-unknown';

/** The drill did not start (nothing was changed). Exit code 1: the setup is what is wrong. */
export class DrillRefused extends KitError {
  constructor(
    readonly reason: DrillRefusal,
    message: string,
    nextStep?: string,
  ) {
    super(message, 1, nextStep);
    this.name = 'DrillRefused';
  }
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const YOUR_TURN =
  'Finish the lab\'s "Your turn" first: in labs/05-elasticache-redis/stack-config.ts set replicasPerPrimary: 2, automaticFailover: true and multiAz: true, deploy with `npm run deploy 5`, and re-run the drill when the group is available.';

function primaryOf(ng: NodeGroup | undefined): string | undefined {
  return ng?.NodeGroupMembers?.find((m) => m.CurrentRole === 'primary')?.CacheClusterId;
}

function pickNodeGroup(group: ReplicationGroup, id: string | undefined): NodeGroup | undefined {
  const groups = group.NodeGroups ?? [];
  return id === undefined ? groups[0] : groups.find((g) => g.NodeGroupId === id);
}

async function runProbe(probe: Probe, timeoutMs: number): Promise<{ ok: boolean; error?: string }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const outcome = await Promise.race([
      Promise.resolve().then(probe),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    if (outcome === false) return { ok: false, error: 'probe reported failure' };
    return { ok: true };
  } catch (err) {
    return { ok: false, error: errorSummary(err) || 'probe failed' };
  } finally {
    if (timer) clearTimeout(timer);
  }
}

export async function runFailoverDrill(options: FailoverDrillOptions): Promise<DrillResult> {
  const { clients, replicationGroupId: rgId, probe } = options;
  const sleep = options.sleep ?? defaultSleep;
  const now = options.now ?? Date.now;
  const probeInterval = options.probeIntervalMs ?? 1000;
  const pollInterval = options.pollIntervalMs ?? 5000;
  const probeTimeout = options.probeTimeoutMs ?? 2000;
  const maxDuration = options.maxDurationMs ?? 15 * 60_000;
  const settle = options.settleMs ?? 60_000;
  const region = options.region ?? clients.region;
  const profile = options.profile ?? clients.profile;
  const progress = options.onProgress ?? (() => undefined);
  const describeCtx = {
    action: 'elasticache:DescribeReplicationGroups',
    region,
    profile,
    resource: { kind: 'ElastiCache replication group', id: rgId, flag: '--replication-group <id>' },
  };

  const describe = async (): Promise<ReplicationGroup | undefined> => {
    const out = await clients.elasticache.send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: rgId }));
    return out.ReplicationGroups?.[0];
  };

  // --- preconditions: refuse before asking when the drill cannot work ---
  let group: ReplicationGroup | undefined;
  try {
    group = await describe();
  } catch (err) {
    if (classifyAwsError(err, region) !== 'not-found') throw explainAwsError(err, describeCtx);
  }
  if (!group) {
    throw new DrillRefused(
      'not-found',
      `There is no ElastiCache replication group "${rgId}"${region ? ` in ${region}` : ''} to fail over.`,
      'Deploy the lab stack with `npm run deploy 5`, or pass the id of your cache with --replication-group <id>.',
    );
  }
  const status = group.Status ?? 'unknown';
  if (status !== 'available') {
    throw new DrillRefused(
      'not-available',
      `Replication group ${rgId} is ${status}, not available: a failover can only be tested on an available group.`,
      'Wait until its status is "available", then re-run the drill.',
    );
  }
  const nodeGroup = pickNodeGroup(group, options.nodeGroupId);
  if (!nodeGroup) {
    const ids = (group.NodeGroups ?? []).map((g) => g.NodeGroupId).join(', ') || 'none';
    throw new DrillRefused(
      'node-group-not-found',
      `Replication group ${rgId} has no node group "${options.nodeGroupId ?? '(first)'}" (it has: ${ids}).`,
      'Pass one of the node group ids it has (with cluster mode disabled there is one, usually 0001).',
    );
  }
  const nodeGroupId = nodeGroup.NodeGroupId ?? '0001';
  if (group.AutomaticFailover !== 'enabled') {
    throw new DrillRefused(
      'automatic-failover-disabled',
      `Automatic failover is ${group.AutomaticFailover ?? 'disabled'} on ${rgId}, so ElastiCache has no replica it will promote and TestFailover cannot run. Nothing was changed.`,
      YOUR_TURN,
    );
  }
  const members = nodeGroup.NodeGroupMembers ?? [];
  const replicas = members.filter((m) => m.CurrentRole === 'replica').map((m) => m.CacheClusterId ?? '?');
  if (replicas.length === 0) {
    throw new DrillRefused(
      'no-replicas',
      `Node group ${nodeGroupId} of ${rgId} has no replica (${members.length} node${members.length === 1 ? '' : 's'}), so there is nothing to fail over to. Nothing was changed.`,
      YOUR_TURN,
    );
  }
  const oldPrimary = primaryOf(nodeGroup);
  if (!oldPrimary) {
    throw new DrillRefused(
      'primary-unknown',
      `ElastiCache does not report which node of ${rgId} is the primary (it only does with cluster mode disabled), so the drill could not tell when the failover finished.`,
      'Run the drill on the lab\'s cache (cluster mode disabled).',
    );
  }

  const plan: DrillPlan = { replicationGroupId: rgId, nodeGroupId, primary: oldPrimary, replicas };
  if (!(await options.confirm(plan))) {
    throw new DrillRefused('not-confirmed', `Failover drill on ${rgId} cancelled: nothing was changed.`);
  }

  // --- the drill ---
  const started = now();
  try {
    await clients.elasticache.send(new TestFailoverCommand({ ReplicationGroupId: rgId, NodeGroupId: nodeGroupId }));
  } catch (err) {
    const name = (err as { name?: string } | null)?.name ?? '';
    if (name === 'TestFailoverNotAvailableFault' || name === 'APICallRateForCustomerExceededFault') {
      throw new EnvironmentError(
        `ElastiCache refused the test failover on ${rgId} (${name}: ${errorSummary(err)}). TestFailover is limited: at most 15 node groups per account in any rolling 24 hours, and one failover at a time per group.`,
        'Wait for the previous failover to finish, or try again tomorrow; the rest of the lab does not depend on the drill.',
      );
    }
    if (name === 'InvalidReplicationGroupStateFault') {
      throw new EnvironmentError(
        `ElastiCache refused the test failover: replication group ${rgId} is busy (${errorSummary(err)}).`,
        'Wait until its status is "available" again, then re-run the drill.',
      );
    }
    throw explainAwsError(err, { ...describeCtx, action: 'elasticache:TestFailover' });
  }
  progress(`Test failover started on ${rgId}/${nodeGroupId}; primary was ${oldPrimary}.`);

  const records: { at: number; ok: boolean }[] = [];
  const errors: DrillResult['errors'] = [];
  let newPrimary: string | undefined;
  let lastPoll = Number.NEGATIVE_INFINITY;
  let doneAt: number | undefined;
  let completed = false;
  let lastStatus = 'available';

  while (true) {
    const tick = now();
    const elapsedMs = tick - started;
    const poll = doneAt === undefined && tick - lastPoll >= pollInterval;
    if (poll) lastPoll = tick;
    const [probeOutcome, polled] = await Promise.all([
      runProbe(probe, probeTimeout),
      poll
        ? describe().then(
            (g) => ({ g, err: undefined as unknown }),
            (err: unknown) => ({ g: undefined, err }),
          )
        : Promise.resolve(undefined),
    ]);
    records.push({ at: tick, ok: probeOutcome.ok });
    if (!probeOutcome.ok) errors.push({ atSecond: Math.round(elapsedMs / 1000), message: probeOutcome.error ?? 'failed' });

    if (polled?.err) {
      const kind = classifyAwsError(polled.err, region);
      if (kind === 'credentials' || kind === 'expired' || kind === 'access-denied') throw explainAwsError(polled.err, describeCtx);
    } else if (polled?.g) {
      const st = polled.g.Status ?? 'unknown';
      const primary = primaryOf(pickNodeGroup(polled.g, nodeGroupId));
      if (st !== lastStatus) progress(`Replication group status: ${st}.`);
      lastStatus = st;
      if (primary && primary !== oldPrimary) newPrimary = primary;
      if (st === 'available' && newPrimary) {
        doneAt = tick;
        completed = true;
        progress(`New primary: ${newPrimary}.`);
      }
    }

    if (doneAt !== undefined) {
      // Stop once the cache answers again, or after the settle time.
      if (probeOutcome.ok || tick - doneAt >= settle) break;
    } else if (elapsedMs >= maxDuration) {
      break;
    }
    const spent = now() - tick;
    await sleep(Math.max(0, probeInterval - spent));
  }
  const finished = now();

  const { withoutMs: without, longestMs: longest } = outageWindows(records, finished, probeInterval);

  const events = await readEvents(clients, rgId, group.MemberClusters ?? [], started, finished);
  const okCount = records.filter((r) => r.ok).length;
  const seconds = (ms: number) => Math.round(ms / 100) / 10;
  const result: DrillResult = {
    replicationGroupId: rgId,
    nodeGroupId,
    completed,
    secondsWithoutService: seconds(without),
    longestOutageSeconds: seconds(longest),
    probes: { ok: okCount, failed: records.length - okCount },
    errors,
    oldPrimary,
    newPrimary,
    durationSeconds: seconds(finished - started),
    events: events.list,
    message: '',
  };
  result.message = completed
    ? `Failover on ${rgId} finished in ${result.durationSeconds} s: ${oldPrimary} -> ${newPrimary}; the probe got no answer for ${result.secondsWithoutService} s in total (longest gap ${result.longestOutageSeconds} s).`
    : `The failover on ${rgId} had not finished after ${result.durationSeconds} s (status ${lastStatus}, primary ${newPrimary ?? oldPrimary}); the probe got no answer for ${result.secondsWithoutService} s. Look at the group's events in the ElastiCache console.`;
  if (events.error) result.message += ` (Events could not be read: ${events.error})`;
  return result;
}

async function readEvents(
  clients: AwsClients,
  rgId: string,
  members: string[],
  started: number,
  finished: number,
): Promise<{ list: DrillEvent[]; error?: string }> {
  const sources = new Set([rgId, ...members]);
  const list: DrillEvent[] = [];
  try {
    let marker: string | undefined;
    let pages = 0;
    do {
      const out = await clients.elasticache.send(
        new DescribeEventsCommand({
          StartTime: new Date(started - 60_000),
          EndTime: new Date(finished + 60_000),
          MaxRecords: 100,
          Marker: marker,
        }),
      );
      for (const e of out.Events ?? []) {
        if (!e.SourceIdentifier || !sources.has(e.SourceIdentifier)) continue;
        list.push({ date: e.Date ?? new Date(0), source: e.SourceIdentifier, message: e.Message ?? '' });
      }
      marker = out.Marker;
      pages += 1;
    } while (marker && pages < 10);
  } catch (err) {
    return { list, error: errorSummary(err) || 'unknown error' };
  }
  list.sort((a, b) => a.date.getTime() - b.date.getTime());
  return { list };
}
