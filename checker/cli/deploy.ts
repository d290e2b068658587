/**
 * npm run deploy <lab> / npm run destroy <lab>: cdk deploy and cdk destroy
 * with the cost shown first and a confirmation (or --yes without a terminal).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { confirm } from '@inquirer/prompts';
import { EnvironmentError, UsageError } from '../core/errors.js';
import { REPO_ROOT } from '../runner/run-exercise.js';
import { usd } from '../render/lab-screen.js';
import { parseFlags } from './args.js';
import { resolveLab } from './resolve-lab.js';
import { runCommand } from './run-command.js';
import { canPrompt, makeChalk, say } from './terminal.js';
import { awsConfigured } from './targets.js';

export const DEPLOY_USAGE = 'Usage: npm run deploy <lab> [--solutions] [--profile P] [--region R] [--yes]; npm run destroy <lab> [--yes]';

export function cdkArgs(verb: 'deploy' | 'destroy', stackName: string, options: { solution?: boolean; profile?: string }): string[] {
  return [
    verb,
    stackName,
    ...(verb === 'deploy' ? ['--require-approval', 'never'] : ['--force']),
    ...(options.solution ? ['-c', 'solution=true'] : []),
    ...(options.profile ? ['--profile', options.profile] : []),
  ];
}

export async function deployMain(argv: string[]): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb !== 'deploy' && verb !== 'destroy') throw new UsageError(`Unknown action "${verb}".`, DEPLOY_USAGE);
  const flags = parseFlags(rest, DEPLOY_USAGE);
  if (flags.help) {
    say(DEPLOY_USAGE);
    return 0;
  }
  if (flags.lab === undefined) throw new UsageError(`Which lab should I ${verb}?`, DEPLOY_USAGE);
  const lab = resolveLab(flags.lab);
  if (!lab.stack) throw new UsageError(`Lab ${lab.id} has no AWS stack to ${verb}.`);
  const c = makeChalk(flags, process.stderr);
  const cdk = join(REPO_ROOT, 'node_modules', '.bin', 'cdk');
  if (!existsSync(cdk)) throw new EnvironmentError('The CDK CLI is not installed in this project.', 'Run `npm ci` in the project folder first.');
  if (!awsConfigured()) {
    throw new EnvironmentError(
      'No AWS credentials are configured, so there is nothing to deploy to.',
      'Configure them with `aws configure` (or `aws configure sso`), or pass --profile; the local target needs none: `npm run check -- ' + lab.id + ' --target local`.',
    );
  }
  if (verb === 'deploy') {
    say(c.bold(`Deploying lab ${lab.id} (${lab.stack.name}${flags.solutions ? ', finished solution variant' : ''})`));
    say(`It costs about ${usd(lab.cost.usdPerHour)} per hour (${usd(lab.cost.usdPerHour * 24)} per day) until you destroy it, and takes about ${lab.deployMinutes} minutes.`);
    for (const r of lab.cost.billable) say(c.dim(`  ${r.count} x ${r.kind} at ${usd(r.usdPerHour)}/h`));
  } else {
    say(c.bold(`Destroying lab ${lab.id} (${lab.stack.name}): every resource of the stack is deleted, with no snapshot kept.`));
  }
  let go = flags.yes;
  if (!go) {
    if (!canPrompt(flags)) throw new UsageError(`Not ${verb}ing without a confirmation: this run cannot ask (no terminal, CI, or --no-input).`, `Add --yes to ${verb} anyway.`);
    go = await confirm({ message: verb === 'deploy' ? 'Deploy now?' : 'Destroy now?', default: verb === 'destroy' });
  }
  if (!go) {
    say('Nothing was changed.');
    return 0;
  }
  const env = { ...process.env, ...(flags.region ? { AWS_REGION: flags.region, CDK_DEFAULT_REGION: flags.region } : {}) };
  const code = await new Promise<number>((resolve) => {
    const child = spawn(cdk, cdkArgs(verb, lab.stack!.name, { solution: flags.solutions, profile: flags.profile }), { cwd: join(REPO_ROOT, 'stacks'), stdio: 'inherit', env });
    child.on('exit', (status) => resolve(status ?? 1));
    child.on('error', () => resolve(127));
  });
  if (code !== 0) {
    throw new EnvironmentError(`cdk ${verb} failed (exit code ${code}); its own message is above.`, verb === 'deploy' ? 'Common causes: the region is not bootstrapped (`npx cdk bootstrap` from the stacks/ folder), missing permissions, or a service quota.' : 'Re-run the destroy; if a resource is stuck, delete it in the console.');
  }
  say(verb === 'deploy' ? `Deployed. Next: npm run check -- ${lab.id} --target aws` : 'Destroyed. Nothing from this stack is billed any more.');
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  void runCommand(() => deployMain(process.argv.slice(2)));
}
