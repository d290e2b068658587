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
import { lab04 } from '../../../labs/04-aurora-serverless/lab.js';
import {
  auroraSupportsAutoPause,
  clusterNotFound,
  clusterRoles,
  describeClusterInstances,
  describeDbCluster,
  suggestDbClusters,
  type Lab04Resources,
} from '../../aws/aurora-resources.js';
import type { AwsClients } from '../../aws/clients.js';
import { lifecycleProblem, lifecycleSummary, readEngineLifecycle } from '../../aws/engine-lifecycle.js';
import { explainAwsError } from '../../aws/errors.js';
import { readServerlessCapacity, type CapacityPoint } from '../../aws/serverless-capacity.js';
import type { EnvironmentError } from '../../core/errors.js';
import type { CheckResult } from '../../core/result.js';
import { awsResultBuilders, elapsed } from '../aws-results.js';

export const LAB04_AWS_CHECKS = {
  cluster: { id: '04.aws.cluster', name: 'Aurora DB cluster exists and is available' },
  engine: { id: '04.aws.engine', name: 'Engine is Aurora MySQL 3.08 or newer (auto-pause needs it)' },
  scaling: { id: '04.aws.scaling', name: "Serverless v2 scaling: the lab's minimum, maximum and auto-pause" },
  instanceClass: { id: '04.aws.instance-class', name: 'The writer is a db.serverless instance' },
  capacityRose: { id: '04.aws.capacity-rose', name: 'Under load, ServerlessDatabaseCapacity rose above its level at the start of the ramp (and above a bare resume)' },
} as const;

type CheckKey = keyof typeof LAB04_AWS_CHECKS;

const { result, skipped } = awsResultBuilders(LAB04_AWS_CHECKS);

/**
 * What the lesson sets (solutions/04-aurora-serverless/stack-config.ts): scale
 * from 0 ACUs (paused) up to 16, pausing after 5 idle minutes.
 */
export const LAB04_SCALING = { minCapacity: 0, maxCapacity: 16, secondsUntilAutoPause: 300 } as const;

const LAB_ID = 4;
const CONFIG_FILE = 'labs/04-aurora-serverless/stack-config.ts';
const DEPLOY = 'npm run deploy 4';
const STACK_VERSION = lab04.requires?.rds[0]?.engineVersion ?? '8.0.mysql_aurora.3.10.4';
const MINUTE = 60_000;

export interface Lab04AwsCheckOptions {
  region?: string;
  profile?: string;
  /** The date support phases are judged at (tests); default now. */
  now?: Date;
}

const DEPENDANTS: CheckKey[] = ['engine', 'scaling', 'instanceClass'];

export interface Lab04AwsReport {
  checks: CheckResult[];
  cluster?: DBCluster;
  instances: DBInstance[];
}

export async function runLab04AwsChecks(clients: AwsClients, resources: Lab04Resources, options: Lab04AwsCheckOptions = {}): Promise<Lab04AwsReport> {
  const ctx = { region: options.region ?? resources.region ?? clients.region, profile: options.profile ?? clients.profile, deployCommand: DEPLOY };
  const id = resources.clusterId;
  const t0 = performance.now();
  let cluster: DBCluster | undefined;
  let instances: DBInstance[] = [];
  try {
    cluster = await describeDbCluster(clients, id, ctx);
    if (cluster) instances = await describeClusterInstances(clients, id, ctx);
  } catch (err) {
    const e = err as EnvironmentError;
    const why = `the DB cluster could not be read (see ${LAB04_AWS_CHECKS.cluster.id})`;
    return { checks: [result('cluster', 'error', e.message, e.nextStep, elapsed(t0)), ...DEPENDANTS.map((k) => skipped(k, why))], instances: [] };
  }
  if (!cluster) {
    const { message, hint } = clusterNotFound(id, await suggestDbClusters(clients, LAB_ID, id), {
      region: ctx.region,
      deployCommand: DEPLOY,
      stackName: resources.stackName,
      fromStack: resources.source === 'stack',
    });
    return { checks: [result('cluster', 'fail', message, hint, elapsed(t0)), ...DEPENDANTS.map((k) => skipped(k, `the DB cluster "${id}" was not found`))], instances: [] };
  }
  const status = cluster.Status ?? 'unknown';
  const checks = [
    status === 'available'
      ? result('cluster', 'pass', `DB cluster ${id} is available.`, undefined, elapsed(t0))
      : result('cluster', 'fail', `DB cluster ${id} has status "${status}", not "available".`, 'Wait until it is available (RDS console or `aws rds describe-db-clusters`), then re-run.', elapsed(t0)),
    await engineCheck(clients, cluster, id, ctx, options.now ?? new Date()),
    scalingCheck(cluster, id),
    instanceClassCheck(cluster, instances, id, resources.writerInstanceId),
  ];
  return { checks, cluster, instances };
}

