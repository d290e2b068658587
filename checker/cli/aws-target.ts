/**
 * The aws target, one pipeline for every lab: who the credentials are and
 * where, the lab's AWS plan (its deployed-resource checks), then the same
 * exercises against the deployed endpoints - through SSM tunnels with
 * --tunnel, or directly from inside the VPC - and what only AWS can say
 * afterwards, merged into the results document in one place.
 */
import type { LabMeta } from '../core/lab.js';
import { overallStatus, summarise, type CheckResult, type ResultsDocument } from '../core/result.js';
import { EnvironmentError, UsageError } from '../core/errors.js';
import type { Endpoints } from '../engines/endpoints.js';
import { findPlugin } from '../../labs/index.js';
import type { AfterRun, AwsPlanContext, PluginIo, RunMeasurement } from '../checks/plugin.js';
import type { CommonFlags } from './args.js';
import type { RunOnTarget } from './targets.js';
import { exerciseFile, runLabExercises } from './run-lab.js';
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
  const plan = await findPlugin(lab.id)?.aws?.();
  if (!plan) throw new UsageError(`Lab ${lab.id} has no AWS checks yet.`);
  const { makeAwsClients, destroyAwsClients, resolvedRegion } = await import('../aws/clients.js');
  const { whoAmI } = await import('../aws/errors.js');

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

    // What the exercises reach and which files they are: known once the body starts.
    const run: { endpoints?: Endpoints; solutions?: boolean } = {};
    const ctx: AwsPlanContext = {
      clients,
      region,
      profile: flags.profile,
      names: {
        stack: flags.stack,
        replicationGroup: flags.replicationGroup,
        cluster: flags.cluster,
        dbInstance: flags.dbInstance,
        replicaInstance: flags.replicaInstance,
        bastionSecurityGroup: flags.bastionSecurityGroup,
      },
      tunnel: flags.tunnel,
      drills: { failover: flags.failoverDrill, resume: flags.resumeDrill },
      io: cliIo(flags),
      run: measurementRunner(lab, run),
      reach: (targets, bastion) => reach(lab, flags, region, closers, targets, bastion),
      onClose: (close) => void closers.push(close),
    };
    const inspection = await plan.inspect(ctx);

    return await body(async (options) => {
      for (const check of inspection.checks) options.onResult?.(check);
      if (flags.resourcesOnly) {
        return runLabExercises(lab, { ...options, target: 'aws', endpoints: NO_ENDPOINTS, skipExercises: true, extraChecks: inspection.checks });
      }
      const endpoints = await inspection.endpoints();
      run.endpoints = endpoints;
      run.solutions = options.solutions;
      const connected = (await inspection.connected?.(endpoints)) ?? [];
      for (const check of connected) options.onResult?.(check);
      const extraChecks = [...inspection.checks.filter((c) => !connected.some((x) => x.id === c.id)), ...connected];
      const startedAt = new Date();
      const doc = await runLabExercises(lab, { ...options, target: 'aws', endpoints, extraChecks });
      if (inspection.after) addAfterRun(doc, await inspection.after(endpoints, startedAt), options.onResult);
      return doc;
    });
  } finally {
    for (const close of closers.reverse()) await close().catch(() => {});
    destroyAwsClients(clients);
  }
}

/** The one place a results document grows after the exercises: checks, figures, then summary and status. */
export function addAfterRun(doc: ResultsDocument, after: AfterRun, onResult?: (check: CheckResult) => void): void {
  for (const check of after.checks) onResult?.(check);
  doc.checks.push(...after.checks);
  if (after.measurements && Object.keys(after.measurements).length > 0) doc.measurements = { ...doc.measurements, ...after.measurements };
  doc.summary = summarise(doc.checks);
  doc.status = overallStatus(doc.checks);
}

/** --resources-only runs no exercise, so nothing connects to these. */
const NO_ENDPOINTS: Endpoints = { target: 'aws', mysql: { host: '', port: 0, user: '', password: '', database: '' } };

function cliIo(flags: CommonFlags): PluginIo {
  return {
    quiet: flags.json,
    say,
    progress: (text) => startProgress(text, flags.json),
    confirm: (plan) => confirmDrill(flags, plan),
  };
}

/** Runs one of the lab's exercise files (the reference with --solutions) against the AWS endpoints for a measurement. */
function measurementRunner(lab: LabMeta, run: { endpoints?: Endpoints; solutions?: boolean }): RunMeasurement {
  return async (exerciseId, measure, options) => {
    if (!run.endpoints) throw new Error(`A measurement (${measure}) was asked for before the exercises' endpoints were known.`);
    const { runExercise } = await import('../runner/run-exercise.js');
    const done = await runExercise({
      labId: lab.id,
      exerciseId,
      file: exerciseFile(lab, exerciseId, run.solutions),
      endpoints: run.endpoints,
      only: [],
      measure,
      ...(options?.timeoutMs !== undefined ? { checkTimeoutMs: options.timeoutMs } : {}),
      ...(options?.onEvent ? { onEvent: options.onEvent } : {}),
    });
    return done.measurement;
  };
}

/** The endpoints the exercises reach: direct from inside the VPC, or a tunnel each through the bastion. */
async function reach(
  lab: LabMeta,
  flags: CommonFlags,
  region: string | undefined,
  closers: Array<() => Promise<void>>,
  targets: Array<{ host: string; port: number }>,
  bastion: string | undefined,
): Promise<Array<{ host: string; port: number }>> {
  if (!flags.tunnel) return targets;
  const { assertTunnelTools, openTunnel } = await import('../aws/tunnel.js');
  if (!bastion) {
    throw new EnvironmentError(
      'The tunnel needs the lab bastion (stack output BastionInstanceId).',
      `Deploy the lab stack with \`npm run deploy ${lab.id}\`, or run from inside the VPC without --tunnel.`,
    );
  }
  await assertTunnelTools();
  const progress = startProgress('Opening SSM port forwards through the bastion', flags.json);
  const out: Array<{ host: string; port: number }> = [];
  for (const t of targets) {
    const tunnel = await openTunnel({ profile: flags.profile, region, bastionInstanceId: bastion, remoteHost: t.host, remotePort: t.port });
    closers.push(() => tunnel.close());
    out.push({ host: '127.0.0.1', port: tunnel.localPort });
  }
  progress.succeed(`Tunnels open: ${out.map((o, i) => `127.0.0.1:${o.port} -> ${targets[i]!.host}`).join(', ')}`);
  return out;
}

/** Says what a drill will do, then asks (or takes --yes); never starts one unasked. */
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
