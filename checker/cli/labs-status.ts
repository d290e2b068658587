/**
 * npm run labs:status [--json] [--profile P] [--region R]: what the kit has
 * deployed in the account and region, since when, what it has cost so far at
 * list price, the total per hour, and a reminder for labs up past their plan.
 */
import { EnvironmentError } from '../core/errors.js';
import { labsStatus, renderStatus, statusJson } from '../ops/deployed-labs.js';
import { destroyOpsClients, makeOpsClients, type OpsClients } from '../ops/clients.js';
import { credentialsConfigured } from '../ops/kit.js';
import { parseCommandLine } from './command-line.js';
import { runCommand } from './run-command.js';
import { makeChalk, say } from './terminal.js';

export const LABS_STATUS_USAGE = 'Usage: npm run labs:status [-- --json] [--profile <name>] [--region <region>] [--no-color]';

export interface LabsStatusDeps {
  clients?: OpsClients;
  now?: Date;
  credentialsConfigured?: boolean;
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
}

export async function labsStatusMain(argv: string[], deps: LabsStatusDeps = {}): Promise<number> {
  const parsed = parseCommandLine(
    argv,
    {
      json: { type: 'boolean' },
      'no-color': { type: 'boolean' },
      profile: { type: 'string' },
      region: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    { script: 'labs:status', usage: LABS_STATUS_USAGE },
  );
  const v = parsed.values;
  const err = deps.stderr ?? say;
  if (v.help) {
    (deps.stdout ?? ((t: string) => process.stdout.write(t)))(`${LABS_STATUS_USAGE}\n`);
    return 0;
  }
  const configured = deps.credentialsConfigured ?? (v.profile !== undefined || credentialsConfigured());
  if (!deps.clients && !configured) {
    throw new EnvironmentError(
      'No AWS credentials are configured, so the kit cannot look up what is deployed (without credentials nothing can be deployed either).',
      'Set them up with `aws configure` or `aws configure sso`, or pass --profile <name>.',
    );
  }
  const clients = deps.clients ?? makeOpsClients({ profile: v.profile, region: v.region });
  try {
    const status = await labsStatus(clients, { now: deps.now });
    if (v.json) (deps.stdout ?? ((t: string) => process.stdout.write(t)))(`${JSON.stringify(statusJson(status), null, 2)}\n`);
    else err(renderStatus(makeChalk({ noColor: Boolean(v['no-color']) }, process.stderr), status));
    return 0;
  } finally {
    if (!deps.clients) destroyOpsClients(clients);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  void runCommand(() => labsStatusMain(process.argv.slice(2)));
}
