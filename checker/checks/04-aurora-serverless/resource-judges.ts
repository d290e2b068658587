/**
 * Lab 4's deployed-resource checks as small judges of the described cluster,
 * its members and its engine's support phase (the facts, read by aws.ts).
 * Every check needs the cluster; that dependency is data (`needs`).
 */
import type { DBCluster, DBInstance } from '@aws-sdk/client-rds';
import { lab04 } from '../../../labs/04-aurora-serverless/lab.js';
import { auroraSupportsAutoPause, clusterNotFound, clusterRoles } from '../../aws/aurora-resources.js';
import { lifecycleProblem, lifecycleSummary, type EngineLifecycle } from '../../aws/engine-lifecycle.js';
import { EnvironmentError } from '../../core/errors.js';
import type { CheckResult } from '../../core/result.js';
import { awsResultBuilders } from '../aws-results.js';
import type { AwsJudge } from '../aws-judges.js';

export const LAB04_AWS_CHECKS = {
  cluster: { id: '04.aws.cluster', name: 'Aurora DB cluster exists and is available' },
  engine: { id: '04.aws.engine', name: 'Engine is Aurora MySQL 3.08 or newer (auto-pause needs it)' },
  scaling: { id: '04.aws.scaling', name: "Serverless v2 scaling: the lab's minimum, maximum and auto-pause" },
  instanceClass: { id: '04.aws.instance-class', name: 'The writer is a db.serverless instance' },
  capacityRose: {
    id: '04.aws.capacity-rose',
    name: 'Under load, ServerlessDatabaseCapacity rose above its level at the start of the ramp (and above a bare resume)',
  },
} as const;

export type Lab04CheckKey = keyof typeof LAB04_AWS_CHECKS;

export const lab04Results = awsResultBuilders(LAB04_AWS_CHECKS);
const { result, errorResult } = lab04Results;

/**
 * What the lesson sets (solutions/04-aurora-serverless/stack-config.ts): scale
 * from 0 ACUs (paused) up to 16, pausing after 5 idle minutes.
 */
export const LAB04_SCALING = { minCapacity: 0, maxCapacity: 16, secondsUntilAutoPause: 300 } as const;

const CONFIG_FILE = 'labs/04-aurora-serverless/stack-config.ts';
export const LAB04_DEPLOY = 'npm run deploy 4';
const DEPLOY = LAB04_DEPLOY;
const STACK_VERSION = lab04.requires?.rds[0]?.engineVersion ?? '8.0.mysql_aurora.3.10.4';

function scalingTask(id: string): string {
  const { minCapacity, maxCapacity, secondsUntilAutoPause } = LAB04_SCALING;
  return (
    `Set it in ${CONFIG_FILE} and deploy again with \`${DEPLOY}\`; or in the RDS console Modify the cluster > Capacity range (minimum ${minCapacity}, maximum ${maxCapacity}, pause after ${secondsUntilAutoPause / 60} minutes); or run ` +
    `\`aws rds modify-db-cluster --db-cluster-identifier ${id} --serverless-v2-scaling-configuration MinCapacity=${minCapacity},MaxCapacity=${maxCapacity},SecondsUntilAutoPause=${secondsUntilAutoPause} --apply-immediately\`.`
  );
}

export function scalingCheck(cluster: DBCluster, id: string): CheckResult {
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
    wrong.push(
      `the minimum is ${config.MinCapacity} ACU, not ${want.minCapacity}: the cluster never pauses and bills at least ${config.MinCapacity} ACU-hours every hour`,
    );
  }
  if (config.MaxCapacity !== want.maxCapacity) {
    wrong.push(
      config.MaxCapacity > want.maxCapacity
        ? `the maximum is ${config.MaxCapacity} ACU, above the lab's ${want.maxCapacity}: a runaway load could cost ${config.MaxCapacity / want.maxCapacity}x what the lab plans for`
        : `the maximum is ${config.MaxCapacity} ACU, below the lab's ${want.maxCapacity}: the ramp has too little room to show the capacity following the load`,
    );
  }
  if (config.MinCapacity === want.minCapacity && config.SecondsUntilAutoPause !== want.secondsUntilAutoPause) {
    wrong.push(
      `auto-pause is after ${config.SecondsUntilAutoPause ?? 'an unreported number of'} seconds, not ${want.secondsUntilAutoPause} (5 minutes, the wait the resume exercise plans for)`,
    );
  }
  if (wrong.length) return result('scaling', 'fail', `Serverless v2 scaling of ${id}: ${wrong.join('; ')} (seen: ${seen}).`, scalingTask(id));
  return result('scaling', 'pass', `Serverless v2 scaling of ${id}: ${seen}.`);
}

