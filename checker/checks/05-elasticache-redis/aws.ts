/**
 * Lab 05 on AWS: is the deployed replication group what the lesson asks for
 * (two replicas over two AZs, automatic failover, Multi-AZ, encryption,
 * AUTH, backups, a small node), did the exercises' traffic reach it, and is
 * the database behind it private and encrypted.
 *
 * `fail` names what is wrong and the value seen; `error` means AWS could not
 * be asked (credentials, permissions, network), explained by checker/aws/errors.ts.
 */
import { GetMetricDataCommand, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { DescribeCacheClustersCommand, DescribeReplicationGroupsCommand, type CacheCluster, type ReplicationGroup } from '@aws-sdk/client-elasticache';
import { DescribeDBInstancesCommand } from '@aws-sdk/client-rds';
import type { EnvironmentError } from '../../core/errors.js';
import type { CheckResult } from '../../core/result.js';
import { elapsed } from '../aws-results.js';
import { judgeAll } from '../aws-judges.js';
import { LAB05_JUDGES, lab05Results, type Lab05Facts } from './resource-judges.js';
import type { AwsClients } from '../../aws/clients.js';
import { classifyAwsError, explainAwsError } from '../../aws/errors.js';
import type { Lab05Resources } from '../../aws/lab05-resources.js';

export { LAB05_AWS_CHECKS, LAB_NODE_TYPES, NODE_TYPE_PRICES, nodeTypePrice } from './resource-judges.js';

const { result, errorResult } = lab05Results;

export interface Lab05AwsCheckOptions {
  region?: string;
  profile?: string;
}

interface Ctx {
  region?: string;
  profile?: string;
}

async function describeGroup(clients: AwsClients, id: string): Promise<ReplicationGroup | undefined> {
  const out = await clients.elasticache.send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: id }));
  return out.ReplicationGroups?.[0];
}

function groupCallContext(id: string, ctx: Ctx) {
  return {
    action: 'elasticache:DescribeReplicationGroups',
    region: ctx.region,
    profile: ctx.profile,
    resource: { kind: 'ElastiCache replication group', id, flag: '--replication-group <id>' },
    deployCommand: 'npm run deploy 5',
  };
}

export async function runLab05AwsChecks(clients: AwsClients, resources: Lab05Resources, options: Lab05AwsCheckOptions = {}): Promise<CheckResult[]> {
  const ctx: Ctx = { region: options.region ?? resources.region ?? clients.region, profile: options.profile ?? clients.profile };
  const facts = await describeLab05(clients, resources, ctx);
  return judgeAll(LAB05_JUDGES, facts, lab05Results.skipped);
}

/** Everything the judges look at: the group, its member clusters, the database. */
export async function describeLab05(clients: AwsClients, resources: Lab05Resources, ctx: Ctx): Promise<Lab05Facts> {
  const group = await readGroup(clients, resources.replicationGroupId, ctx);
  const members = group.found ? await readMembers(clients, group.found.MemberClusters ?? [], ctx) : { clusters: new Map<string, CacheCluster>(), ms: 0 };
  const db = await readDb(clients, resources.dbInstanceId, ctx);
  return {
    replicationGroupId: resources.replicationGroupId,
    region: ctx.region,
    source: resources.source,
    stackName: resources.stackName,
    group,
    members,
    db,
  };
}

async function readGroup(clients: AwsClients, rgId: string, ctx: Ctx): Promise<Lab05Facts['group']> {
  const t0 = performance.now();
  try {
    return { found: await describeGroup(clients, rgId), ms: elapsed(t0) };
  } catch (err) {
    if (classifyAwsError(err, ctx.region) === 'not-found') return { ms: elapsed(t0) };
    return { error: explainAwsError(err, groupCallContext(rgId, ctx)), ms: elapsed(t0) };
  }
}

