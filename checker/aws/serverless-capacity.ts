/**
 * Aurora Serverless v2 capacity from CloudWatch: AWS/RDS
 * ServerlessDatabaseCapacity (ACUs) for a cluster, one datapoint a minute,
 * published a minute or two late. Used by the Lab 4 checks after the load
 * ramp and, in the exercise process, by the ramp itself between steps.
 */
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { awsClientConfig } from './client-config.js';
import { explainAwsError } from './errors.js';

export interface CapacityPoint {
  /** Start of the minute, epoch ms. */
  at: number;
  /** ACUs (the minute's maximum). */
  value: number;
}

const MINUTE = 60_000;
/** How far back a sample looks: a few minutes covers CloudWatch's publishing delay. */
const SAMPLE_WINDOW_MINUTES = 5;

/**
 * The cluster's ServerlessDatabaseCapacity between `start` and `end`, newest
 * first. AWS failures come back explained (EnvironmentError).
 */
export async function readServerlessCapacity(
  cloudwatch: CloudWatchClient,
  clusterId: string,
  start: Date,
  end: Date,
  ctx: { region?: string; profile?: string } = {},
): Promise<CapacityPoint[]> {
  const points: CapacityPoint[] = [];
  try {
    let token: string | undefined;
    let pages = 0;
    do {
      const out = await cloudwatch.send(
        new GetMetricDataCommand({
          MetricDataQueries: [
            {
              Id: 'acu',
              Label: `${clusterId} ServerlessDatabaseCapacity`,
              MetricStat: {
                Metric: { Namespace: 'AWS/RDS', MetricName: 'ServerlessDatabaseCapacity', Dimensions: [{ Name: 'DBClusterIdentifier', Value: clusterId }] },
                Period: 60,
                Stat: 'Maximum',
              },
              ReturnData: true,
            },
          ],
          StartTime: new Date(Math.floor(start.getTime() / MINUTE) * MINUTE),
          EndTime: new Date(Math.ceil(end.getTime() / MINUTE) * MINUTE),
          ScanBy: 'TimestampDescending',
          NextToken: token,
        }),
      );
      for (const r of out.MetricDataResults ?? []) {
        if (r.Id !== 'acu') continue;
        (r.Values ?? []).forEach((value, i) => points.push({ at: r.Timestamps?.[i]?.getTime() ?? 0, value }));
      }
      token = out.NextToken;
      pages += 1;
    } while (token && pages < 10);
  } catch (err) {
    throw explainAwsError(err, { action: 'cloudwatch:GetMetricData', region: ctx.region, profile: ctx.profile });
  }
  return points.sort((a, b) => b.at - a.at);
}

/**
 * The latest ServerlessDatabaseCapacity of `aws.clusterId` over the last few
 * minutes, or undefined when CloudWatch has no datapoint yet (or no cluster
 * is named). Reads through `cloudwatch` when the caller has the run's shared
 * clients; the exercise process has none, so then it builds (and closes) one
 * from the same shared configuration for the location's region and profile.
 */
/** Where the cluster is (the shape of engines/endpoints.ts AwsLocation, which passes as it is). */
export interface CapacityLocation {
  region: string;
  profile?: string;
  clusterId?: string;
}

export async function sampleServerlessCapacity(
  aws: CapacityLocation,
  now: () => Date = () => new Date(),
  cloudwatch?: CloudWatchClient,
): Promise<number | undefined> {
  if (!aws.clusterId) return undefined;
  const client = cloudwatch ?? new CloudWatchClient(awsClientConfig({ region: aws.region, profile: aws.profile }));
  try {
    const end = now();
    const start = new Date(end.getTime() - SAMPLE_WINDOW_MINUTES * MINUTE);
    const points = await readServerlessCapacity(client, aws.clusterId, start, end, { region: aws.region, profile: aws.profile });
    return points[0]?.value;
  } finally {
    if (!cloudwatch) client.destroy();
  }
}
