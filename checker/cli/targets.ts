/**
 * Chooses the target and prepares it: local engines started (and always
 * stopped), or the AWS resources found and the exercises' endpoints resolved.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { LabMeta } from '../core/lab.js';
import type { ResultsDocument } from '../core/result.js';
import type { LocalEngines } from '../checks/plugin.js';
import type { Endpoints } from '../engines/endpoints.js';
import type { ReplicatedMysql } from '../engines/replicated-mysql.js';
import type { LocalAuroraCluster } from '../engines/aurora-local.js';
import { startLocalEngines } from '../engines/local.js';
import type { CommonFlags } from './args.js';
import { requestedDrills } from './check-flags.js';
import { pluginIo } from './plugin-io.js';
import { addAfterRun, awsChecksSkippedFor, measurementRunner, runLabExercises, type LabRunOptions } from './run-lab.js';
import { startProgress } from './spinner.js';
import { say } from './terminal.js';
import { runOnAws } from './aws-target.js';

export type RunOnTarget = (options: Omit<LabRunOptions, 'target' | 'endpoints'>) => Promise<ResultsDocument>;

/** True when the standard credential chain has something to find, so a stack lookup is worth trying. */
export function awsConfigured(): boolean {
  const env = process.env;
  if (env.AWS_ACCESS_KEY_ID || env.AWS_PROFILE || env.AWS_WEB_IDENTITY_TOKEN_FILE || env.AWS_CONTAINER_CREDENTIALS_FULL_URI) return true;
  const dir = join(homedir(), '.aws');
  return existsSync(join(dir, 'credentials')) || existsSync(join(dir, 'config'));
}

export async function withTarget(lab: LabMeta, flags: CommonFlags, body: (run: RunOnTarget) => Promise<ResultsDocument>): Promise<ResultsDocument> {
  const target = flags.target ?? (await chooseTarget(lab, flags));
  if (target === 'aws') return runOnAws(lab, flags, body);
  return runLocally(lab, flags, body);
}

async function chooseTarget(lab: LabMeta, flags: CommonFlags): Promise<'local' | 'aws'> {
  if (!lab.stack || !awsConfigured()) {
    if (!flags.json) say('Target: local (no AWS credentials configured; pass --target aws to use a deployed stack).');
    return 'local';
  }
  const { stackDeployed } = await import('./aws-target.js');
  if (await stackDeployed(lab, flags)) {
    if (!flags.json) say(`Target: aws (found the deployed stack ${flags.stack ?? lab.stack.name}; pass --target local to stay on this machine).`);
    return 'aws';
  }
  if (!flags.json) say(`Target: local (stack ${flags.stack ?? lab.stack.name} not found in your AWS account; deploy it with npm run deploy ${lab.id}).`);
  return 'local';
}

export async function runLocally(lab: LabMeta, flags: CommonFlags, body: (run: RunOnTarget) => Promise<ResultsDocument>): Promise<ResultsDocument> {
  const engines = await startLocalFor(lab, flags.json);
  try {
    return await body(async (options) => {
      const doc = await runLabExercises(lab, {
        ...options,
        target: 'local',
        endpoints: engines.endpoints,
        extraChecks: [...(options.extraChecks ?? []), ...(await awsChecksSkippedFor(lab))],
      });
      // The drills asked for, in the lab's order: run here when they can, else listed as skipped (check-flags refused the rest).
      for (const drill of requestedDrills(lab, flags)) {
        if (drill.local && drill.targets.includes('local')) {
          const ctx = {
            target: 'local' as const,
            endpoints: engines.endpoints,
            io: pluginIo(flags),
            run: measurementRunner(lab, engines.endpoints, options.solutions),
            local: engines,
          };
          addAfterRun(doc, await drill.local(ctx), options.onResult);
        } else if (drill.skippedLocally) {
          addAfterRun(doc, { checks: [{ ...drill.skippedLocally, status: 'skipped', group: 'drill', durationMs: 0 }] }, options.onResult);
        }
      }
      return doc;
    });
  } finally {
    await engines.stop();
  }
}

/** A replicating primary and replica on this machine, and the endpoints the exercises see. */
export async function startLocalPair(quiet = false): Promise<{ pair: ReplicatedMysql; endpoints: Endpoints }> {
  const { startReplicatedMysql, replicationEndpoints } = await import('../engines/replicated-mysql.js');
  const progress = startProgress('Starting a MariaDB primary and replica on this machine', quiet);
  let pair: ReplicatedMysql;
  try {
    pair = await startReplicatedMysql({ stopOnSignals: true });
  } catch (err) {
    progress.fail();
    throw err;
  }
  progress.succeed(
    `Local primary (server ${pair.primary.serverId}) and replica (server ${pair.replica.serverId}) replicating; endpoint on 127.0.0.1:${pair.endpoint.port}`,
  );
  return { pair, endpoints: replicationEndpoints(pair) };
}

/** A writer and two readers on this machine (Lab 3's stand-in for an Aurora cluster). */
export async function startLocalCluster(quiet = false): Promise<{ cluster: LocalAuroraCluster; endpoints: Endpoints }> {
  const { startLocalAuroraCluster } = await import('../engines/aurora-local.js');
  const progress = startProgress('Starting a MariaDB writer and two readers on this machine', quiet);
  let cluster: LocalAuroraCluster;
  try {
    cluster = await startLocalAuroraCluster({ stopOnSignals: true });
  } catch (err) {
    progress.fail();
    throw err;
  }
  const ids = Object.keys(cluster.endpoints.instances);
  progress.succeed(`Local cluster ready: writer ${ids[0]}, readers ${ids.slice(1).join(' and ')} replicating`);
  return { cluster, endpoints: { target: 'local', mysql: cluster.endpoints.writer, cluster: cluster.endpoints } };
}

/** The engines a lab runs on locally, whichever shape it needs. */
export async function startLocalFor(lab: LabMeta, quiet = false): Promise<LocalEngines> {
  if (lab.localTopology === 'primary-and-replica') {
    const { pair, endpoints } = await startLocalPair(quiet);
    return { endpoints, control: pair, stop: () => pair.stop() };
  }
  if (lab.localTopology === 'aurora-cluster') {
    const { cluster, endpoints } = await startLocalCluster(quiet);
    return { endpoints, control: cluster, stop: () => cluster.stop() };
  }
  if (lab.localTopology === 'database') {
    const { startLocalDatabase } = await import('../engines/local.js');
    const progress = startProgress('Starting MariaDB (performance_schema on) on this machine', quiet);
    const database = await startLocalDatabase({ stopOnSignals: true }).catch((err) => {
      progress.fail();
      throw err;
    });
    progress.succeed(`Local database ready: mariadbd on 127.0.0.1:${database.endpoints.mysql.port}`);
    return database;
  }
  const progress = startProgress('Starting Redis and MariaDB on this machine', quiet);
  const engines = await startLocalEngines({ stopOnSignals: true }).catch((err) => {
    progress.fail();
    throw err;
  });
  progress.succeed(`Local engines ready: redis-server on 127.0.0.1:${engines.endpoints.redis.port}, mariadbd on 127.0.0.1:${engines.endpoints.mysql.port}`);
  return engines;
}
