/**
 * What `npm run check` accepts: its usage and help, the kit flags it takes,
 * and the flags that would do nothing for a given lab and target (refused,
 * so a learner never believes a drill or an AWS flag ran when it did not).
 */
import { findPlugin, plugins } from '../../labs/index.js';
import type { DrillSpec, Target } from '../checks/plugin.js';
import type { LabMeta } from '../core/lab.js';
import { UsageError } from '../core/errors.js';
import type { CommonFlags, FlagScope } from './args.js';

type DrillFlag = DrillSpec['flag'];
const DRILL_FLAGS: DrillFlag[] = ['failover-drill', 'resume-drill'];

/** The labs that have a drill for `flag`, each with where it runs. */
function drillOwners(flag: DrillFlag): Array<{ lab: LabMeta; drill: DrillSpec }> {
  return plugins.flatMap((p) => (p.drills ?? []).filter((d) => d.flag === flag).map((drill) => ({ lab: p.lab, drill })));
}

const listIds = (ids: number[]) => (ids.length === 1 ? `Lab ${ids[0]}` : `Labs ${ids.slice(0, -1).join(', ')} and ${ids.at(-1)}`);

/** "Labs 1 and 3 (local or aws) and Lab 5 (aws)": the labs with a drill, grouped by where it runs. */
function drillWhere(flag: DrillFlag): string {
  const groups = new Map<string, number[]>();
  for (const { lab, drill } of drillOwners(flag)) {
    const where = drill.targets.join(' or ');
    groups.set(where, [...(groups.get(where) ?? []), lab.id]);
  }
  return [...groups].map(([where, ids]) => `${listIds(ids)} (${where})`).join(' and ');
}

function drillHelp(flag: DrillFlag): string {
  const help =
    drillOwners(flag)
      .map(({ drill }) => drill.help)
      .find(Boolean) ?? flag.replace('-', ' ');
  return `  ${`--${flag}`.padEnd(26)}${drillWhere(flag)}: ${help}`;
}

const drillAsked = (flag: DrillFlag, flags: CommonFlags) => (flag === 'failover-drill' ? flags.failoverDrill : flags.resumeDrill);

/** The lab's drills this run's flags ask for, in the lab's order. */
export function requestedDrills(lab: LabMeta, flags: CommonFlags): DrillSpec[] {
  return (findPlugin(lab.id)?.drills ?? []).filter((d) => drillAsked(d.flag, flags));
}

export const CHECK_USAGE =
  'Usage: npm run check -- <lab>|--all [--target local|aws] [--exercise NN] [--json] [more flags: npm run check -- --help]. Example: npm run check -- 5 --target local';

export const CHECK_HELP = [
  "Usage: npm run check -- <lab> [flags]     run one lab's checks",
  '       npm run check -- --all [flags]     run every ready lab',
  '                                          (with --json: the results file for the class report)',
  '',
  'Flags:',
  '  --target local|aws        where the exercises run (asked on a terminal when left out)',
  '  --exercise NN, -e NN      only this exercise of the lab',
  '  --json                    one results document on stdout',
  '  --learner ID              with --all --json: who the results belong to (default: git user)',
  '  --no-input                never ask; fail with a usage error instead',
  '  --no-color                no colour (NO_COLOR is honoured too)',
  '  --solutions               check the reference solutions instead of your files',
  ...DRILL_FLAGS.filter((flag) => drillOwners(flag).length > 0).map(drillHelp),
  '  --yes, -y                 confirm a drill without asking',
  '',
  'AWS target:',
  '  --profile P, --region R   which credentials and region',
  '  --tunnel                  reach the private cache and database through SSM port forwards',
  '  --resources-only          check the deployed resources, not the exercises',
  '  --stack NAME, --replication-group ID, --cluster ID, --db-instance ID, --replica-instance ID,',
  '  --bastion-security-group ID',
  '                            name resources you made yourself instead of the lab stack',
  '',
  'Examples: npm run check -- 5 --target local',
  '          npm run check -- 5 --exercise 02',
  '          npm run --silent check -- --all --json --learner ada > results/ada.json',
  '',
  'Exit codes: 0 every check passed, 1 something failed (your work), 2 usage or environment problem.',
].join('\n');

