/**
 * Lab 03 failover drill on AWS: FailoverDBCluster promotes a reader to
 * writer while two clients in the exercise process keep writing - one that
 * trusts the cluster endpoint's DNS name, and the learner's topology-aware
 * client. Their figures (seconds without service, writes that landed on a
 * reader because the name still pointed at the old writer) come back side by
 * side, next to what RDS reports: which instance was the writer before and
 * after, and the cluster's failover events.
 *
 * The drill interrupts a live cluster, so it never starts without
 * `confirm()`, and it refuses up front when it cannot work (no reader to
 * promote, cluster busy). The exercise process is passed in as `runClients`,
 * and clock and sleep are injectable, so tests run without forking or waiting.
 */
import { DescribeDBClustersCommand, DescribeEventsCommand, FailoverDBClusterCommand } from '@aws-sdk/client-rds';
import { clusterNotFound, clusterRoles, describeDbCluster, suggestDbClusters } from '../../aws/aurora-resources.js';
import type { AwsClients } from '../../aws/clients.js';
import { errorSummary, explainAwsError } from '../../aws/errors.js';
import { EnvironmentError } from '../../core/errors.js';
import type { CheckResult } from '../../core/result.js';
import { addReadersTask } from './resource-judges.js';
import { asDrillComparison, judgeDrill, type DrillComparison } from './drill-report.js';
import { defaultSleep, DrillRefused, eventWindow, fatalPollError, readEventPages, seconds } from '../drill.js';

export interface AuroraDrillPlan {
  clusterId: string;
  writer: string;
  readers: string[];
}

export interface AuroraDrillEvent {
  date: Date;
  source: string;
  message: string;
}

export interface Lab03DrillResult {
  clusterId: string;
  /** RDS reported another instance as the writer before the clients finished. */
  completed: boolean;
  oldWriter: string;
  newWriter?: string;
  /** From the FailoverDBCluster call to the first poll that saw the new writer. */
  writerChangedAfterSeconds?: number;
  /** What the two clients saw, when the exercise process reported it. */
  comparison?: DrillComparison;
  /** Why the clients' figures are missing, when they are. */
  clientError?: string;
  events: AuroraDrillEvent[];
  durationSeconds: number;
}

export interface Lab03DrillOptions {
  clients: AwsClients;
  clusterId: string;
  confirm: (plan: AuroraDrillPlan) => Promise<boolean>;
  /**
   * Runs the two clients (the exercise process with measure 'failover-drill')
   * and resolves with its measurement; calls `onEvent('probe-started')` once
   * both are writing.
   */
  runClients: (onEvent: (name: string) => void) => Promise<unknown>;
  region?: string;
  profile?: string;
  /** Time the clients write undisturbed before the failover (default 2 s). */
  leadInMs?: number;
  /** Between DescribeDBClusters polls (default 3 s). */
  pollIntervalMs?: number;
  /** Stop watching for the new writer after this long (default 5 minutes). */
  maxWatchMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  onProgress?: (line: string) => void;
}

export type AuroraDrillRefusal = 'not-confirmed' | 'not-found' | 'not-available' | 'no-reader' | 'clients-never-started';

/** Lab 3's name for the one refusal type every drill throws. */
export const AuroraDrillRefused = DrillRefused;
export type AuroraDrillRefused = DrillRefused<AuroraDrillRefusal>;

const DEPLOY = 'npm run deploy 3';

