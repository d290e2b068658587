/**
 * npm run doctor [--offline] [--json] [--profile P] [--region R]: is this
 * machine (and, with credentials, this AWS account and region) ready for the
 * workshop? One line per check, each failing line with its fix.
 * Exit 0 when nothing fails, 1 when something fails, 2 on a usage error.
 */
import type { ChalkInstance } from 'chalk';
import { summarise, type CheckResult } from '../core/result.js';
import { doctorExitCode, runDoctor, type DoctorOptions } from '../ops/doctor-checks.js';
import { renderCheck, renderGroupHeader } from '../render/terminal.js';
import { parseCommandLine } from './command-line.js';
import { runCommand } from './run-command.js';
import { paint } from '../render/status.js';
import { makeChalk, say } from './terminal.js';

export const DOCTOR_USAGE = 'Usage: npm run doctor [-- --offline] [--json] [--profile <name>] [--region <region>] [--no-color]';

export const DOCTOR_HELP =
  `${DOCTOR_USAGE}\n` +
  '  --offline   only what local work needs (Node, npm, the engines): the AWS tools are listed\n' +
  '              but not judged, and no AWS call is made\n' +
  '  --json      print the results as JSON on stdout';

export interface DoctorFlags {
  offline: boolean;
  json: boolean;
  noColor: boolean;
  help: boolean;
  profile?: string;
  region?: string;
}

const DOCTOR_OPTIONS = {
  offline: { type: 'boolean' },
  json: { type: 'boolean' },
  'no-color': { type: 'boolean' },
  profile: { type: 'string' },
  region: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export function parseDoctorFlags(argv: string[], env: NodeJS.ProcessEnv = process.env): DoctorFlags {
  const v = parseCommandLine(argv, DOCTOR_OPTIONS, { script: 'doctor', usage: DOCTOR_USAGE }, env).values;
  return {
    offline: Boolean(v.offline),
    json: Boolean(v.json),
    noColor: Boolean(v['no-color']),
    help: Boolean(v.help),
    profile: v.profile,
    region: v.region,
  };
}

const GROUP_TITLES: Record<string, string> = { local: 'This machine', aws: 'AWS account and region' };

export function renderDoctor(c: ChalkInstance, results: readonly CheckResult[]): string {
  const out: string[] = [c.bold('Data Tier Labs doctor')];
  let group: string | undefined;
  for (const r of results) {
    if (r.group !== group) {
      group = r.group;
      const title = GROUP_TITLES[group ?? ''] ?? (group?.startsWith('lab ') ? `Lab ${Number(group.slice(4))} in this region` : (group ?? ''));
      out.push(renderGroupHeader(c, title));
    }
    out.push(renderCheck(c, r, true));
    if (r.status === 'skipped' && r.hint) out.push(`          ${c.cyan('hint:')} ${r.hint}`);
  }
  const s = summarise([...results]);
  const failed = s.fail + s.error;
  out.push(`\n${paint(c, 'pass', `${s.pass} passed`)}, ${paint(c, 'fail', `${failed} failed`)}, ${paint(c, 'skipped', `${s.skipped} skipped`)}`);
  out.push(
    failed === 0
      ? paint(c, 'pass', s.skipped > 0 ? '✔ Nothing failed (skipped lines were not checked).' : '✔ Ready for the workshop.')
      : paint(c, 'fail', '✘ Fix the failing lines above (each says how), then run `npm run doctor` again.'),
  );
  return out.join('\n');
}

export interface DoctorDeps {
  doctor?: (options: DoctorOptions) => Promise<CheckResult[]>;
  /** Where the JSON document goes; default stdout. */
  stdout?: (text: string) => void;
  /** Where the human-readable report goes; default stderr. */
  stderr?: (text: string) => void;
}

export async function doctorMain(argv: string[], deps: DoctorDeps = {}): Promise<number> {
  const flags = parseDoctorFlags(argv);
  const err = deps.stderr ?? say;
  if (flags.help) {
    (deps.stdout ?? ((t: string) => process.stdout.write(t)))(`${DOCTOR_HELP}\n`);
    return 0;
  }
  const results = await (deps.doctor ?? runDoctor)({ offline: flags.offline, profile: flags.profile, region: flags.region });
  const code = doctorExitCode(results);
  if (flags.json) {
    const doc = { schema: 'data-tier-labs/doctor@1', status: code === 0 ? 'pass' : 'fail', summary: summarise(results), checks: results };
    (deps.stdout ?? ((t: string) => process.stdout.write(t)))(`${JSON.stringify(doc, null, 2)}\n`);
  } else {
    err(renderDoctor(makeChalk(flags, process.stderr), results));
  }
  return code;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  void runCommand(() => doctorMain(process.argv.slice(2)));
}
