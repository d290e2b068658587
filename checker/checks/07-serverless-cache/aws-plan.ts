/**
 * Lab 7's AWS plan (checker/checks/plugin.ts): inspect the deployed stack
 * (resource checks from facts read once), give the exercises the cache and
 * the database through the bastion, and afterwards invoke the deployed
 * function: the same users read twice (cold or warm, database then cache,
 * timed by Lambda's REPORT line and end to end) and a missing user twice.
 */
import { findLab07Resources, LAB07_DEPLOY, type Lab07Resources } from './resources.js';
import { EnvironmentError } from '../../core/errors.js';
import type { CheckResult } from '../../core/result.js';
import type { Endpoints } from '../../engines/endpoints.js';
import type { AwsInspection, AwsPlan, AwsPlanContext } from '../plugin.js';
import { gatherLab07Facts, lambdaClientFor, type Lab07Clients } from './aws-facts.js';
import { functionUserResult, LAB07_AWS_CHECKS, runLab07ResourceChecks } from './aws.js';
import { ensureFunctionUser, FUNCTION_USER_PRIVILEGES, readAppPassword } from './function-user.js';
import { invokeOnce, measure, type InvokeSample } from './invoke.js';
import { judgeInvokeSeries, LAB07_INVOKE_CHECKS, type InvokeSeries } from './invoke-checks.js';

/** Users the seed creates (ids 1..5) and one it never does. */
export const LAB07_SEEDED_USER_IDS = ['1', '2', '3', '4', '5'];
export const LAB07_MISSING_USER_ID = '987654321';
/** The key AfterRun.measurements carries the figures under. */
export const LAB07_INVOKE_MEASUREMENT = 'lab07Invoke';

/** Every AWS check id and name, resource checks first, for the local target's skipped list. */
export function lab07AwsCheckNames(): Array<{ id: string; name: string }> {
  return [...Object.values(LAB07_AWS_CHECKS), ...Object.values(LAB07_INVOKE_CHECKS)].map(({ id, name }) => ({ id, name }));
}

export interface Lab07PlanOptions {
  userIds?: string[];
  missingUserId?: string;
}

/** Reads each user twice, then the missing one twice, one invocation at a time. */
export async function runInvokeSeries(
  call: (method: 'GET', id: string) => Promise<InvokeSample>,
  options: Lab07PlanOptions = {},
  onSample: (sample: InvokeSample, done: number, total: number) => void = () => undefined,
): Promise<InvokeSeries> {
  const ids = options.userIds ?? LAB07_SEEDED_USER_IDS;
  const missingId = options.missingUserId ?? LAB07_MISSING_USER_ID;
  const total = ids.length * 2 + 2;
  const series: InvokeSeries = { firstReads: [], secondReads: [], missing: [] };
  const take = async (list: InvokeSample[], id: string) => {
    const sample = await call('GET', id);
    list.push(sample);
    onSample(sample, series.firstReads.length + series.secondReads.length + series.missing.length, total);
  };
  for (const id of ids) await take(series.firstReads, id);
  for (const id of ids) await take(series.secondReads, id);
  await take(series.missing, missingId);
  await take(series.missing, missingId);
  return series;
}

async function lab07Endpoints(ctx: AwsPlanContext, r: Lab07Resources): Promise<Endpoints> {
  if (!r.cacheEndpoint || !r.clusterEndpoint || !r.dbSecretArn) {
    throw new EnvironmentError(
      'To run the exercises against the deployed cache and database the kit needs their endpoints and the database secret, which come from the Lab 7 stack outputs.',
      `Deploy the stack with \`${LAB07_DEPLOY}\`.`,
    );
  }
  const { readDbCredentials, readRedisAuthToken } = await import('../../aws/secrets.js');
  const secretCtx = { region: ctx.region, profile: ctx.profile };
  const token = r.cacheAuthSecretArn ? await readRedisAuthToken(ctx.clients.secrets, r.cacheAuthSecretArn, secretCtx) : undefined;
  const db = await readDbCredentials(ctx.clients.secrets, r.dbSecretArn, secretCtx);
  const [cache, mysql] = await ctx.reach(
    [
      { host: r.cacheEndpoint, port: r.cachePort ?? 6379 },
      { host: r.clusterEndpoint, port: r.dbPort ?? 3306 },
    ],
    r.bastionInstanceId,
  );
  return {
    target: 'aws',
    redis: { host: cache!.host, port: cache!.port, tls: true, servername: r.cacheEndpoint, password: token },
    mysql: {
      host: mysql!.host,
      port: mysql!.port,
      user: db.username,
      password: db.password,
      database: r.dbName ?? db.dbname ?? 'labdb',
      ssl: true,
      servername: r.clusterEndpoint,
    },
    aws: { region: r.region ?? ctx.region ?? '', profile: ctx.profile, clusterId: r.clusterId },
  };
}