/**
 * Two questions: does the version have the feature the lab needs (scaling to
 * 0 ACUs arrived in Aurora MySQL 3.08.0, a fixed fact), and is it still in
 * standard support and offered (read from RDS, since minors age out)?
 */
async function engineCheck(clients: AwsClients, cluster: DBCluster, id: string, ctx: { region?: string; profile?: string }, now: Date): Promise<CheckResult> {
  const engine = cluster.Engine ?? 'unknown';
  const version = cluster.EngineVersion ?? '';
  const upgrade = `Upgrade it: \`aws rds modify-db-cluster --db-cluster-identifier ${id} --engine-version ${STACK_VERSION} --allow-major-version-upgrade --apply-immediately\`, or deploy the lab stack.`;
  if (engine !== 'aurora-mysql') {
    return result('engine', 'fail', `DB cluster ${id} runs the engine "${engine}"; the lab is written for Aurora MySQL (aurora-mysql).`, `Deploy the lab stack (\`${DEPLOY}\`), which uses ${STACK_VERSION}.`);
  }
  if (!auroraSupportsAutoPause(version)) {
    return result('engine', 'fail', `DB cluster ${id} runs Aurora MySQL ${version || '(no version reported)'}: scaling to 0 ACUs (auto-pause) needs 3.08.0 or newer.`, upgrade);
  }
  let lifecycle;
  try {
    lifecycle = await readEngineLifecycle(clients.rds, engine, version, now);
  } catch (err) {
    const e = explainAwsError(err, { action: 'rds:DescribeDBMajorEngineVersions', region: ctx.region, profile: ctx.profile });
    return result('engine', 'error', e.message, e.nextStep);
  }
  // Serverless v2 is billed for Extended Support per ACU-hour, so no instance class is given.
  const problem = lifecycleProblem(lifecycle);
  if (problem) return result('engine', 'fail', `DB cluster ${id}: ${problem}`, upgrade);
  return result('engine', 'pass', `Aurora MySQL ${lifecycleSummary(lifecycle)}.`);
}

function scalingTask(id: string): string {
  const { minCapacity, maxCapacity, secondsUntilAutoPause } = LAB04_SCALING;
  return (
    `Set it in ${CONFIG_FILE} and deploy again with \`${DEPLOY}\`; or in the RDS console Modify the cluster > Capacity range (minimum ${minCapacity}, maximum ${maxCapacity}, pause after ${secondsUntilAutoPause / 60} minutes); or run ` +
    `\`aws rds modify-db-cluster --db-cluster-identifier ${id} --serverless-v2-scaling-configuration MinCapacity=${minCapacity},MaxCapacity=${maxCapacity},SecondsUntilAutoPause=${secondsUntilAutoPause} --apply-immediately\`.`
  );
}

