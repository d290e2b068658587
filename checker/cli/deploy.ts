/**
 * npm run deploy <lab> / npm run destroy <lab> | --all: cdk deploy and cdk
 * destroy with the preflight and the cost shown first and a confirmation (or
 * --yes without a terminal); after a destroy, the account is checked for
 * anything the kit left behind.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { findPlugin } from '../../labs/index.js';
import type { LabMeta } from '../core/lab.js';
import { EnvironmentError, UsageError } from '../core/errors.js';
import { REPO_ROOT } from '../runner/run-exercise.js';
import { usd } from '../render/lab-screen.js';
import { parseFlags, type CommonFlags } from './args.js';
import { echo } from '../core/echo.js';
import { resolveLab } from './resolve-lab.js';
import { runCommand } from './run-command.js';
import { canPrompt, makeChalk, say } from './terminal.js';
import { awsConfigured } from './targets.js';

export const DEPLOY_USAGE =
  'Usage: npm run deploy <lab> [-- --solutions] [--profile P] [--region R] [--azs <az1>,<az2>] [--yes] [--skip-doctor]; ' +
  'npm run destroy <lab> [-- --yes]; npm run destroy -- --all [--yes]. Example: npm run deploy 5';

export const DEPLOY_HELP = [
  'Usage: npm run deploy <lab> [-- flags]     cdk deploy of the lab stack (preflight and cost first)',
  '       npm run destroy <lab> [-- flags]    cdk destroy, then a list of anything billable left behind',
  '       npm run destroy -- --all [--yes]    every lab stack the kit finds deployed',
  '',
  'Flags:',
  "  --profile P, --region R   which credentials and region (default: the AWS CLI's)",
  '  --yes, -y                 go ahead without asking (needed without a terminal)',
  '  --solutions               deploy: the finished variant of the stack',
  '  --skip-doctor             deploy: skip the preflight',
  '  --azs a,b                 deploy: the two Availability Zones to use (npm run doctor suggests them)',
  '  --no-input, --no-color',
].join('\n');

const DESTROY_FLAGS = ['profile', 'region', 'yes', 'solutions', 'stack', 'no-input', 'no-color', 'help'] as const;
const DEPLOY_FLAGS = [...DESTROY_FLAGS, 'azs', 'skip-doctor'] as const;

type Verb = 'deploy' | 'destroy';

export function cdkArgs(verb: Verb, stackName: string, options: { solution?: boolean; profile?: string; azs?: string }): string[] {
  return [
    verb,
    stackName,
    ...(verb === 'deploy' ? ['--require-approval', 'never'] : ['--force']),
    ...(options.solution ? ['-c', 'solution=true'] : []),
    ...(options.azs && verb === 'deploy' ? ['-c', `azs=${options.azs}`] : []),
    ...(options.profile ? ['--profile', options.profile] : []),
  ];
}

const AZ_LIST = /^[a-z]{2}(-gov)?-[a-z]+-\d[a-z],[a-z]{2}(-gov)?-[a-z]+-\d[a-z]$/;

/** Checks the value of deploy's `--azs a,b`, passed to cdk as `-c azs=a,b` (stacks/shared/lab-azs.ts) and to the preflight. */
export function checkAzs(value: string): string {
  const names = value.split(',').map((n) => n.trim());
  if (!AZ_LIST.test(names.join(',')) || names[0] === names[1] || names[0]!.slice(0, -1) !== names[1]!.slice(0, -1)) {
    throw new UsageError(
      `--azs needs two different Availability Zones of one region, comma-separated, e.g. --azs eu-west-1a,eu-west-1c (got ${echo(value)}).`,
      '`npm run doctor` lists the zones that offer what the lab needs.',
    );
  }
  return names.join(',');
}