/** Creates (or resets) the function's MySQL user through the endpoints the exercises use. */
export async function createFunctionUser(
  ctx: AwsPlanContext,
  r: Lab07Resources,
  endpoints: Endpoints,
  connect: ConnectMysql = defaultConnect,
): Promise<CheckResult[]> {
  const key = 'functionUser' as const;
  const started = performance.now();
  if (!r.dbAppUser || !r.dbAppSecretArn) {
    return [
      functionUserResult(
        key,
        'fail',
        `The stack ${r.stackName} has no DbAppUser/DbAppSecretArn output, so the function has no database user to sign in as.`,
        `Deploy the current version of the stack (\`${LAB07_DEPLOY}\`).`,
      ),
    ];
  }
  let db: Awaited<ReturnType<ConnectMysql>> | undefined;
  try {
    const password = await readAppPassword(ctx.clients.secrets, r.dbAppSecretArn, { region: ctx.region, profile: ctx.profile });
    db = await connect(endpoints.mysql);
    await ensureFunctionUser(db, r.dbAppUser, password, endpoints.mysql.database);
  } catch (err) {
    const e = err as { message?: string; nextStep?: string };
    return [
      functionUserResult(
        key,
        'error',
        `Could not create the function's database user ${r.dbAppUser}: ${e.message ?? String(err)}`,
        e.nextStep ?? 'Check the tunnel (--tunnel) and that the cluster is available, then re-run.',
        Math.round(performance.now() - started),
      ),
    ];
  } finally {
    await db?.end().catch(() => undefined);
  }
  return [
    functionUserResult(
      key,
      'pass',
      `${r.dbAppUser} can sign in from the function (TLS required; ${FUNCTION_USER_PRIVILEGES} on ${endpoints.mysql.database}).`,
      undefined,
      Math.round(performance.now() - started),
    ),
  ];
}

export type ConnectMysql = (endpoint: Endpoints['mysql']) => Promise<{ query(sql: string, params?: unknown[]): Promise<unknown>; end(): Promise<void> }>;
const defaultConnect: ConnectMysql = async (endpoint) => (await import('../../runner/connect.js')).connectMysql(endpoint);

/** The plan, with the series' user ids open to tests. */
export function lab07AwsPlan(options: Lab07PlanOptions = {}): AwsPlan {
  return {
    async inspect(ctx: AwsPlanContext): Promise<AwsInspection> {
      const clients = ctx.clients as Lab07Clients;
      const resources = await findLab07Resources(clients, {
        stackName: ctx.names.stack,
        clusterId: ctx.names.cluster,
        replicationGroupId: ctx.names.replicationGroup,
        region: ctx.region,
        profile: ctx.profile,
      });
      const facts = await gatherLab07Facts(clients, resources, { region: ctx.region, profile: ctx.profile });
      const checks = runLab07ResourceChecks(facts);
      const functionReady = checks.find((c) => c.id === LAB07_AWS_CHECKS.function.id)?.status === 'pass';
      return {
        checks,
        endpoints: () => lab07Endpoints(ctx, resources),
        connected: (endpoints) => createFunctionUser(ctx, resources, endpoints),
        async after() {
          if (!functionReady) {
            const why = `the function is not ready to invoke (see ${LAB07_AWS_CHECKS.function.id})`;
            return {
              checks: Object.values(LAB07_INVOKE_CHECKS).map((c): CheckResult => ({
                ...c,
                status: 'skipped',
                message: `Not checked: ${why}.`,
                group: 'aws',
                durationMs: 0,
              })),
            };
          }
          const { lambda, owned } = lambdaClientFor(clients);
          if (owned) ctx.onClose(async () => lambda.destroy());
          const progress = ctx.io.progress(`Invoking ${resources.functionName}`);
          let series: InvokeSeries;
          try {
            series = await runInvokeSeries(
              (method, id) => invokeOnce(lambda, resources.functionName, method, id, undefined, { region: ctx.region, profile: ctx.profile }),
              options,
              (s, done, total) =>
                progress.update(
                  `Invoking ${resources.functionName}: ${done}/${total} (${s.method} /users/${s.id}: ${s.status ?? s.functionError ?? '?'}${s.source ? `, ${s.source}` : ''})`,
                ),
            );
          } catch (err) {
            progress.fail();
            throw err;
          }
          progress.succeed(`Invoked ${resources.functionName} ${series.firstReads.length * 2 + series.missing.length} times`);
          return { checks: judgeInvokeSeries(series), measurements: { [LAB07_INVOKE_MEASUREMENT]: measure([...series.firstReads, ...series.secondReads]) } };
        },
      };
    },
  };
}

export const awsPlan: AwsPlan = lab07AwsPlan();
