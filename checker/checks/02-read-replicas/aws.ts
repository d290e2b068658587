/**
 * Lab 02 on AWS: does the deployed primary have a read replica, is it
 * available, and is it keeping up (CloudWatch AWS/RDS ReplicaLag, seconds,
 * -1 when replication is not running)? A cross-region replica is recognised
 * when there is one, never required. Whether the replica refuses writes needs
 * a database connection: the exercises check that, not these checks.
 *
 * `fail` names what is wrong and the value seen; `error` means AWS could not
 * be asked (credentials, permissions, network), explained by checker/aws/errors.ts.
 */
import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import type { DBInstance } from '@aws-sdk/client-rds';
import type { AwsClients } from '../../aws/clients.js';
import { explainAwsError } from '../../aws/errors.js';
import {
  describeDbInstance,
  instanceNotFound,
  isSameDbInstance,
  parseDbInstanceRef,
  regionOfDbInstance,
  suggestDbInstances,
  type Lab02Resources,
} from '../../aws/rds-resources.js';
import type { EnvironmentError } from '../../core/errors.js';
import type { CheckResult } from '../../core/result.js';
import { awsResultBuilders, elapsed } from '../aws-results.js';

export const LAB02_AWS_CHECKS = {
  primary: { id: '02.aws.primary', name: 'Primary DB instance exists and is available' },
  replica: { id: '02.aws.replica', name: 'A read replica of the primary exists' },
  replicaAvailable: { id: '02.aws.replica-available', name: 'The read replica is available' },
  replicaLag: { id: '02.aws.replica-lag', name: 'ReplicaLag is reported in CloudWatch and low' },
  crossRegion: { id: '02.aws.cross-region-replica', name: 'Cross-region replica (optional)' },
  writesRefused: { id: '02.aws.writes-refused', name: 'The replica refuses writes (MySQL error 1290)' },
} as const;

const { result, errorResult, skipped } = awsResultBuilders(LAB02_AWS_CHECKS);

const LAB_ID = 2;
const CONFIG_FILE = 'labs/02-read-replicas/stack-config.ts';
const DEPLOY = 'npm run deploy 2';
/** Above this, reads from the replica are noticeably stale for a lab-sized load. */
export const MAX_REPLICA_LAG_SECONDS = 30;
const LAG_WINDOW_MINUTES = 15;
const MINUTE = 60_000;

/** The learner's task: add a read replica of the primary, three ways. */
export function addReplicaTask(primaryId: string): string {
  return (
    `Add a read replica of ${primaryId}: in ${CONFIG_FILE} set \`readReplicas: 1\` and deploy again with \`${DEPLOY}\`; ` +
    `or in the RDS console select ${primaryId}, Actions > Create read replica (same Region, same instance class); or run ` +
    `\`aws rds create-db-instance-read-replica --db-instance-identifier ${primaryId}-replica --source-db-instance-identifier ${primaryId}\`. ` +
    'Creating it takes 10-20 minutes; re-run the check when it is available.'
  );
}

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

/** Always `skipped`: a write on the replica needs a database connection. */
function writesRefusedNote(): CheckResult {
  return result(
    'writesRefused',
    'skipped',
    'Not checked here: whether the replica refuses writes (read_only, MySQL error 1290) needs a database connection, and the exercises check it when they run against the replica.',
    'Run the exercises against AWS (`npm run check -- 2 --target aws`) to see it.',
  );
}