export const CHECK_FLAGS: FlagScope = {
  script: 'check',
  flags: [
    'target',
    'json',
    'no-input',
    'no-color',
    'profile',
    'region',
    'exercise',
    'stack',
    'replication-group',
    'cluster',
    'db-instance',
    'replica-instance',
    'bastion-security-group',
    'tunnel',
    'yes',
    'failover-drill',
    'resume-drill',
    'solutions',
    'all',
    'resources-only',
    'learner',
    'help',
  ],
};

/** Where each lab's failover drill runs; --failover-drill anywhere else would be ignored, so it is refused. */
export const FAILOVER_DRILL_TARGETS: Readonly<Record<number, readonly Target[]>> = Object.fromEntries(
  drillOwners('failover-drill').map(({ lab, drill }) => [lab.id, drill.targets]),
);

/**
 * Refuses a drill flag this lab or target would ignore. A drill with a
 * `skippedLocally` check is let through on the local target (it shows as
 * skipped there, saying where it runs).
 */
function refuseDrill(flag: DrillFlag, lab: LabMeta, target: Target | undefined): void {
  const owners = drillOwners(flag);
  const drill = owners.find((o) => o.lab.id === lab.id)?.drill;
  const noun = flag.replace('-', ' ');
  if (!drill) {
    if (owners.length === 1) {
      const [only] = owners;
      throw new UsageError(
        `--${flag} belongs to Lab ${only.lab.id} (${only.lab.title}): lab ${lab.id} has no ${only.drill.needs ?? noun}.`,
        `Run it as npm run check -- ${only.lab.id} --target ${only.drill.targets[0]} --${flag}.`,
      );
    }
    const withDrill = owners.map((o) => `${o.lab.id} (${o.drill.targets.join(' or ')})`).join(', ');
    throw new UsageError(`Lab ${lab.id} has no ${noun}, so --${flag} would do nothing. Labs with one: ${withDrill}.`, CHECK_USAGE);
  }
  if (!drill.targets.includes(target ?? 'local') && !drill.skippedLocally) {
    const given = target ? `with --target ${target}` : 'without --target (the run may stay local)';
    throw new UsageError(
      `Lab ${lab.id}'s ${noun} runs only with --target ${drill.targets.join(' or ')}; ${given} it would not run.`,
      `Run it as npm run check -- ${lab.id} --target ${drill.targets[0]} --${flag}.`,
    );
  }
}

/** Refuses flags this lab and target would ignore. */
export function refuseUnusedFlags(lab: LabMeta, flags: CommonFlags): void {
  if (flags.resumeDrill) refuseDrill('resume-drill', lab, flags.target);
  if (flags.yes && !flags.failoverDrill && !flags.resumeDrill) {
    throw new UsageError('--yes confirms a drill without asking; this run starts no drill, so it would be ignored.', CHECK_USAGE);
  }
  if (flags.target === 'local') {
    const awsOnly = (
      [
        ['--tunnel', flags.tunnel],
        ['--resources-only', flags.resourcesOnly],
        ['--stack', flags.stack],
        ['--replication-group', flags.replicationGroup],
        ['--cluster', flags.cluster],
        ['--db-instance', flags.dbInstance],
        ['--replica-instance', flags.replicaInstance],
        ['--bastion-security-group', flags.bastionSecurityGroup],
      ] as const
    )
      .filter(([, given]) => given !== undefined && given !== false)
      .map(([name]) => name);
    if (awsOnly.length > 0)
      throw new UsageError(
        `${awsOnly.join(', ')} ${awsOnly.length === 1 ? 'goes' : 'go'} with --target aws; the local target would ignore ${awsOnly.length === 1 ? 'it' : 'them'}.`,
        CHECK_USAGE,
      );
  }
  if (flags.failoverDrill) refuseDrill('failover-drill', lab, flags.target);
}
