/**
 * Lab 2's deployed-resource checks as small judges of the described primary,
 * its replica and the replica's lag (the facts, read by aws.ts). Which check
 * needs which is data: everything needs the primary, the replica's checks
 * need the replica, and the lag is not read while the replica is creating.
 */
import type { DBInstance } from '@aws-sdk/client-rds';
import { instanceNotFound, isSameDbInstance, parseDbInstanceRef, regionOfDbInstance, type DbInstanceSuggestions } from '../../aws/rds-resources.js';
import type { EnvironmentError } from '../../core/errors.js';
import { awsResultBuilders } from '../aws-results.js';
import type { AwsJudge } from '../aws-judges.js';

export const LAB02_AWS_CHECKS = {
  primary: { id: '02.aws.primary', name: 'Primary DB instance exists and is available' },
  replica: { id: '02.aws.replica', name: 'A read replica of the primary exists' },
  replicaAvailable: { id: '02.aws.replica-available', name: 'The read replica is available' },
  replicaLag: { id: '02.aws.replica-lag', name: 'ReplicaLag is reported in CloudWatch and low' },
  crossRegion: { id: '02.aws.cross-region-replica', name: 'Cross-region replica (optional)' },
  writesRefused: { id: '02.aws.writes-refused', name: 'The replica refuses writes (MySQL error 1290)' },
} as const;

export type Lab02CheckKey = keyof typeof LAB02_AWS_CHECKS;

export const lab02Results = awsResultBuilders(LAB02_AWS_CHECKS);
const { result, errorResult, skipped } = lab02Results;

const CONFIG_FILE = 'labs/02-read-replicas/stack-config.ts';
export const LAB02_DEPLOY = 'npm run deploy 2';
/** Above this, reads from the replica are noticeably stale for a lab-sized load. */
export const MAX_REPLICA_LAG_SECONDS = 30;
export const LAG_WINDOW_MINUTES = 15;

/** The learner's task: add a read replica of the primary, three ways. */
export function addReplicaTask(primaryId: string): string {
  return (
    `Add a read replica of ${primaryId}: in ${CONFIG_FILE} set \`readReplicas: 1\` and deploy again with \`${LAB02_DEPLOY}\`; ` +
    `or in the RDS console select ${primaryId}, Actions > Create read replica (same Region, same instance class); or run ` +
    `\`aws rds create-db-instance-read-replica --db-instance-identifier ${primaryId}-replica --source-db-instance-identifier ${primaryId}\`. ` +
    'Creating it takes 10-20 minutes; re-run the check when it is available.'
  );
}

/** What aws.ts read from AWS; every judge works from this alone. */
export interface Lab02Facts {
  primaryId: string;
  region?: string;
  stackName?: string;
  source: 'stack' | 'flags';
  /** `suggestions` is read only when the primary was not found. */
  primary: { found?: DBInstance; error?: EnvironmentError; suggestions?: DbInstanceSuggestions; ms: number };
  /** The primary's replicas in its own Region (ids), and in others. */
  sameRegion: string[];
  crossRegion: Array<{ id: string; region?: string }>;
  /**
   * The replica: with --replica-instance the instance of that name (whatever
   * it is; `suggestions` when it is not there), else the first listed
   * same-Region replica of the primary.
   */
  replica: { named?: string; found?: DBInstance; error?: EnvironmentError; suggestions?: DbInstanceSuggestions; ms: number };
  /** ReplicaLag datapoints (Maximum per minute), read only for a replica that is not creating. */
  lag?: { points: Array<{ at: number; value: number }>; error?: EnvironmentError; ms: number; maxSeconds: number };
}

export type Lab02Judge = AwsJudge<Lab02Facts, Lab02CheckKey>;

/** The replica, when it is one of the primary. */
export function replicaOf(f: Lab02Facts): DBInstance | undefined {
  const found = f.replica.found;
  return found && isSameDbInstance(found.ReadReplicaSourceDBInstanceIdentifier, f.primaryId) ? found : undefined;
}

const replicaIdOf = (f: Lab02Facts): string => replicaOf(f)?.DBInstanceIdentifier ?? f.replica.named ?? '?';