export async function runLab02AwsChecks(
  clients: AwsClients,
  resources: Lab02Resources,
  options: Lab02AwsCheckOptions = {},
): Promise<CheckResult[]> {
  const ctx: Ctx = { region: options.region ?? resources.region ?? clients.region, profile: options.profile ?? clients.profile };
  const primaryId = resources.primaryInstanceId;
  const where = ctx.region ? ` in ${ctx.region}` : '';

  // --- the primary ---
  const t0 = performance.now();
  let primary: DBInstance | undefined;
  try {
    primary = await describeDbInstance(clients, primaryId, { ...ctx, deployCommand: DEPLOY });
  } catch (err) {
    const why = `the primary could not be read (see ${LAB02_AWS_CHECKS.primary.id})`;
    return [
      errorResult('primary', err as EnvironmentError, elapsed(t0)),
      skipped('replica', why),
      skipped('replicaAvailable', why),
      skipped('replicaLag', why),
      skipped('crossRegion', why),
      writesRefusedNote(),
    ];
  }
  if (!primary) {
    const suggestions = await suggestDbInstances(clients, LAB_ID, primaryId);
    const { message, hint } = instanceNotFound(primaryId, suggestions, {
      region: ctx.region,
      flag: '--db-instance <id>',
      deployCommand: DEPLOY,
      stackName: resources.stackName,
      fromStack: resources.source === 'stack',
    });
    const why = `the primary "${primaryId}" was not found`;
    return [
      result('primary', 'fail', message, hint, elapsed(t0)),
      skipped('replica', why),
      skipped('replicaAvailable', why),
      skipped('replicaLag', why),
      skipped('crossRegion', why),
      writesRefusedNote(),
    ];
  }

  const out: CheckResult[] = [];
  const ownSource = primary.ReadReplicaSourceDBInstanceIdentifier;
  const status = primary.DBInstanceStatus ?? 'unknown';
  if (ownSource) {
    out.push(
      result(
        'primary',
        'fail',
        `${primaryId} is itself a read replica (of ${parseDbInstanceRef(ownSource).id}), not the primary.`,
        `Pass the primary with \`--db-instance ${parseDbInstanceRef(ownSource).id}\` (and the replica with --replica-instance ${primaryId}).`,
        elapsed(t0),
      ),
    );
  } else if (status === 'available') {
    out.push(result('primary', 'pass', `Primary ${primaryId} is available.`, undefined, elapsed(t0)));
  } else {
    out.push(
      result(
        'primary',
        'fail',
        `Primary ${primaryId} has status "${status}", not "available".`,
        status === 'stopped'
          ? `Start it (console Actions > Start, or \`aws rds start-db-instance --db-instance-identifier ${primaryId}\`), then re-run.`
          : 'Wait until its status is "available", then re-run.',
        elapsed(t0),
      ),
    );
  }

  // --- which replicas the primary lists: same region, or another (an ARN) ---
  const primaryRegion = regionOfDbInstance(primary) ?? ctx.region;
  const refs = (primary.ReadReplicaDBInstanceIdentifiers ?? []).map(parseDbInstanceRef);
  const sameRegion = refs.filter((r) => !r.region || r.region === primaryRegion).map((r) => r.id);
  const crossRegion = refs.filter((r) => r.region && r.region !== primaryRegion);
  const crossNote = crossRegion.length
    ? ` (${primaryId} has a cross-region replica, ${crossRegion.map((r) => `${r.id} in ${r.region}`).join(', ')}, but the lab's replica belongs in ${primaryRegion ?? 'the same Region'}.)`
    : '';

  // --- the replica ---
  const t1 = performance.now();
  let replica: DBInstance | undefined;
  let replicaResult: CheckResult | undefined;
  const named = resources.replicaInstanceId;
  try {
    if (named) {
      const found = await describeDbInstance(clients, named, { ...ctx, flag: '--replica-instance <id>', deployCommand: DEPLOY });
      if (!found) {
        const near = await suggestDbInstances(clients, LAB_ID, named);
        const suggestions = {
          lab: [...new Set([...sameRegion, ...near.lab])].filter((s) => s !== primaryId),
          similar: near.similar.filter((s) => s !== primaryId),
        };
        const nf = instanceNotFound(named, suggestions, {
          region: ctx.region,
          flag: '--replica-instance <id>',
          deployCommand: DEPLOY,
          stackName: resources.stackName,
          fromStack: resources.source === 'stack',
        });
        const any = suggestions.lab.length + suggestions.similar.length > 0;
        replicaResult = result('replica', 'fail', nf.message, any ? nf.hint : addReplicaTask(primaryId), elapsed(t1));
      } else if (!isSameDbInstance(found.ReadReplicaSourceDBInstanceIdentifier, primaryId)) {
        const src = found.ReadReplicaSourceDBInstanceIdentifier;
        replicaResult = result(
          'replica',
          'fail',
          src
            ? `${named} is a read replica of ${parseDbInstanceRef(src).id}, not of ${primaryId}.`
            : `${named} is not a read replica (no ReadReplicaSourceDBInstanceIdentifier): it is a stand-alone instance${sameRegion.length ? `; the replicas of ${primaryId} are ${sameRegion.join(', ')}` : ''}.`,
          sameRegion.length ? `Pass one of them with \`--replica-instance ${sameRegion[0]}\`.` : addReplicaTask(primaryId),
          elapsed(t1),
        );
      } else {
        replica = found;
      }
    } else {
      for (const id of sameRegion) {
        const found = await describeDbInstance(clients, id, { ...ctx, flag: '--replica-instance <id>' });
        if (found && isSameDbInstance(found.ReadReplicaSourceDBInstanceIdentifier, primaryId)) {
          replica = found;
          break;
        }
      }
      if (!replica) {
        replicaResult = result(
          'replica',
          'fail',
          `${primaryId} has no read replica${where} (ReadReplicaDBInstanceIdentifiers is empty${sameRegion.length ? `; listed ${sameRegion.join(', ')} could not be found` : ''}).${crossNote}`,
          addReplicaTask(primaryId),
          elapsed(t1),
        );
      }
    }
  } catch (err) {
    replicaResult = errorResult('replica', err as EnvironmentError, elapsed(t1));
  }

  if (!replica) {
    out.push(replicaResult!);
    const why = replicaResult!.status === 'error' ? `the replica could not be read (see ${LAB02_AWS_CHECKS.replica.id})` : 'there is no read replica of the primary';
    out.push(skipped('replicaAvailable', why), skipped('replicaLag', why), crossRegionCheck(primaryId, crossRegion), writesRefusedNote());
    return out;
  }

  const replicaId = replica.DBInstanceIdentifier ?? named ?? '?';
  const others = sameRegion.filter((x) => x !== replicaId);
  out.push(
    result(
      'replica',
      'pass',
      `${replicaId} is a read replica of ${primaryId}${replica.AvailabilityZone ? ` (in ${replica.AvailabilityZone})` : ''}${others.length ? `; ${primaryId} has more: ${others.join(', ')}` : ''}.`,
      undefined,
      elapsed(t1),
    ),
  );

  // --- available? ---
  const rStatus = replica.DBInstanceStatus ?? 'unknown';
  let lagWorthReading = true;
  if (rStatus === 'available') {
    out.push(result('replicaAvailable', 'pass', `Replica ${replicaId} is available.`));
  } else if (rStatus === 'creating') {
    lagWorthReading = false;
    out.push(
      result(
        'replicaAvailable',
        'fail',
        `Replica ${replicaId} is still creating.`,
        'RDS takes 10-20 minutes to create a replica (a snapshot of the primary, then catching up): re-run the check in a few minutes.',
      ),
    );
  } else {
    out.push(
      result(
        'replicaAvailable',
        'fail',
        `Replica ${replicaId} has status "${rStatus}", not "available".`,
        rStatus === 'stopped'
          ? 'Start it, wait until it is available, then re-run.'
          : 'Wait until it is available; if it stays like this, look at its events in the RDS console.',
      ),
    );
  }

  // --- lag ---
  out.push(
    lagWorthReading
      ? await replicaLagCheck(clients, replica, replicaId, ctx, options)
      : skipped('replicaLag', `replica ${replicaId} is still creating, so CloudWatch has no ReplicaLag for it yet`, 'Re-run in a few minutes.'),
  );
  out.push(crossRegionCheck(primaryId, crossRegion), writesRefusedNote());
  return out;
}

