/**
 * The aws target: who the credentials are, the lab's resources (from the
 * stack outputs or flags), their checks, then the same exercises against the
 * deployed cache and database - through SSM tunnels with --tunnel, or
 * directly from inside the VPC.
 */
import type { LabMeta } from '../core/lab.js';
import type { CheckResult, ResultsDocument } from '../core/result.js';
import { UsageError, EnvironmentError } from '../core/errors.js';
import type { CacheEndpoints, Endpoints } from '../engines/endpoints.js';
import type { CommonFlags } from './args.js';
import type { RunOnTarget } from './targets.js';
import { runLabExercises } from './run-lab.js';
import { startProgress } from './spinner.js';
import { canPrompt, say } from './terminal.js';

export async function stackDeployed(lab: LabMeta, flags: CommonFlags): Promise<boolean> {
  if (!lab.stack) return false;
  const { makeAwsClients, destroyAwsClients } = await import('../aws/clients.js');
  const { readStackOutputs } = await import('../aws/stack-outputs.js');
  const clients = makeAwsClients({ profile: flags.profile, region: flags.region, maxAttempts: 1 });
  try {
    const lookup = readStackOutputs(clients.cloudformation, flags.stack ?? lab.stack.name, { region: flags.region, profile: flags.profile });
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), 5_000).unref());
    await Promise.race([lookup, timeout]);
    return true;
  } catch {
    return false;
  } finally {
    destroyAwsClients(clients);
  }
}

export async function runOnAws(lab: LabMeta, flags: CommonFlags, body: (run: RunOnTarget) => Promise<ResultsDocument>): Promise<ResultsDocument> {
  if (lab.id === 1 || lab.id === 2) return (await import('./aws-target-rds.js')).runRdsLabOnAws(lab, flags, body);
  if (lab.id === 3 || lab.id === 4 || lab.id === 6) return (await import('./aws-target-aurora.js')).runAuroraLabOnAws(lab, flags, body);
  if (lab.id !== 5) throw new UsageError(`Lab ${lab.id} has no AWS checks yet.`);
  const { makeAwsClients, destroyAwsClients, resolvedRegion } = await import('../aws/clients.js');
  const { whoAmI } = await import('../aws/errors.js');
  const { findLab05Resources } = await import('../aws/lab05-resources.js');
  const { runLab05AwsChecks, runLab05TrafficCheck } = await import('../checks/05-elasticache-redis/aws.js');

  const clients = makeAwsClients({ profile: flags.profile, region: flags.region });
  const closers: Array<() => Promise<void>> = [];
  try {
    const progress = startProgress('Checking your AWS credentials', flags.json);
    const who = await whoAmI(clients).catch((err) => {
      progress.fail();
      throw err;
    });
    const region = (await resolvedRegion(clients)) ?? flags.region;
    progress.succeed(`AWS account ${who.account} as ${who.arn}${region ? ` in ${region}` : ''}`);
    const resources = await findLab05Resources(clients, {
      stackName: flags.stack,
      replicationGroupId: flags.replicationGroup,
      dbInstanceId: flags.dbInstance,
      region,
      profile: flags.profile,
    });
    const awsChecks = await runLab05AwsChecks(clients, resources, { region, profile: flags.profile });

    return await body(async (options) => {
      for (const check of awsChecks) options.onResult?.(check);
      if (flags.resourcesOnly) return runLabExercises(lab, { ...options, target: 'aws', endpoints: placeholderEndpoints(), skipExercises: true, extraChecks: awsChecks });

      const endpoints = await awsEndpoints(clients, resources, flags, region, closers);
      const startedAt = new Date();
      const extraMeasurements: Record<string, unknown> = {};
      const doc = await runLabExercises(lab, { ...options, target: 'aws', endpoints, extraChecks: awsChecks, extraMeasurements });
      const traffic = await runLab05TrafficCheck(clients, resources.replicationGroupId, startedAt, { region, profile: flags.profile });
      options.onResult?.(traffic.check);
      doc.checks.push(traffic.check);
      doc.measurements = { ...doc.measurements, cacheTraffic: traffic.figures };
      if (flags.failoverDrill) {
        const drill = await failoverDrill(clients, resources.replicationGroupId, endpoints, flags, region);
        if (drill) {
          options.onResult?.(drill.check);
          doc.checks.push(drill.check);
          doc.measurements = { ...doc.measurements, failoverDrill: drill.result };
        }
      }
      const { overallStatus, summarise } = await import('../core/result.js');
      doc.status = overallStatus(doc.checks);
      doc.summary = summarise(doc.checks);
      return doc;
    });
  } finally {
    for (const close of closers.reverse()) await close().catch(() => {});
    destroyAwsClients(clients);
  }
}

function placeholderEndpoints(): Endpoints {
  return { target: 'aws', redis: { host: '', port: 0 }, mysql: { host: '', port: 0, user: '', password: '', database: '' } };
}

type Clients = import('../aws/clients.js').AwsClients;
type Resources = import('../aws/lab05-resources.js').Lab05Resources;

