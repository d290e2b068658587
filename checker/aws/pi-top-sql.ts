/**
 * Top SQL from the Performance Insights API (unchanged under CloudWatch
 * Database Insights): GetResourceMetrics for db.load.avg grouped by
 * db.sql_tokenized, identified by the instance's DbiResourceId. The
 * answer holds the instance's total load (the series whose key has no
 * Dimensions) and one series per statement; the API promises no order, so the
 * total is picked by its key, not by position. A statement's share is its sum
 * over the window divided by the total's sum.
 */
import { GetResourceMetricsCommand, type MetricKeyDataPoints, type PIClient } from '@aws-sdk/client-pi';
import type { AwsClients } from './clients.js';
import { explainAwsError } from './errors.js';

export interface TopSqlRow {
  rank: number;
  /** The tokenized statement as PI reports it (at most 500 bytes). */
  statement: string;
  /** PI's id of the tokenized statement. */
  id?: string;
  /** Average active sessions the statement carried over the window. */
  averageLoad: number;
  /** Fraction of the instance's load, 0..1. */
  share: number;
}

export interface TopSql {
  dbiResourceId: string;
  start: Date;
  end: Date;
  /** Average active sessions of the whole instance over the window. */
  totalLoad: number;
  rows: TopSqlRow[];
}

export const TOP_SQL_LIMIT = 10;
const PERIOD_SECONDS = 60;

/**
 * The run's PI client (built on first use from the shared configuration).
 * `owned` is always false: destroyAwsClients closes it with the others; kept
 * so callers written for a separately built client still read the same.
 */
export function piClientFor(clients: AwsClients): { pi: PIClient; owned: boolean } {
  return { pi: clients.pi, owned: false };
}

const sum = (series: MetricKeyDataPoints | undefined) => (series?.DataPoints ?? []).reduce((s, p) => s + (p.Value ?? 0), 0);

/** Reads the top statements of one instance between `start` and `end`. AWS failures come back explained. */
export async function readTopSql(
  pi: PIClient,
  dbiResourceId: string,
  start: Date,
  end: Date,
  ctx: { region?: string; profile?: string } = {},
): Promise<TopSql> {
  let series: MetricKeyDataPoints[];
  try {
    const out = await pi.send(
      new GetResourceMetricsCommand({
        ServiceType: 'RDS',
        Identifier: dbiResourceId,
        MetricQueries: [{ Metric: 'db.load.avg', GroupBy: { Group: 'db.sql_tokenized', Limit: TOP_SQL_LIMIT } }],
        StartTime: start,
        EndTime: end,
        PeriodInSeconds: PERIOD_SECONDS,
      }),
    );
    series = out.MetricList ?? [];
  } catch (err) {
    throw explainAwsError(err, {
      action: 'pi:GetResourceMetrics',
      region: ctx.region,
      profile: ctx.profile,
      resource: { kind: 'Performance Insights resource', id: dbiResourceId },
    });
  }
  const isTotal = (s: MetricKeyDataPoints) => Object.keys(s.Key?.Dimensions ?? {}).length === 0;
  const total = series.find(isTotal);
  const statements = series.filter((s) => !isTotal(s));
  const totalSum = sum(total);
  const periods = Math.max(1, (total?.DataPoints ?? []).length);
  const rows = statements
    .map((s) => {
      const dims = s.Key?.Dimensions ?? {};
      const own = sum(s);
      return {
        statement: dims['db.sql_tokenized.statement'] ?? '(statement not reported)',
        id: dims['db.sql_tokenized.id'],
        averageLoad: own / periods,
        share: totalSum > 0 ? own / totalSum : 0,
      };
    })
    .filter((r) => r.averageLoad > 0)
    .sort((a, b) => b.share - a.share)
    .map((r, i) => ({ rank: i + 1, ...r }));
  return { dbiResourceId, start, end, totalLoad: totalSum / periods, rows };
}
