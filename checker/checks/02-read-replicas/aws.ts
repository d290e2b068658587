/**
 * Lab 02 on AWS: does the deployed primary have a read replica, is it
 * available, and is it keeping up (CloudWatch AWS/RDS ReplicaLag, seconds,
 * -1 when replication is not running)? A cross-region replica is recognised
 * when there is one, never required. Whether the replica refuses writes needs
 * a database connection: the AWS plan checks that once connected.
 *
 * This file reads the facts from AWS; resource-judges.ts judges them.
 * `fail` names what is wrong and the value seen; `error` means AWS could not
 * be asked (credentials, permissions, network), explained by checker/aws/errors.ts.
 */
import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import type { AwsClients } from '../../aws/clients.js';
import { explainAwsError } from '../../aws/errors.js';
import {
  describeDbInstance,
  isSameDbInstance,
  parseDbInstanceRef,
  regionOfDbInstance,
  suggestDbInstances,
  type Lab02Resources,
} from '../../aws/rds-resources.js';
import type { EnvironmentError } from '../../core/errors.js';
import type { CheckResult } from '../../core/result.js';
import { judgeAll } from '../aws-judges.js';
import { elapsed } from '../aws-results.js';
import { LAB02_DEPLOY, LAB02_JUDGES, lab02Results, LAG_WINDOW_MINUTES, MAX_REPLICA_LAG_SECONDS, replicaOf, type Lab02Facts } from './resource-judges.js';

export { addReplicaTask, LAB02_AWS_CHECKS, MAX_REPLICA_LAG_SECONDS } from './resource-judges.js';

const LAB_ID = 2;
const MINUTE = 60_000;

export interface Lab02AwsCheckOptions {
  region?: string;
  profile?: string;
  /** The clock (tests). */
  now?: () => Date;
  /** ReplicaLag above this many seconds fails (default 30). */
  maxLagSeconds?: number;
}

interface Ctx {
  region?: string;
  profile?: string;
}

export async function runLab02AwsChecks(clients: AwsClients, resources: Lab02Resources, options: Lab02AwsCheckOptions = {}): Promise<CheckResult[]> {
  const facts = await describeLab02(clients, resources, options);
  return judgeAll(LAB02_JUDGES, facts, lab02Results.skipped);
}

/** Everything the judges look at: the primary, which replicas it lists, the replica, its lag. */
export async function describeLab02(clients: AwsClients, resources: Lab02Resources, options: Lab02AwsCheckOptions = {}): Promise<Lab02Facts> {
  const ctx: Ctx = { region: options.region ?? resources.region ?? clients.region, profile: options.profile ?? clients.profile };
  const facts: Lab02Facts = {
    primaryId: resources.primaryInstanceId,
    region: ctx.region,
    stackName: resources.stackName,
    source: resources.source,
    primary: await readPrimary(clients, resources.primaryInstanceId, ctx),
    sameRegion: [],
    crossRegion: [],
    replica: { ms: 0 },
  };
  const primary = facts.primary.found;
  if (!primary) return facts;

  const primaryRegion = regionOfDbInstance(primary) ?? ctx.region;
  const refs = (primary.ReadReplicaDBInstanceIdentifiers ?? []).map(parseDbInstanceRef);
  facts.sameRegion = refs.filter((r) => !r.region || r.region === primaryRegion).map((r) => r.id);
  facts.crossRegion = refs.filter((r) => r.region && r.region !== primaryRegion);
  facts.replica = await readReplica(clients, resources, facts.sameRegion, ctx);

  const replica = replicaOf(facts);
  if (replica && replica.DBInstanceStatus !== 'creating') {
    facts.lag = await readLag(clients, replica.DBInstanceIdentifier ?? facts.replica.named ?? '?', ctx, options);
  }
  return facts;
}

async function readPrimary(clients: AwsClients, id: string, ctx: Ctx): Promise<Lab02Facts['primary']> {
  const t0 = performance.now();
  try {
    const found = await describeDbInstance(clients, id, { ...ctx, deployCommand: LAB02_DEPLOY });
    if (found) return { found, ms: elapsed(t0) };
    const suggestions = await suggestDbInstances(clients, LAB_ID, id);
    return { suggestions, ms: elapsed(t0) };
  } catch (err) {
    return { error: err as EnvironmentError, ms: elapsed(t0) };
  }
}

/** The named replica (whatever it is), or the first listed same-Region replica of the primary. */
async function readReplica(clients: AwsClients, resources: Lab02Resources, sameRegion: string[], ctx: Ctx): Promise<Lab02Facts['replica']> {
  const t0 = performance.now();
  const named = resources.replicaInstanceId;
  try {
    if (named) {
      const found = await describeDbInstance(clients, named, { ...ctx, flag: '--replica-instance <id>', deployCommand: LAB02_DEPLOY });
      if (found) return { named, found, ms: elapsed(t0) };
      return { named, suggestions: await suggestDbInstances(clients, LAB_ID, named), ms: elapsed(t0) };
    }
    for (const id of sameRegion) {
      const found = await describeDbInstance(clients, id, { ...ctx, flag: '--replica-instance <id>' });
      if (found && isSameDbInstance(found.ReadReplicaSourceDBInstanceIdentifier, resources.primaryInstanceId)) return { found, ms: elapsed(t0) };
    }
    return { ms: elapsed(t0) };
  } catch (err) {
    return { ...(named ? { named } : {}), error: err as EnvironmentError, ms: elapsed(t0) };
  }
}

/** AWS/RDS ReplicaLag (Maximum per minute) over the last LAG_WINDOW_MINUTES. */
async function readLag(clients: AwsClients, replicaId: string, ctx: Ctx, options: Lab02AwsCheckOptions): Promise<NonNullable<Lab02Facts['lag']>> {
  const maxSeconds = options.maxLagSeconds ?? MAX_REPLICA_LAG_SECONDS;
  const until = options.now?.() ?? new Date();
  const end = new Date(Math.ceil(until.getTime() / MINUTE) * MINUTE);
  const start = new Date(end.getTime() - LAG_WINDOW_MINUTES * MINUTE);
  const t0 = performance.now();
  const points: Array<{ at: number; value: number }> = [];
  try {
    let token: string | undefined;
    let pages = 0;
    do {
      const out = await clients.cloudwatch.send(
        new GetMetricDataCommand({
          MetricDataQueries: [
            {
              Id: 'lag',
              Label: `${replicaId} ReplicaLag`,
              MetricStat: {
                Metric: { Namespace: 'AWS/RDS', MetricName: 'ReplicaLag', Dimensions: [{ Name: 'DBInstanceIdentifier', Value: replicaId }] },
                Period: 60,
                Stat: 'Maximum',
              },
              ReturnData: true,
            },
          ],
          StartTime: start,
          EndTime: end,
          ScanBy: 'TimestampDescending',
          NextToken: token,
        }),
      );
      for (const r of out.MetricDataResults ?? []) {
        if (r.Id !== 'lag') continue;
        (r.Values ?? []).forEach((value, i) => points.push({ at: r.Timestamps?.[i]?.getTime() ?? 0, value }));
      }
      token = out.NextToken;
      pages += 1;
    } while (token && pages < 10);
  } catch (err) {
    return {
      points,
      error: explainAwsError(err, { action: 'cloudwatch:GetMetricData', region: ctx.region, profile: ctx.profile }),
      ms: elapsed(t0),
      maxSeconds,
    };
  }
  return { points, ms: elapsed(t0), maxSeconds };
}