/** Engine versions and AZs live on the member clusters; a member being removed right now is left out. */
async function readMembers(clients: AwsClients, memberIds: string[], ctx: Ctx): Promise<Lab05Facts['members']> {
  const t0 = performance.now();
  const clusters = new Map<string, CacheCluster>();
  let error: EnvironmentError | undefined;
  await Promise.all(
    memberIds.map(async (id) => {
      try {
        const res = await clients.elasticache.send(new DescribeCacheClustersCommand({ CacheClusterId: id }));
        const c = res.CacheClusters?.[0];
        if (c) clusters.set(id, c);
      } catch (err) {
        if (classifyAwsError(err, ctx.region) === 'not-found') return;
        error ??= explainAwsError(err, {
          action: 'elasticache:DescribeCacheClusters',
          region: ctx.region,
          profile: ctx.profile,
          resource: { kind: 'ElastiCache cache cluster', id },
        });
      }
    }),
  );
  return { clusters, ...(error ? { error } : {}), ms: elapsed(t0) };
}

async function readDb(clients: AwsClients, id: string | undefined, ctx: Ctx): Promise<Lab05Facts['db']> {
  if (!id) return { ms: 0 };
  const t0 = performance.now();
  try {
    const out = await clients.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }));
    return { id, found: out.DBInstances?.[0], ms: elapsed(t0) };
  } catch (err) {
    if (classifyAwsError(err, ctx.region) === 'not-found') return { id, ms: elapsed(t0) };
    const error = explainAwsError(err, {
      action: 'rds:DescribeDBInstances',
      region: ctx.region,
      profile: ctx.profile,
      resource: { kind: 'RDS DB instance', id, flag: '--db-instance <id>' },
    });
    return { id, error, ms: elapsed(t0) };
  }
}

// --- traffic ---

export interface TrafficFigures {
  hits: number;
  misses: number;
  byCluster: Record<string, { hits: number; misses: number }>;
  since: Date;
  until: Date;
}

export interface TrafficCheckOutcome {
  check: CheckResult;
  figures: TrafficFigures;
}

export interface TrafficCheckOptions {
  region?: string;
  profile?: string;
  /** The clock (tests). */
  now?: () => Date;
  /** Member cluster ids, when the caller already has them (skips DescribeReplicationGroups). */
  memberClusterIds?: string[];
}

const MINUTE = 60_000;

function hhmm(d: Date): string {
  return `${d.toISOString().slice(11, 16)} UTC`;
}

/**
 * Sums AWS/ElastiCache CacheHits and CacheMisses (per member, CacheClusterId
 * dimension) since the exercises started. CloudWatch publishes a minute or
 * more late, so zero right after a run is a `fail` that says to retry.
 */