const primary: Lab02Judge = {
  key: 'primary',
  judge(f) {
    const { primaryId: id } = f;
    const ms = f.primary.ms;
    if (f.primary.error) return errorResult('primary', f.primary.error, ms);
    const db = f.primary.found;
    if (!db) {
      const { message, hint } = instanceNotFound(id, f.primary.suggestions ?? { lab: [], similar: [] }, {
        region: f.region,
        flag: '--db-instance <id>',
        deployCommand: LAB02_DEPLOY,
        stackName: f.stackName,
        fromStack: f.source === 'stack',
      });
      return result('primary', 'fail', message, hint, ms);
    }
    const ownSource = db.ReadReplicaSourceDBInstanceIdentifier;
    if (ownSource) {
      const source = parseDbInstanceRef(ownSource).id;
      return result(
        'primary',
        'fail',
        `${id} is itself a read replica (of ${source}), not the primary.`,
        `Pass the primary with \`--db-instance ${source}\` (and the replica with --replica-instance ${id}).`,
        ms,
      );
    }
    const status = db.DBInstanceStatus ?? 'unknown';
    if (status === 'available') return result('primary', 'pass', `Primary ${id} is available.`, undefined, ms);
    return result(
      'primary',
      'fail',
      `Primary ${id} has status "${status}", not "available".`,
      status === 'stopped'
        ? `Start it (console Actions > Start, or \`aws rds start-db-instance --db-instance-identifier ${id}\`), then re-run.`
        : 'Wait until its status is "available", then re-run.',
      ms,
    );
  },
  blocks(f) {
    if (f.primary.error) return { why: `the primary could not be read (see ${LAB02_AWS_CHECKS.primary.id})` };
    if (!f.primary.found) return { why: `the primary "${f.primaryId}" was not found` };
    return undefined;
  },
};

const replica: Lab02Judge = {
  key: 'replica',
  needs: ['primary'],
  judge(f) {
    const { primaryId, sameRegion } = f;
    const ms = f.replica.ms;
    const found = replicaOf(f);
    if (found) {
      const id = replicaIdOf(f);
      const others = sameRegion.filter((x) => x !== id);
      return result(
        'replica',
        'pass',
        `${id} is a read replica of ${primaryId}${found.AvailabilityZone ? ` (in ${found.AvailabilityZone})` : ''}${others.length ? `; ${primaryId} has more: ${others.join(', ')}` : ''}.`,
        undefined,
        ms,
      );
    }
    if (f.replica.error) return errorResult('replica', f.replica.error, ms);
    const named = f.replica.named;
    if (named && !f.replica.found) {
      const near = f.replica.suggestions ?? { lab: [], similar: [] };
      const suggestions = {
        lab: [...new Set([...sameRegion, ...near.lab])].filter((s) => s !== primaryId),
        similar: near.similar.filter((s) => s !== primaryId),
      };
      const nf = instanceNotFound(named, suggestions, {
        region: f.region,
        flag: '--replica-instance <id>',
        deployCommand: LAB02_DEPLOY,
        stackName: f.stackName,
        fromStack: f.source === 'stack',
      });
      const any = suggestions.lab.length + suggestions.similar.length > 0;
      return result('replica', 'fail', nf.message, any ? nf.hint : addReplicaTask(primaryId), ms);
    }
    if (named) {
      const src = f.replica.found!.ReadReplicaSourceDBInstanceIdentifier;
      return result(
        'replica',
        'fail',
        src
          ? `${named} is a read replica of ${parseDbInstanceRef(src).id}, not of ${primaryId}.`
          : `${named} is not a read replica (no ReadReplicaSourceDBInstanceIdentifier): it is a stand-alone instance${sameRegion.length ? `; the replicas of ${primaryId} are ${sameRegion.join(', ')}` : ''}.`,
        sameRegion.length ? `Pass one of them with \`--replica-instance ${sameRegion[0]}\`.` : addReplicaTask(primaryId),
        ms,
      );
    }
    const where = f.region ? ` in ${f.region}` : '';
    const primaryRegion = regionOfPrimary(f);
    const crossNote = f.crossRegion.length
      ? ` (${primaryId} has a cross-region replica, ${f.crossRegion.map((r) => `${r.id} in ${r.region}`).join(', ')}, but the lab's replica belongs in ${primaryRegion ?? 'the same Region'}.)`
      : '';
    return result(
      'replica',
      'fail',
      `${primaryId} has no read replica${where} (ReadReplicaDBInstanceIdentifiers is empty${sameRegion.length ? `; listed ${sameRegion.join(', ')} could not be found` : ''}).${crossNote}`,
      addReplicaTask(primaryId),
      ms,
    );
  },
  blocks(f) {
    if (replicaOf(f)) return undefined;
    return { why: f.replica.error ? `the replica could not be read (see ${LAB02_AWS_CHECKS.replica.id})` : 'there is no read replica of the primary' };
  },
};

/** The primary's Region: from its ARN, else the Region the checks ran in. */
export function regionOfPrimary(f: Lab02Facts): string | undefined {
  return regionOfDbInstance(f.primary.found) ?? f.region;
}