function crossRegionCheck(primaryId: string, cross: Array<{ id: string; region?: string }>): CheckResult {
  if (cross.length === 0) {
    return skipped('crossRegion', `${primaryId} has no cross-region replica, which the lab leaves optional`);
  }
  return result(
    'crossRegion',
    'pass',
    `Cross-region replica${cross.length === 1 ? '' : 's'} recognised: ${cross.map((r) => `${r.id} in ${r.region}`).join(', ')} (optional; the other checks read the same-Region replica).`,
  );
}

function replicationStatus(replica: DBInstance): string | undefined {
  const info = (replica.StatusInfos ?? []).find((s) => s.StatusType === 'read replication');
  if (!info) return undefined;
  return `RDS reports read replication "${info.Status ?? 'unknown'}"${info.Message ? `: ${info.Message}` : ''}`;
}

async function replicaLagCheck(
  clients: AwsClients,
  replica: DBInstance,
  replicaId: string,
  ctx: Ctx,
  options: Lab02AwsCheckOptions,
): Promise<CheckResult> {
  const bound = options.maxLagSeconds ?? MAX_REPLICA_LAG_SECONDS;
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
    return errorResult('replicaLag', explainAwsError(err, { action: 'cloudwatch:GetMetricData', region: ctx.region, profile: ctx.profile }), elapsed(t0));
  }
  const ms = elapsed(t0);
  const window = `over the last ${LAG_WINDOW_MINUTES} minutes`;
  if (points.length === 0) {
    return result(
      'replicaLag',
      'fail',
      `CloudWatch has no ReplicaLag datapoints for ${replicaId} ${window}.`,
      'RDS publishes ReplicaLag every minute once replication runs, a few minutes late: if the replica became available just now, retry in 5 minutes. If it stays empty, check that the replica is in this Region (--region).',
      ms,
    );
  }
  points.sort((a, b) => b.at - a.at);
  const latest = points[0]!;
  const highest = Math.max(...points.map((p) => p.value));
  const status = replicationStatus(replica);
  if (latest.value < 0) {
    return result(
      'replicaLag',
      'fail',
      `ReplicaLag of ${replicaId} is -1 (latest datapoint, ${new Date(latest.at).toISOString().slice(11, 16)} UTC): replication is broken - the replica is not applying the primary's changes.${status ? ` ${status}.` : ''}`,
      'Look at the replica\'s events (RDS console > Events) and run `SHOW REPLICA STATUS` on it for the error; `CALL mysql.rds_start_replication;` restarts a stopped replication, and deleting and re-creating the replica fixes a broken one.',
      ms,
    );
  }
  if (latest.value > bound) {
    return result(
      'replicaLag',
      'fail',
      `ReplicaLag of ${replicaId} is ${latest.value} s (latest datapoint), above the ${bound} s the lab allows: reads from the replica are that far behind the primary.`,
      'Something is loading the primary or starving the replica: stop any bulk load, check that the replica\'s instance class is not smaller than the primary\'s, and re-run when it has caught up.',
      ms,
    );
  }
  return result(
    'replicaLag',
    'pass',
    `ReplicaLag of ${replicaId} is ${latest.value} s (highest ${highest} s ${window}, ${points.length} datapoint${points.length === 1 ? '' : 's'}).`,
    undefined,
    ms,
  );
}