export async function deployMain(argv: string[]): Promise<number> {
  const [verb, ...given] = argv;
  if (verb !== 'deploy' && verb !== 'destroy') throw new UsageError(`Unknown action ${echo(verb ?? '')}.`, DEPLOY_USAGE);
  const flags = parseFlags(given, DEPLOY_USAGE, {
    script: verb,
    flags: verb === 'destroy' ? [...DESTROY_FLAGS, 'all'] : DEPLOY_FLAGS,
  });
  const azs = flags.azs === undefined ? undefined : checkAzs(flags.azs);
  const skipDoctor = flags.skipDoctor;
  if (flags.help) {
    process.stdout.write(`${DEPLOY_HELP}\n`);
    return 0;
  }
  requireTools();
  if (verb === 'destroy' && flags.all) return destroyAll(flags);
  if (flags.lab === undefined) throw new UsageError(`Which lab should I ${verb}?`, DEPLOY_USAGE);
  const lab = resolveLab(flags.lab);
  if (!lab.stack) throw new UsageError(`Lab ${lab.id} has no AWS stack to ${verb}.`);
  await requireAwsSetup(flags, lab);

  if (verb === 'deploy') {
    if (!skipDoctor) await preflight(lab, flags, azs);
    announceDeploy(lab, flags);
    await refuseRejectedUpdate(lab, flags);
  } else {
    say(makeChalk(flags, process.stderr).bold(`Destroying lab ${lab.id} (${lab.stack.name}): every resource of the stack is deleted, with no snapshot kept.`));
  }
  if (verb === 'destroy') await refuseStrayMembers(lab, flags);
  if (!(await confirmed(verb, flags))) {
    say('Nothing was changed.');
    return 0;
  }
  await runCdk(verb, lab, flags, azs);
  if (verb === 'deploy') {
    say(`Deployed. Next: npm run check -- ${lab.id} --target aws`);
    return 0;
  }
  return verifyAfterDestroy(flags, [lab.id]);
}

function requireTools(): void {
  if (!existsSync(join(REPO_ROOT, 'node_modules', '.bin', 'cdk'))) {
    throw new EnvironmentError('The CDK CLI is not installed in this project.', 'Run `npm ci` in the project folder first.');
  }
}

/** Credentials first, then the region: the same order and words as the check command's AWS target. */
async function requireAwsSetup(flags: CommonFlags, lab?: LabMeta): Promise<void> {
  const { makeAwsClients, destroyAwsClients, resolvedRegion } = await import('../aws/clients.js');
  const { noCredentials, noRegion } = await import('../aws/errors.js');
  const clients = makeAwsClients({ profile: flags.profile, region: flags.region });
  const region = await resolvedRegion(clients).finally(() => destroyAwsClients(clients));
  if (!awsConfigured() && flags.profile === undefined) {
    const err = noCredentials({ regionMissing: region === undefined });
    const local = lab ? ` The local target needs none: \`npm run check -- ${lab.id} --target local\`.` : '';
    throw new EnvironmentError(`${err.message} Without them there is nothing to deploy to or destroy.`, `${err.nextStep}${local}`);
  }
  if (region === undefined) throw noRegion();
}

async function preflight(lab: LabMeta, flags: CommonFlags, azs?: string): Promise<void> {
  const { runDoctor, doctorExitCode } = await import('../ops/doctor-checks.js');
  const { renderCheck } = await import('../render/terminal.js');
  const c = makeChalk(flags, process.stderr);
  say(c.bold('Preflight (npm run doctor) for this deploy:'));
  const results = await runDoctor({ labs: [lab], profile: flags.profile, region: flags.region, azs: azs?.split(',') });
  for (const r of results) say(renderCheck(c, r, false));
  if (doctorExitCode(results) !== 0) {
    throw new EnvironmentError(
      'The preflight found a problem (above), so nothing was deployed.',
      'Fix it and deploy again, or add -- --skip-doctor if the failing line does not matter for this deploy (for example the Session Manager plugin, needed only for tunnels).',
    );
  }
}

/** The lab's own guard against an update CloudFormation would reject (its plug-in's beforeDeploy), before cdk runs. */
async function refuseRejectedUpdate(lab: LabMeta, flags: CommonFlags): Promise<void> {
  const guard = findPlugin(lab.id)?.beforeDeploy;
  if (!guard) return;
  const { makeAwsClients, destroyAwsClients } = await import('../aws/clients.js');
  const clients = makeAwsClients({ profile: flags.profile, region: flags.region });
  try {
    const note = (message: string) => say(makeChalk(flags, process.stderr).dim(message));
    await guard({ clients, region: flags.region, solutions: flags.solutions === true, note });
  } finally {
    destroyAwsClients(clients);
  }
}

function announceDeploy(lab: LabMeta, flags: CommonFlags): void {
  const c = makeChalk(flags, process.stderr);
  say(c.bold(`Deploying lab ${lab.id} (${lab.stack?.name}${flags.solutions ? ', finished solution variant' : ''})`));
  say(
    `It costs about ${usd(lab.cost.usdPerHour)} per hour (${usd(lab.cost.usdPerHour * 24)} per day) until you destroy it, and takes about ${lab.deployMinutes} minutes.`,
  );
  for (const r of lab.cost.billable) say(c.dim(`  ${r.count} x ${r.kind} at ${usd(r.usdPerHour)}/h`));
}

