/**
 * Lab 04 on AWS: is the deployed cluster Aurora Serverless v2 as the lesson
 * sets it up - a current Aurora MySQL (auto-pause needs 3.08+), capacity
 * from the lab's minimum (0: auto-pause) to its maximum, pausing after five
 * idle minutes, a db.serverless writer - and, after the load ramp, did the
 * capacity really rise above where it was when the ramp started (CloudWatch ServerlessDatabaseCapacity)?
 *
 * `fail` names what is wrong and the value seen; `error` means AWS could not
 * be asked, explained by checker/aws/errors.ts.
 */
import type { DBCluster, DBInstance } from '@aws-sdk/client-rds';
import { auroraSupportsAutoPause, describeClusterInstances, describeDbCluster, suggestDbClusters, type Lab04Resources } from '../../aws/aurora-resources.js';
import type { AwsClients } from '../../aws/clients.js';
import { readEngineLifecycle } from '../../aws/engine-lifecycle.js';
import { explainAwsError } from '../../aws/errors.js';
import { readServerlessCapacity, type CapacityPoint } from '../../aws/serverless-capacity.js';
import type { EnvironmentError } from '../../core/errors.js';
import type { CheckResult } from '../../core/result.js';
import { judgeAll } from '../aws-judges.js';
import { elapsed } from '../aws-results.js';
import { LAB04_DEPLOY, LAB04_JUDGES, LAB04_SCALING, lab04Results, type Lab04Facts } from './resource-judges.js';

export { LAB04_AWS_CHECKS, LAB04_SCALING } from './resource-judges.js';

const LAB_ID = 4;
const MINUTE = 60_000;
const { result } = lab04Results;

export interface Lab04AwsCheckOptions {
  region?: string;
  profile?: string;
  /** The date support phases are judged at (tests); default now. */
  now?: Date;
}

export interface Lab04AwsReport {
  checks: CheckResult[];
  cluster?: DBCluster;
  instances: DBInstance[];
}

export async function runLab04AwsChecks(clients: AwsClients, resources: Lab04Resources, options: Lab04AwsCheckOptions = {}): Promise<Lab04AwsReport> {
  const facts = await describeLab04(clients, resources, options);
  const checks = judgeAll(LAB04_JUDGES, facts, lab04Results.skipped);
  return facts.cluster.found ? { checks, cluster: facts.cluster.found, instances: facts.cluster.instances } : { checks, instances: [] };
}

/** Everything the judges look at: the cluster and its members, then (for a version that can pause) the engine's support phase. */
export async function describeLab04(clients: AwsClients, resources: Lab04Resources, options: Lab04AwsCheckOptions = {}): Promise<Lab04Facts> {
  const ctx = { region: options.region ?? resources.region ?? clients.region, profile: options.profile ?? clients.profile, deployCommand: LAB04_DEPLOY };
  const id = resources.clusterId;
  const facts: Lab04Facts = {
    clusterId: id,
    region: ctx.region,
    stackName: resources.stackName,
    source: resources.source,
    writerInstanceId: resources.writerInstanceId,
    cluster: { instances: [], ms: 0 },
  };
  const t0 = performance.now();
  try {
    const found = await describeDbCluster(clients, id, ctx);
    facts.cluster = found
      ? { found, instances: await describeClusterInstances(clients, id, ctx), ms: elapsed(t0) }
      : { instances: [], suggestions: await suggestDbClusters(clients, LAB_ID, id), ms: elapsed(t0) };
  } catch (err) {
    facts.cluster = { instances: [], error: err as EnvironmentError, ms: elapsed(t0) };
  }
  const cluster = facts.cluster.found;
  if (cluster?.Engine === 'aurora-mysql' && auroraSupportsAutoPause(cluster.EngineVersion ?? '')) {
    try {
      facts.lifecycle = { found: await readEngineLifecycle(clients.rds, cluster.Engine, cluster.EngineVersion ?? '', options.now ?? new Date()) };
    } catch (err) {
      facts.lifecycle = { error: explainAwsError(err, { action: 'rds:DescribeDBMajorEngineVersions', region: ctx.region, profile: ctx.profile }) };
    }
  }
  return facts;
}

export interface CapacityRoseOptions {
  region?: string;
  profile?: string;
  /** The minimum to rise above (default the lab's, 0). */
  minCapacity?: number;
  /** How long to wait for CloudWatch to publish the load's minutes (default 3 minutes). */
  waitMs?: number;
  /** Between reads while waiting (default 30 s). */
  pollMs?: number;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  onWaiting?: (line: string) => void;
}