const replicaAvailable: Lab02Judge = {
  key: 'replicaAvailable',
  needs: ['replica'],
  judge(f) {
    const id = replicaIdOf(f);
    const status = replicaOf(f)!.DBInstanceStatus ?? 'unknown';
    if (status === 'available') return result('replicaAvailable', 'pass', `Replica ${id} is available.`);
    if (status === 'creating') {
      return result(
        'replicaAvailable',
        'fail',
        `Replica ${id} is still creating.`,
        'RDS takes 10-20 minutes to create a replica (a snapshot of the primary, then catching up): re-run the check in a few minutes.',
      );
    }
    return result(
      'replicaAvailable',
      'fail',
      `Replica ${id} has status "${status}", not "available".`,
      status === 'stopped'
        ? 'Start it, wait until it is available, then re-run.'
        : 'Wait until it is available; if it stays like this, look at its events in the RDS console.',
    );
  },
  blocks(f) {
    return replicaOf(f)?.DBInstanceStatus === 'creating'
      ? { why: `replica ${replicaIdOf(f)} is still creating, so CloudWatch has no ReplicaLag for it yet`, hint: 'Re-run in a few minutes.' }
      : undefined;
  },
};

function replicationStatus(replica: DBInstance): string | undefined {
  const info = (replica.StatusInfos ?? []).find((s) => s.StatusType === 'read replication');
  if (!info) return undefined;
  return `RDS reports read replication "${info.Status ?? 'unknown'}"${info.Message ? `: ${info.Message}` : ''}`;
}

const replicaLag: Lab02Judge = {
  key: 'replicaLag',
  needs: ['replicaAvailable'],
  judge(f) {
    const id = replicaIdOf(f);
    const lag = f.lag ?? { points: [], ms: 0, maxSeconds: MAX_REPLICA_LAG_SECONDS };
    if (lag.error) return errorResult('replicaLag', lag.error, lag.ms);
    const window = `over the last ${LAG_WINDOW_MINUTES} minutes`;
    if (lag.points.length === 0) {
      return result(
        'replicaLag',
        'fail',
        `CloudWatch has no ReplicaLag datapoints for ${id} ${window}.`,
        'RDS publishes ReplicaLag every minute once replication runs, a few minutes late: if the replica became available just now, retry in 5 minutes. If it stays empty, check that the replica is in this Region (--region).',
        lag.ms,
      );
    }
    const points = [...lag.points].sort((a, b) => b.at - a.at);
    const latest = points[0]!;
    const highest = Math.max(...points.map((p) => p.value));
    if (latest.value < 0) {
      const status = replicationStatus(replicaOf(f)!);
      return result(
        'replicaLag',
        'fail',
        `ReplicaLag of ${id} is -1 (latest datapoint, ${new Date(latest.at).toISOString().slice(11, 16)} UTC): replication is broken - the replica is not applying the primary's changes.${status ? ` ${status}.` : ''}`,
        "Look at the replica's events (RDS console > Events) and run `SHOW REPLICA STATUS` on it for the error; `CALL mysql.rds_start_replication;` restarts a stopped replication, and deleting and re-creating the replica fixes a broken one.",
        lag.ms,
      );
    }
    if (latest.value > lag.maxSeconds) {
      return result(
        'replicaLag',
        'fail',
        `ReplicaLag of ${id} is ${latest.value} s (latest datapoint), above the ${lag.maxSeconds} s the lab allows: reads from the replica are that far behind the primary.`,
        "Something is loading the primary or starving the replica: stop any bulk load, check that the replica's instance class is not smaller than the primary's, and re-run when it has caught up.",
        lag.ms,
      );
    }
    return result(
      'replicaLag',
      'pass',
      `ReplicaLag of ${id} is ${latest.value} s (highest ${highest} s ${window}, ${points.length} datapoint${points.length === 1 ? '' : 's'}).`,
      undefined,
      lag.ms,
    );
  },
};

const crossRegion: Lab02Judge = {
  key: 'crossRegion',
  needs: ['primary'],
  judge(f) {
    const cross = f.crossRegion;
    if (cross.length === 0) return skipped('crossRegion', `${f.primaryId} has no cross-region replica, which the lab leaves optional`);
    return result(
      'crossRegion',
      'pass',
      `Cross-region replica${cross.length === 1 ? '' : 's'} recognised: ${cross.map((r) => `${r.id} in ${r.region}`).join(', ')} (optional; the other checks read the same-Region replica).`,
    );
  },
};

/** Always `skipped` here: a write on the replica needs a database connection (the AWS plan checks it once connected). */
const writesRefused: Lab02Judge = {
  key: 'writesRefused',
  judge: () =>
    result(
      'writesRefused',
      'skipped',
      'Not checked here: whether the replica refuses writes (read_only, MySQL error 1290) needs a database connection, and the exercises check it when they run against the replica.',
      'Run the exercises against AWS (`npm run check -- 2 --target aws`) to see it.',
    ),
};

/** In report order. */
export const LAB02_JUDGES: readonly Lab02Judge[] = [primary, replica, replicaAvailable, replicaLag, crossRegion, writesRefused];