export async function runLab03FailoverDrill(options: Lab03DrillOptions): Promise<Lab03DrillResult> {
  const { clients, clusterId: id } = options;
  const sleep = options.sleep ?? defaultSleep;
  const now = options.now ?? Date.now;
  const region = options.region ?? clients.region;
  const profile = options.profile ?? clients.profile;
  const progress = options.onProgress ?? (() => undefined);
  const ctx = { region, profile, deployCommand: DEPLOY };

  // --- preconditions: refuse before asking when the drill cannot work ---
  const cluster = await describeDbCluster(clients, id, ctx);
  if (!cluster) {
    const { message, hint } = clusterNotFound(id, await suggestDbClusters(clients, 3, id), { region, deployCommand: DEPLOY });
    throw new DrillRefused<AuroraDrillRefusal>('not-found', `${message} Nothing to fail over.`, hint);
  }
  const status = cluster.Status ?? 'unknown';
  if (status !== 'available') {
    throw new DrillRefused<AuroraDrillRefusal>(
      'not-available',
      `DB cluster ${id} is ${status}, not available: RDS fails over only an available cluster. Nothing was changed.`,
      'Wait until its status is "available", then re-run the drill.',
    );
  }
  const { writers, readers } = clusterRoles(cluster);
  const oldWriter = writers[0];
  if (!oldWriter || readers.length === 0) {
    throw new DrillRefused<AuroraDrillRefusal>(
      'no-reader',
      `DB cluster ${id} has ${oldWriter ? `only its writer ${oldWriter}` : 'no writer'} and no reader: there is nothing to promote. Nothing was changed.`,
      `${addReadersTask(id, readers.length)} Then run the drill again.`,
    );
  }
  if (!(await options.confirm({ clusterId: id, writer: oldWriter, readers }))) {
    throw new DrillRefused<AuroraDrillRefusal>('not-confirmed', `Failover drill on ${id} cancelled: nothing was changed.`);
  }

  // --- the drill: the clients start, and once they write, the failover ---
  const started = now();
  let failing: Promise<{ requestedAt: number; newWriter?: string; changedAt?: number }> | undefined;
  let clientsFinished = false;
  const watchForNewWriter = async (requestedAt: number) => {
    const maxWatch = options.maxWatchMs ?? 5 * 60_000;
    while (now() - requestedAt < maxWatch) {
      await sleep(options.pollIntervalMs ?? 3_000);
      try {
        const out = await clients.rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: id }));
        const c = out.DBClusters?.[0];
        const writer = c && clusterRoles(c).writers[0];
        if (writer && writer !== oldWriter) {
          progress(`RDS reports ${writer} as the writer now (was ${oldWriter}).`);
          return { requestedAt, newWriter: writer, changedAt: now() };
        }
      } catch (err) {
        const fatal = fatalPollError(err, region, { action: 'rds:DescribeDBClusters', region, profile, resource: { kind: 'Aurora DB cluster', id } });
        if (fatal) throw fatal;
      }
      // Once the clients are done, one last poll is enough: what they saw is already measured.
      if (clientsFinished) break;
    }
    return { requestedAt };
  };
  const startFailover = async () => {
    await sleep(options.leadInMs ?? 2_000);
    const requestedAt = now();
    try {
      await clients.rds.send(new FailoverDBClusterCommand({ DBClusterIdentifier: id }));
    } catch (err) {
      const name = (err as { name?: string } | null)?.name ?? '';
      if (name === 'InvalidDBClusterStateFault' || name === 'InvalidDBInstanceStateFault') {
        throw new EnvironmentError(
          `RDS refused the failover: DB cluster ${id} is busy (${errorSummary(err)}). Nothing was changed.`,
          'Wait until the cluster and its instances are "available" again, then re-run the drill.',
        );
      }
      throw explainAwsError(err, { action: 'rds:FailoverDBCluster', region, profile, resource: { kind: 'Aurora DB cluster', id, flag: '--cluster <id>' } });
    }
    progress(`FailoverDBCluster sent for ${id}: ${oldWriter} hands the writer role to one of ${readers.join(', ')}.`);
    return watchForNewWriter(requestedAt);
  };

  let measurement: unknown;
  let clientError: string | undefined;
  try {
    measurement = await options.runClients((event) => {
      if (event === 'probe-started' && !failing) {
        failing = startFailover();
        failing.catch(() => undefined); // judged below, after the clients finish
      }
    });
  } catch (err) {
    clientError = errorSummary(err) || 'the exercise process failed';
  }
  clientsFinished = true;
  if (!failing) {
    throw new DrillRefused<AuroraDrillRefusal>(
      'clients-never-started',
      `The clients never started writing${clientError ? ` (${clientError})` : ''}, so no failover was sent: nothing was changed.`,
      'Make exercise 03 pass first: npm run check -- 3 --exercise 03 --target aws',
    );
  }
  const failover = await failing;
  const finished = now();
  const comparison = asDrillComparison(measurement);
  if (!comparison && !clientError) {
    const reported = (measurement as { error?: unknown } | undefined)?.error;
    clientError = typeof reported === 'string' ? reported : 'the exercise process reported no figures for the two clients';
  }
  const events = await readClusterFailoverEvents(clients, id, started, finished);
  return {
    clusterId: id,
    completed: failover.newWriter !== undefined,
    oldWriter,
    newWriter: failover.newWriter,
    writerChangedAfterSeconds: failover.changedAt !== undefined ? seconds(failover.changedAt - failover.requestedAt) : undefined,
    comparison,
    clientError,
    events,
    durationSeconds: seconds(finished - started),
  };
}