export interface CapacityFigures {
  clusterId: string;
  minCapacity: number;
  /** The capacity at the start of the ramp (the oldest datapoint of the window). */
  baseline?: number;
  /** What the peak had to exceed: the baseline, the minimum and a bare resume, whichever is highest. */
  threshold?: number;
  peak?: number;
  points: CapacityPoint[];
}

/** Aurora Serverless v2 resumes from 0 ACU at this capacity: reaching it shows a resume, not scaling. */
export const RESUME_CAPACITY_ACU = 0.5;

/**
 * The level the ramp must beat: the capacity at its start (the oldest point),
 * the configured minimum, and a bare resume from a pause. With a 0-ACU
 * minimum any resume is "above the minimum", so the minimum alone proves
 * nothing.
 */
export function capacityThreshold(points: readonly CapacityPoint[], min: number): { baseline?: number; threshold: number } {
  const oldest = points.length ? points.reduce((a, b) => (b.at < a.at ? b : a)) : undefined;
  const baseline = oldest?.value;
  return { baseline, threshold: Math.max(baseline ?? min, min, RESUME_CAPACITY_ACU) };
}

/**
 * After the load ramp: did ServerlessDatabaseCapacity rise above where it was
 * when the ramp started, and above a bare resume? CloudWatch publishes a
 * minute or two late, so the check keeps reading for a while before it gives up.
 */
export async function capacityRoseCheck(
  clients: AwsClients,
  clusterId: string,
  since: Date,
  options: CapacityRoseOptions = {},
): Promise<{ check: CheckResult; figures: CapacityFigures }> {
  const now = options.now ?? (() => new Date());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const min = options.minCapacity ?? LAB04_SCALING.minCapacity;
  const waitMs = options.waitMs ?? 3 * MINUTE;
  const pollMs = options.pollMs ?? 30_000;
  const ctx = { region: options.region ?? clients.region, profile: options.profile ?? clients.profile };
  const start = new Date(since.getTime() - MINUTE);
  const t0 = performance.now();
  const deadline = now().getTime() + waitMs;
  let points: CapacityPoint[] = [];
  while (true) {
    try {
      points = await readServerlessCapacity(clients.cloudwatch, clusterId, start, new Date(now().getTime() + MINUTE), ctx);
    } catch (err) {
      const e = err as EnvironmentError;
      return { check: result('capacityRose', 'error', e.message, e.nextStep, elapsed(t0)), figures: { clusterId, minCapacity: min, points } };
    }
    const { threshold } = capacityThreshold(points, min);
    if (points.some((p) => p.value > threshold) || now().getTime() >= deadline) break;
    options.onWaiting?.(`Waiting for CloudWatch to publish ServerlessDatabaseCapacity of ${clusterId} (it arrives a minute or two late)`);
    await sleep(pollMs);
  }
  const ms = elapsed(t0);
  const peak = points.length ? Math.max(...points.map((p) => p.value)) : undefined;
  const { baseline, threshold } = capacityThreshold(points, min);
  const figures: CapacityFigures = { clusterId, minCapacity: min, baseline, threshold, peak, points };
  const window = `since ${since.toISOString().slice(11, 16)} UTC`;
  if (peak === undefined) {
    return {
      check: result(
        'capacityRose',
        'fail',
        `CloudWatch has no ServerlessDatabaseCapacity datapoints for ${clusterId} ${window}.`,
        'The metric appears a minute or two after the load; if the cluster was paused the whole time, the load never reached it. Run the ramp again (`npm run check -- 4 --target aws`) and look at the lab dashboard.',
        ms,
      ),
      figures,
    };
  }
  if (peak <= threshold) {
    const start = `${baseline} ACU at the start of the ramp`;
    const why =
      peak <= (baseline ?? min)
        ? `never rose above ${start}`
        : `rose only to ${peak} ACU, a resume from a pause (${RESUME_CAPACITY_ACU} ACU) rather than scaling; it had ${start}`;
    return {
      check: result(
        'capacityRose',
        'fail',
        `ServerlessDatabaseCapacity of ${clusterId} ${why} (${window}, minimum ${min}): the load did not make the cluster scale.`,
        'Check that the ramp ran against this cluster and reached its later steps (the exercise 02 results), and that the maximum capacity is above the minimum; then run it again.',
        ms,
      ),
      figures,
    };
  }
  const series = [...points]
    .reverse()
    .map((p) => p.value)
    .join(' -> ');
  return {
    check: result(
      'capacityRose',
      'pass',
      `ServerlessDatabaseCapacity of ${clusterId} rose to ${peak} ACU ${window}, from ${baseline} ACU at the start of the ramp (minimum ${min}; per minute: ${series}).`,
      undefined,
      ms,
    ),
    figures,
  };
}