export function instanceClassCheck(cluster: DBCluster, instances: DBInstance[], id: string, writerHint?: string): CheckResult {
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

/** What aws.ts read from AWS; every judge works from this alone. */
export interface Lab04Facts {
  clusterId: string;
  region?: string;
  stackName?: string;
  source: 'stack' | 'flags';
  /** The writer's id from the stack, when RDS does not name one. */
  writerInstanceId?: string;
  /** `suggestions` is read only when the cluster was not found. */
  cluster: { found?: DBCluster; instances: DBInstance[]; error?: EnvironmentError; suggestions?: string[]; ms: number };
  /** The engine's support phase; read only for an Aurora MySQL version that can auto-pause. */
  lifecycle?: { found?: EngineLifecycle; error?: EnvironmentError };
}

export type Lab04Judge = AwsJudge<Lab04Facts, Lab04CheckKey>;

const clusterOf = (f: Lab04Facts): DBCluster => f.cluster.found!;

const cluster: Lab04Judge = {
  key: 'cluster',
  judge(f) {
    const id = f.clusterId;
    const ms = f.cluster.ms;
    if (f.cluster.error) return errorResult('cluster', f.cluster.error, ms);
    if (!f.cluster.found) {
      const { message, hint } = clusterNotFound(id, f.cluster.suggestions ?? [], {
        region: f.region,
        deployCommand: DEPLOY,
        stackName: f.stackName,
        fromStack: f.source === 'stack',
      });
      return result('cluster', 'fail', message, hint, ms);
    }
    const status = f.cluster.found.Status ?? 'unknown';
    return status === 'available'
      ? result('cluster', 'pass', `DB cluster ${id} is available.`, undefined, ms)
      : result(
          'cluster',
          'fail',
          `DB cluster ${id} has status "${status}", not "available".`,
          'Wait until it is available (RDS console or `aws rds describe-db-clusters`), then re-run.',
          ms,
        );
  },
  blocks(f) {
    if (f.cluster.error) return { why: `the DB cluster could not be read (see ${LAB04_AWS_CHECKS.cluster.id})` };
    if (!f.cluster.found) return { why: `the DB cluster "${f.clusterId}" was not found` };
    return undefined;
  },
};

/**
 * Two questions: does the version have the feature the lab needs (scaling to
 * 0 ACUs arrived in Aurora MySQL 3.08.0, a fixed fact), and is it still in
 * standard support and offered (read from RDS, since minors age out)?
 */
const engine: Lab04Judge = {
  key: 'engine',
  needs: ['cluster'],
  judge(f) {
    const cluster = clusterOf(f);
    const id = f.clusterId;
    const engine = cluster.Engine ?? 'unknown';
    const version = cluster.EngineVersion ?? '';
    const upgrade = `Upgrade it: \`aws rds modify-db-cluster --db-cluster-identifier ${id} --engine-version ${STACK_VERSION} --allow-major-version-upgrade --apply-immediately\`, or deploy the lab stack.`;
    if (engine !== 'aurora-mysql') {
      return result(
        'engine',
        'fail',
        `DB cluster ${id} runs the engine "${engine}"; the lab is written for Aurora MySQL (aurora-mysql).`,
        `Deploy the lab stack (\`${DEPLOY}\`), which uses ${STACK_VERSION}.`,
      );
    }
    if (!auroraSupportsAutoPause(version)) {
      return result(
        'engine',
        'fail',
        `DB cluster ${id} runs Aurora MySQL ${version || '(no version reported)'}: scaling to 0 ACUs (auto-pause) needs 3.08.0 or newer.`,
        upgrade,
      );
    }
    if (f.lifecycle?.error || !f.lifecycle?.found)
      return errorResult('engine', f.lifecycle?.error ?? new EnvironmentError('The kit did not read the engine lifecycle.', 'Report this as a kit bug.'));
    const lifecycle = f.lifecycle.found;
    // Serverless v2 is billed for Extended Support per ACU-hour, so no instance class is given.
    const problem = lifecycleProblem(lifecycle);
    if (problem) return result('engine', 'fail', `DB cluster ${id}: ${problem}`, upgrade);
    return result('engine', 'pass', `Aurora MySQL ${lifecycleSummary(lifecycle)}.`);
  },
};

/** In report order (the capacity under load is judged after the ramp, by capacityRoseCheck). */
export const LAB04_JUDGES: readonly Lab04Judge[] = [
  cluster,
  engine,
  { key: 'scaling', needs: ['cluster'], judge: (f) => scalingCheck(clusterOf(f), f.clusterId) },
  { key: 'instanceClass', needs: ['cluster'], judge: (f) => instanceClassCheck(clusterOf(f), f.cluster.instances, f.clusterId, f.writerInstanceId) },
];
