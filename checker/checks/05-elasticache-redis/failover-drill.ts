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
import { EnvironmentError } from '../../core/errors.js';
import type { AwsClients } from '../../aws/clients.js';
import { classifyAwsError, errorSummary, explainAwsError, type AwsCallContext } from '../../aws/errors.js';
import { defaultSleep, DrillRefused, eventWindow, probeUntilDone, readEventPages, seconds, type OutcomeProbe } from '../drill.js';

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
  'not-confirmed' | 'not-found' | 'not-available' | 'node-group-not-found' | 'automatic-failover-disabled' | 'no-replicas' | 'primary-unknown';

export { DrillRefused };

const YOUR_TURN =
  'Finish the lab\'s "Your turn" first: in labs/05-elasticache-redis/stack-config.ts set replicasPerPrimary: 2, automaticFailover: true and multiAz: true, deploy with `npm run deploy 5`, and re-run the drill when the group is available.';

function primaryOf(ng: NodeGroup | undefined): string | undefined {
  return ng?.NodeGroupMembers?.find((m) => m.CurrentRole === 'primary')?.CacheClusterId;
}

function pickNodeGroup(group: ReplicationGroup, id: string | undefined): NodeGroup | undefined {
  const groups = group.NodeGroups ?? [];
  return id === undefined ? groups[0] : groups.find((g) => g.NodeGroupId === id);
}

/** The cache answered unless the probe rejected, timed out or resolved false. */
function asOutcome(probe: Probe): OutcomeProbe {
  return async () => ((await probe()) === false ? { ok: false, error: 'probe reported failure' } : { ok: true });
}

/** The drill's plan for an available group with automatic failover, a replica and a known primary; refused otherwise (nothing changed). */
export function planOrRefuse(group: ReplicationGroup, rgId: string, wantedNodeGroup: string | undefined): DrillPlan {
  const status = group.Status ?? 'unknown';
  if (status !== 'available') {
    throw new DrillRefused<DrillRefusal>(
      'not-available',
      `Replication group ${rgId} is ${status}, not available: a failover can only be tested on an available group.`,
      'Wait until its status is "available", then re-run the drill.',
    );
  }
  const nodeGroup = pickNodeGroup(group, wantedNodeGroup);
  if (!nodeGroup) {
    const ids = (group.NodeGroups ?? []).map((g) => g.NodeGroupId).join(', ') || 'none';
    throw new DrillRefused<DrillRefusal>(
      'node-group-not-found',
      `Replication group ${rgId} has no node group "${wantedNodeGroup ?? '(first)'}" (it has: ${ids}).`,
      'Pass one of the node group ids it has (with cluster mode disabled there is one, usually 0001).',
    );
  }
  const nodeGroupId = nodeGroup.NodeGroupId ?? '0001';
  if (group.AutomaticFailover !== 'enabled') {
    throw new DrillRefused<DrillRefusal>(
      'automatic-failover-disabled',
      `Automatic failover is ${group.AutomaticFailover ?? 'disabled'} on ${rgId}, so ElastiCache has no replica it will promote and TestFailover cannot run. Nothing was changed.`,
      YOUR_TURN,
    );
  }
  const members = nodeGroup.NodeGroupMembers ?? [];
  const replicas = members.filter((m) => m.CurrentRole === 'replica').map((m) => m.CacheClusterId ?? '?');
  if (replicas.length === 0) {
    throw new DrillRefused<DrillRefusal>(
      'no-replicas',
      `Node group ${nodeGroupId} of ${rgId} has no replica (${members.length} node${members.length === 1 ? '' : 's'}), so there is nothing to fail over to. Nothing was changed.`,
      YOUR_TURN,
    );
  }
  const oldPrimary = primaryOf(nodeGroup);
  if (!oldPrimary) {
    throw new DrillRefused<DrillRefusal>(
      'primary-unknown',
      `ElastiCache does not report which node of ${rgId} is the primary (it only does with cluster mode disabled), so the drill could not tell when the failover finished.`,
      "Run the drill on the lab's cache (cluster mode disabled).",
    );
  }
  return { replicationGroupId: rgId, nodeGroupId, primary: oldPrimary, replicas };
}

export async function runFailoverDrill(options: FailoverDrillOptions): Promise<DrillResult> {
  const { clients, replicationGroupId: rgId, probe } = options;
  const sleep = options.sleep ?? defaultSleep;
  const now = options.now ?? Date.now;
  const region = options.region ?? clients.region;
  const profile = options.profile ?? clients.profile;
  const progress = options.onProgress ?? (() => undefined);
  const describeCtx: AwsCallContext = {
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
    throw new DrillRefused<DrillRefusal>(
      'not-found',
      `There is no ElastiCache replication group "${rgId}"${region ? ` in ${region}` : ''} to fail over.`,
      'Deploy the lab stack with `npm run deploy 5`, or pass the id of your cache with --replication-group <id>.',
    );
  }
  const plan = planOrRefuse(group, rgId, options.nodeGroupId);
  const { nodeGroupId, primary: oldPrimary } = plan;
  if (!(await options.confirm(plan))) {
    throw new DrillRefused<DrillRefusal>('not-confirmed', `Failover drill on ${rgId} cancelled: nothing was changed.`);
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

  let newPrimary: string | undefined;
  let lastStatus = 'available';
  const watched = await probeUntilDone({
    probe: asOutcome(probe),
    poll: describe,
    done: (g) => {
      const st = g.Status ?? 'unknown';
      const primary = primaryOf(pickNodeGroup(g, nodeGroupId));
      if (st !== lastStatus) progress(`Replication group status: ${st}.`);
      lastStatus = st;
      if (primary && primary !== oldPrimary) newPrimary = primary;
      if (st === 'available' && newPrimary) {
        progress(`New primary: ${newPrimary}.`);
        return true;
      }
      return false;
    },
    pollCall: describeCtx,
    region,
    started,
    probeIntervalMs: options.probeIntervalMs ?? 1000,
    pollIntervalMs: options.pollIntervalMs ?? 5000,
    probeTimeoutMs: options.probeTimeoutMs ?? 2000,
    maxDurationMs: options.maxDurationMs ?? 15 * 60_000,
    settleMs: options.settleMs ?? 60_000,
    sleep,
    now,
  });
  const { completed, finished } = watched;
  const events = await readEvents(clients, rgId, group.MemberClusters ?? [], started, finished);
  const result: DrillResult = {
    replicationGroupId: rgId,
    nodeGroupId,
    completed,
    secondsWithoutService: seconds(watched.withoutMs),
    longestOutageSeconds: seconds(watched.longestMs),
    probes: watched.probes,
    errors: watched.errors,
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
  return readEventPages(async (marker) => {
    const out = await clients.elasticache.send(new DescribeEventsCommand({ ...eventWindow(started, finished), MaxRecords: 100, Marker: marker }));
    const events = (out.Events ?? [])
      .filter((e) => e.SourceIdentifier && sources.has(e.SourceIdentifier))
      .map((e) => ({ date: e.Date ?? new Date(0), source: e.SourceIdentifier!, message: e.Message ?? '' }));
    return { events, marker: out.Marker };
  });
}