async function awsEndpoints(clients: Clients, r: Resources, flags: CommonFlags, region: string | undefined, closers: Array<() => Promise<void>>): Promise<CacheEndpoints> {
  const { readRedisAuthToken, readDbCredentials } = await import('../aws/secrets.js');
  if (!r.redisEndpoint || !r.dbEndpoint) {
    throw new EnvironmentError(
      'To run the exercises on AWS the kit needs the cache and database endpoints, which come from the lab stack outputs.',
      'Deploy the stack with `npm run deploy 5`, or check only your resources with `npm run check -- 5 --target aws --resources-only`.',
    );
  }
  const ctx = { region, profile: flags.profile };
  const token = r.redisAuthSecretArn ? await readRedisAuthToken(clients.secrets, r.redisAuthSecretArn, ctx) : undefined;
  const db = r.dbSecretArn ? await readDbCredentials(clients.secrets, r.dbSecretArn, ctx) : undefined;
  if (!db) throw new EnvironmentError('The database secret is not known (stack output DbSecretArn).', 'Deploy the lab stack with `npm run deploy 5`.');
  let redisHost = r.redisEndpoint;
  let redisPort = r.redisPort ?? 6379;
  let dbHost = r.dbEndpoint;
  let dbPort = r.dbPort ?? 3306;
  if (flags.tunnel) {
    const { assertTunnelTools, openTunnel } = await import('../aws/tunnel.js');
    if (!r.bastionInstanceId) throw new EnvironmentError('The tunnel needs the lab bastion (stack output BastionInstanceId).', 'Deploy the lab stack with `npm run deploy 5`.');
    await assertTunnelTools();
    const progress = startProgress('Opening SSM port forwards through the bastion', flags.json);
    const redisTunnel = await openTunnel({ profile: flags.profile, region, bastionInstanceId: r.bastionInstanceId, remoteHost: redisHost, remotePort: redisPort });
    closers.push(() => redisTunnel.close());
    const dbTunnel = await openTunnel({ profile: flags.profile, region, bastionInstanceId: r.bastionInstanceId, remoteHost: dbHost, remotePort: dbPort });
    closers.push(() => dbTunnel.close());
    progress.succeed(`Tunnels open: Redis on 127.0.0.1:${redisTunnel.localPort}, MySQL on 127.0.0.1:${dbTunnel.localPort}`);
    redisHost = '127.0.0.1';
    redisPort = redisTunnel.localPort;
    dbHost = '127.0.0.1';
    dbPort = dbTunnel.localPort;
  }
  return {
    target: 'aws',
    redis: { host: redisHost, port: redisPort, tls: true, servername: r.redisEndpoint, password: token },
    mysql: { host: dbHost, port: dbPort, user: db.username, password: db.password, database: r.dbName ?? db.dbname ?? 'labs', ssl: true },
  };
}

/** Says what a failover drill will do, then asks (or takes --yes); never starts one unasked. */
export async function confirmDrill(flags: CommonFlags, plan: string): Promise<boolean> {
  say(plan);
  if (flags.yes) return true;
  if (!canPrompt(flags)) {
    say('Not starting the failover drill without a confirmation: add --yes to run it from a script.');
    return false;
  }
  const { confirm } = await import('@inquirer/prompts');
  return confirm({ message: 'Start the failover drill now?', default: false });
}

/** Runs a drill; a refusal (not confirmed, single-AZ, ...) is said and leaves no result. */
export async function unlessRefused<T>(drill: () => Promise<T>): Promise<T | undefined> {
  try {
    return await drill();
  } catch (err) {
    if (err instanceof Error && err.name === 'DrillRefused') {
      say(err.message);
      return undefined;
    }
    throw err;
  }
}

async function failoverDrill(clients: Clients, replicationGroupId: string, endpoints: CacheEndpoints, flags: CommonFlags, region: string | undefined): Promise<{ check: CheckResult; result: unknown } | undefined> {
  const { runFailoverDrill } = await import('../checks/05-elasticache-redis/failover-drill.js');
  const { connectRedis } = await import('../runner/connect.js');
  const probeClient = await connectRedis(endpoints.redis);
  try {
    return await unlessRefused(async () => {
      const result = await runFailoverDrill({
        clients,
        replicationGroupId,
        region,
        profile: flags.profile,
        probe: () => probeClient.ping(),
        onProgress: (line) => say(line),
        confirm: (plan) =>
          confirmDrill(flags, `The drill asks ElastiCache to fail over ${plan.replicationGroupId}: primary ${plan.primary} hands over to one of ${plan.replicas.join(', ')}. ElastiCache allows only a few of these per day.`),
      });
      const check: CheckResult = {
        id: '05.aws.failover-drill',
        name: 'failover drill: what your client saw',
        status: result.completed ? 'pass' : 'fail',
        message: result.message,
        group: 'aws',
        durationMs: Math.round(result.durationSeconds * 1000),
      };
      return { check, result };
    });
  } finally {
    probeClient.disconnect();
  }
}