async function readClusterFailoverEvents(clients: AwsClients, id: string, started: number, finished: number): Promise<AuroraDrillEvent[]> {
  const read = await readEventPages(async () => {
    const out = await clients.rds.send(
      new DescribeEventsCommand({
        SourceIdentifier: id,
        SourceType: 'db-cluster',
        EventCategories: ['failover'],
        ...eventWindow(started, finished),
        MaxRecords: 100,
      }),
    );
    return { events: (out.Events ?? []).map((e) => ({ date: e.Date ?? new Date(0), source: e.SourceIdentifier ?? id, message: e.Message ?? '' })) };
  }, 1);
  // The events are context for the learner, never the verdict.
  return read.error ? [] : read.list;
}

/** The drill as one check: RDS's side first, then the two clients side by side. */
export function drillCheck(result: Lab03DrillResult): CheckResult {
  const base = {
    id: '03.aws.failover-drill',
    name: 'failover drill: a DNS-only client next to your topology-aware client',
    group: 'aws',
    durationMs: Math.round(result.durationSeconds * 1000),
  };
  const rds = result.completed
    ? `FailoverDBCluster on ${result.clusterId}: ${result.oldWriter} -> ${result.newWriter}, seen by RDS after ${result.writerChangedAfterSeconds} s.`
    : `FailoverDBCluster on ${result.clusterId}: RDS still named ${result.oldWriter} the writer when the clients finished (${result.durationSeconds} s).`;
  const events = result.events.length ? `\nRDS events: ${result.events.map((e) => `${e.date.toISOString().slice(11, 19)} ${e.message}`).join('; ')}` : '';
  if (!result.comparison) {
    return {
      ...base,
      status: 'fail',
      message: `${rds} Your clients did not report: ${result.clientError ?? 'no figures'}.${events}`,
      hint: 'Make exercise 03 pass first: npm run check -- 3 --exercise 03 --target aws',
    };
  }
  if (!result.completed) {
    return {
      ...base,
      status: 'fail',
      message: `${rds}\n${judgeDrill(result.comparison).message}${events}`,
      hint: "Look at the cluster's events in the RDS console; a failover usually completes in under a minute. Re-run the drill when the cluster is available.",
    };
  }
  const verdict = judgeDrill(result.comparison);
  const last = result.comparison.topologyAware.servers.at(-1);
  if (verdict.status === 'pass' && last !== result.newWriter) {
    // On Aurora @@aurora_server_id is the instance identifier, so the two must agree.
    return {
      ...base,
      status: 'fail',
      message: `${rds}\nyour topology-aware client ended on ${last}, but RDS names ${result.newWriter} the writer\n${verdict.message.split('\n').slice(1).join('\n')}${events}`,
      hint: "Ask replica_host_status again after every failure: the row with SESSION_ID = 'MASTER_SESSION_ID' names the writer.",
    };
  }
  return { ...base, status: verdict.status, message: `${rds}\n${verdict.message}${events}`, ...(verdict.hint ? { hint: verdict.hint } : {}) };
}