function scalingCheck(cluster: DBCluster, id: string): CheckResult {
  const config = cluster.ServerlessV2ScalingConfiguration;
  if (!config || config.MinCapacity === undefined || config.MaxCapacity === undefined) {
    return result(
      'scaling',
      'fail',
      `DB cluster ${id} has no Serverless v2 scaling configuration: it is a provisioned cluster, whose instances have a fixed size.`,
      `Give it a capacity range and a db.serverless instance. ${scalingTask(id)}`,
    );
  }
  const want = LAB04_SCALING;
  const seen = `minimum ${config.MinCapacity} ACU, maximum ${config.MaxCapacity} ACU${config.SecondsUntilAutoPause !== undefined ? `, auto-pause after ${config.SecondsUntilAutoPause} s` : ''}`;
  const wrong: string[] = [];
  if (config.MinCapacity !== want.minCapacity) {
    wrong.push(`the minimum is ${config.MinCapacity} ACU, not ${want.minCapacity}: the cluster never pauses and bills at least ${config.MinCapacity} ACU-hours every hour`);
  }
  if (config.MaxCapacity !== want.maxCapacity) {
    wrong.push(
      config.MaxCapacity > want.maxCapacity
        ? `the maximum is ${config.MaxCapacity} ACU, above the lab's ${want.maxCapacity}: a runaway load could cost ${config.MaxCapacity / want.maxCapacity}x what the lab plans for`
        : `the maximum is ${config.MaxCapacity} ACU, below the lab's ${want.maxCapacity}: the ramp has too little room to show the capacity following the load`,
    );
  }
  if (config.MinCapacity === want.minCapacity && config.SecondsUntilAutoPause !== want.secondsUntilAutoPause) {
    wrong.push(`auto-pause is after ${config.SecondsUntilAutoPause ?? 'an unreported number of'} seconds, not ${want.secondsUntilAutoPause} (5 minutes, the wait the resume exercise plans for)`);
  }
  if (wrong.length) return result('scaling', 'fail', `Serverless v2 scaling of ${id}: ${wrong.join('; ')} (seen: ${seen}).`, scalingTask(id));
  return result('scaling', 'pass', `Serverless v2 scaling of ${id}: ${seen}.`);
}

function instanceClassCheck(cluster: DBCluster, instances: DBInstance[], id: string, writerHint?: string): CheckResult {
  const writer = clusterRoles(cluster).writers[0] ?? writerHint;
  const inst = instances.find((i) => i.DBInstanceIdentifier === writer);
  if (!writer || !inst) {
    return result(
      'instanceClass',
      'fail',
      `DB cluster ${id} has no writer instance${writer ? ` (${writer} was not found)` : ''}: a Serverless v2 cluster still needs one db.serverless instance to run queries.`,
      `Add one: \`aws rds create-db-instance --db-cluster-identifier ${id} --db-instance-identifier ${id}-writer --engine aurora-mysql --db-instance-class db.serverless\`, or deploy the lab stack.`,
    );
  }
  const provisioned = instances.filter((i) => i.DBInstanceClass !== 'db.serverless').map((i) => `${i.DBInstanceIdentifier} (${i.DBInstanceClass})`);
  if (inst.DBInstanceClass !== 'db.serverless') {
    return result(
      'instanceClass',
      'fail',
      `The writer ${writer} is a ${inst.DBInstanceClass ?? 'unknown'} instance, not db.serverless: its capacity is fixed, whatever the scaling configuration says.`,
      `Change its class: console Modify > Instance configuration > Serverless v2, or \`aws rds modify-db-instance --db-instance-identifier ${writer} --db-instance-class db.serverless --apply-immediately\`.`,
    );
  }
  const note = provisioned.length ? ` (other members are provisioned: ${provisioned.join(', ')})` : '';
  return result('instanceClass', 'pass', `The writer ${writer} is db.serverless${note}.`);
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
    const why = peak <= (baseline ?? min) ? `never rose above ${start}` : `rose only to ${peak} ACU, a resume from a pause (${RESUME_CAPACITY_ACU} ACU) rather than scaling; it had ${start}`;
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
  const series = [...points].reverse().map((p) => p.value).join(' -> ');
  return { check: result('capacityRose', 'pass', `ServerlessDatabaseCapacity of ${clusterId} rose to ${peak} ACU ${window}, from ${baseline} ACU at the start of the ramp (minimum ${min}; per minute: ${series}).`, undefined, ms), figures };
}
