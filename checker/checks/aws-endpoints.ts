/**
 * Building blocks the labs' AWS plans share to turn described resources into
 * the exercises' endpoints: the database secret, the reached host and port
 * (a tunnel with --tunnel), and where CloudWatch and Performance Insights are.
 */
import { EnvironmentError } from '../core/errors.js';
import type { AwsLocation, MysqlEndpoint } from '../engines/endpoints.js';
import type { AwsPlanContext } from './plugin.js';

export interface Hosted {
  host: string;
  port: number;
}

/** The database user and password from the lab's secret; explains a missing secret. */
export async function credentials(ctx: AwsPlanContext, secretArn: string | undefined) {
  if (!secretArn)
    throw new EnvironmentError(
      'The database secret is not known (stack output DbSecretArn).',
      'Deploy the lab stack, or check only your resources with --resources-only.',
    );
  const { readDbCredentials } = await import('../aws/secrets.js');
  return readDbCredentials(ctx.clients.secrets, secretArn, { region: ctx.region, profile: ctx.profile });
}

export function endpointOf(at: Hosted, user: string, password: string, database: string): MysqlEndpoint {
  return { host: at.host, port: at.port, user, password, database, ssl: true };
}

/** One endpoint per target host: a tunnel each with --tunnel, TLS checked against the real name. */
export async function mysqlEndpoints(
  ctx: AwsPlanContext,
  targets: Hosted[],
  secretArn: string | undefined,
  dbName: string | undefined,
  bastion: string | undefined,
): Promise<MysqlEndpoint[]> {
  const db = await credentials(ctx, secretArn);
  const reached = await ctx.reach(targets, bastion);
  const database = dbName ?? db.dbname ?? 'labdb';
  return reached.map((at, i) => ({ ...endpointOf(at, db.username, db.password, database), servername: targets[i]!.host }));
}

/** Where the exercises read CloudWatch or Performance Insights; a region is required. */
export function location(ctx: Pick<AwsPlanContext, 'region' | 'profile'>, ids: Omit<AwsLocation, 'region' | 'profile'>): AwsLocation {
  if (!ctx.region) {
    throw new EnvironmentError(
      'No AWS region is set, so the exercises cannot read CloudWatch or Performance Insights.',
      'Pass --region <region> (the one you deployed to), or set AWS_REGION.',
    );
  }
  return { region: ctx.region, ...(ctx.profile ? { profile: ctx.profile } : {}), ...ids };
}

/** The exercises cannot start because the cluster check could not read the cluster. */
export function clusterMissing(labId: number): EnvironmentError {
  return new EnvironmentError(
    'The exercises need the cluster, which could not be read (see the cluster check above).',
    `Fix that first, or check only your resources with \`npm run check -- ${labId} --target aws --resources-only\`.`,
  );
}