async function confirmed(verb: Verb, flags: CommonFlags, what = ''): Promise<boolean> {
  if (flags.yes) return true;
  if (!canPrompt(flags)) {
    throw new UsageError(`Not ${verb}ing without a confirmation: this run cannot ask (no terminal, CI, or --no-input).`, `Add --yes to ${verb} anyway.`);
  }
  const { confirm } = await import('@inquirer/prompts');
  return confirm({ message: `${verb === 'deploy' ? 'Deploy' : 'Destroy'} ${what}now?`, default: verb === 'destroy' });
}

async function runCdk(verb: Verb, lab: LabMeta, flags: CommonFlags, azs?: string): Promise<void> {
  const env = { ...process.env, ...(flags.region ? { AWS_REGION: flags.region, CDK_DEFAULT_REGION: flags.region } : {}) };
  const cdk = join(REPO_ROOT, 'node_modules', '.bin', 'cdk');
  const code = await new Promise<number>((resolve) => {
    const child = spawn(cdk, cdkArgs(verb, lab.stack!.name, { solution: flags.solutions, profile: flags.profile, azs }), {
      cwd: join(REPO_ROOT, 'stacks'),
      stdio: 'inherit',
      env,
    });
    child.on('exit', (status) => resolve(status ?? 1));
    child.on('error', () => resolve(127));
  });
  if (code !== 0) {
    throw new EnvironmentError(
      `cdk ${verb} failed (exit code ${code}); its own message is above.`,
      verb === 'deploy'
        ? 'Common causes: the region is not bootstrapped (`npx cdk bootstrap` from the stacks/ folder), missing permissions, or a service quota.'
        : 'Re-run the destroy; if a resource is stuck, delete it in the console.',
    );
  }
}

/**
 * Stops a destroy that would fail half-way: instances added by hand to the
 * stack's Aurora clusters keep CloudFormation from deleting them. A failed
 * lookup does not block the destroy; cdk then says what went wrong.
 */
async function refuseStrayMembers(lab: LabMeta, flags: CommonFlags): Promise<void> {
  if (!lab.requires?.rds.some((r) => r.engine.startsWith('aurora'))) return;
  const { makeAwsClients, destroyAwsClients, resolvedRegion } = await import('../aws/clients.js');
  const { strayClusterMembers, describeStrays } = await import('../ops/stray-cluster-members.js');
  const clients = makeAwsClients({ profile: flags.profile, region: flags.region });
  try {
    const strays = await strayClusterMembers(clients, flags.stack ?? lab.stack!.name).catch(() => []);
    if (strays.length === 0) return;
    const { message, nextStep } = describeStrays(flags.stack ?? lab.stack!.name, strays, (await resolvedRegion(clients)) ?? flags.region);
    throw new EnvironmentError(message, nextStep);
  } finally {
    destroyAwsClients(clients);
  }
}

/** After a destroy: list what the kit left behind in the account, with the commands that remove it. */
async function verifyAfterDestroy(flags: CommonFlags, labIds?: number[]): Promise<number> {
  const { makeOpsClients, destroyOpsClients } = await import('../ops/clients.js');
  const { verifyTeardown, renderTeardown, teardownExitCode } = await import('../ops/teardown.js');
  const clients = makeOpsClients({ profile: flags.profile, region: flags.region });
  try {
    const report = await verifyTeardown(clients, { labIds });
    say(renderTeardown(makeChalk(flags, process.stderr), report));
    return teardownExitCode(report);
  } finally {
    destroyOpsClients(clients);
  }
}

/** destroy --all: every lab stack the kit finds deployed, then one verification over everything the kit tagged. */
async function destroyAll(flags: CommonFlags): Promise<number> {
  await requireAwsSetup(flags);
  const { makeOpsClients, destroyOpsClients } = await import('../ops/clients.js');
  const { deployedLabs } = await import('../ops/deployed-labs.js');
  const clients = makeOpsClients({ profile: flags.profile, region: flags.region });
  const deployed = await deployedLabs(clients).finally(() => destroyOpsClients(clients));
  const toDestroy = [...new Set(deployed.map((d) => d.labId).filter((id): id is number => typeof id === 'number'))].map(resolveLab);
  if (toDestroy.length === 0) say('No lab stack is deployed in this account and region.');
  else {
    say(
      makeChalk(flags, process.stderr).bold(
        `Destroying ${toDestroy.map((l) => `lab ${l.id} (${l.stack?.name})`).join(', ')}: every resource is deleted, with no snapshot kept.`,
      ),
    );
    if (!(await confirmed('destroy', flags, 'all of them '))) {
      say('Nothing was changed.');
      return 0;
    }
    for (const lab of toDestroy) await refuseStrayMembers(lab, flags);
    for (const lab of toDestroy) await runCdk('destroy', lab, flags);
  }
  return verifyAfterDestroy(flags);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  void runCommand(() => deployMain(process.argv.slice(2)));
}