export async function runLab05TrafficCheck(
  clients: AwsClients,
  replicationGroupId: string,
  since: Date,
  options: TrafficCheckOptions = {},
): Promise<TrafficCheckOutcome> {
  const ctx: Ctx = { region: options.region ?? clients.region, profile: options.profile ?? clients.profile };
  const until = options.now?.() ?? new Date();
  const figures: TrafficFigures = { hits: 0, misses: 0, byCluster: {}, since, until };
  const t0 = performance.now();

  let members = options.memberClusterIds;
  if (!members) {
    try {
      const group = await describeGroup(clients, replicationGroupId);
      members = group?.MemberClusters ?? [];
      if (!group) {
        return {
          check: result(
            'traffic',
            'fail',
            `There is no ElastiCache replication group "${replicationGroupId}" to read metrics for.`,
            'Deploy the lab stack or pass --replication-group <id>.',
            elapsed(t0),
          ),
          figures,
        };
      }
    } catch (err) {
      if (classifyAwsError(err, ctx.region) === 'not-found') {
        return {
          check: result(
            'traffic',
            'fail',
            `There is no ElastiCache replication group "${replicationGroupId}"${ctx.region ? ` in ${ctx.region}` : ''} to read metrics for.`,
            'Deploy the lab stack or pass --replication-group <id>.',
            elapsed(t0),
          ),
          figures,
        };
      }
      return { check: errorResult('traffic', explainAwsError(err, groupCallContext(replicationGroupId, ctx)), elapsed(t0)), figures };
    }
  }
  if (members.length === 0) {
    return {
      check: result(
        'traffic',
        'fail',
        `Replication group ${replicationGroupId} has no member nodes to read metrics for.`,
        'Wait until it is available, then re-run.',
        elapsed(t0),
      ),
      figures,
    };
  }

  const start = new Date(Math.floor(since.getTime() / MINUTE) * MINUTE);
  const end = new Date(Math.max(Math.ceil(until.getTime() / MINUTE) * MINUTE, start.getTime() + MINUTE));
  const queries: MetricDataQuery[] = [];
  const labels = new Map<string, { cluster: string; metric: 'hits' | 'misses' }>();
  members.forEach((cluster, i) => {
    for (const [metric, name] of [
      ['hits', 'CacheHits'],
      ['misses', 'CacheMisses'],
    ] as const) {
      const id = `${metric === 'hits' ? 'h' : 'm'}${i}`;
      labels.set(id, { cluster, metric });
      queries.push({
        Id: id,
        Label: `${cluster} ${name}`,
        MetricStat: {
          Metric: { Namespace: 'AWS/ElastiCache', MetricName: name, Dimensions: [{ Name: 'CacheClusterId', Value: cluster }] },
          Period: 60,
          Stat: 'Sum',
        },
        ReturnData: true,
      });
    }
    figures.byCluster[cluster] = { hits: 0, misses: 0 };
  });

  try {
    let token: string | undefined;
    let pages = 0;
    do {
      const out = await clients.cloudwatch.send(
        new GetMetricDataCommand({ MetricDataQueries: queries, StartTime: start, EndTime: end, NextToken: token, ScanBy: 'TimestampAscending' }),
      );
      for (const r of out.MetricDataResults ?? []) {
        const label = labels.get(r.Id ?? '');
        if (!label) continue;
        const sum = (r.Values ?? []).reduce((a, b) => a + b, 0);
        figures.byCluster[label.cluster]![label.metric] += sum;
        figures[label.metric] += sum;
      }
      token = out.NextToken;
      pages += 1;
    } while (token && pages < 20);
  } catch (err) {
    return {
      check: errorResult('traffic', explainAwsError(err, { action: 'cloudwatch:GetMetricData', region: ctx.region, profile: ctx.profile }), elapsed(t0)),
      figures,
    };
  }

  const { hits, misses } = figures;
  const window = `on ${replicationGroupId} since ${hhmm(since)}`;
  const retry = 'CloudWatch publishes cache metrics a few minutes late: if the exercises ran against the deployed cache just now, retry in 5 minutes.';
  let check: CheckResult;
  if (hits > 0 && misses > 0) {
    check = result('traffic', 'pass', `CloudWatch counted ${hits} cache hits and ${misses} misses ${window}.`, undefined, elapsed(t0));
  } else if (hits === 0 && misses === 0) {
    check = result(
      'traffic',
      'fail',
      `CloudWatch shows no cache hits and no misses ${window}.`,
      `${retry} If it stays at zero, the exercises did not reach this cache: run them against AWS through the tunnel.`,
      elapsed(t0),
    );
  } else if (hits === 0) {
    check = result(
      'traffic',
      'fail',
      `CloudWatch shows ${misses} misses but no hits ${window}: every read missed, as if nothing was stored after a miss.`,
      `${retry} If hits stay at zero, check that cache-aside SETs the value after loading it, so the next read hits.`,
      elapsed(t0),
    );
  } else {
    check = result(
      'traffic',
      'fail',
      `CloudWatch shows ${hits} hits but no misses ${window}: the run never had to load from the database.`,
      `${retry} If misses stay at zero, run the exercises from a fresh start (keys expired or deleted) so the first reads miss.`,
      elapsed(t0),
    );
  }
  return { check, figures };
}
