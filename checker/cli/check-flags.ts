/**
 * What `npm run check` accepts: its usage and help, the kit flags it takes,
 * and the flags that would do nothing for a given lab and target (refused,
 * so a learner never believes a drill or an AWS flag ran when it did not).
 */
import type { LabMeta } from '../core/lab.js';
import { UsageError } from '../core/errors.js';
import type { CommonFlags, FlagScope } from './args.js';

export const CHECK_USAGE =
  'Usage: npm run check -- <lab>|--all [--target local|aws] [--exercise NN] [--json] [more flags: npm run check -- --help]. Example: npm run check -- 5 --target local';

export const CHECK_HELP = [
  'Usage: npm run check -- <lab> [flags]     run one lab\'s checks',
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
  '  --failover-drill          Labs 1 and 3 (local or aws) and Lab 5 (aws): the failover drill',
  '  --resume-drill            Lab 4 on aws: time the resume of the paused cluster',
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
    'target', 'json', 'no-input', 'no-color', 'profile', 'region', 'exercise', 'stack', 'replication-group', 'cluster', 'db-instance',
    'replica-instance', 'bastion-security-group', 'tunnel', 'yes', 'failover-drill', 'resume-drill', 'solutions', 'all', 'resources-only', 'learner', 'help',
  ],
};

/** Where each lab's failover drill runs; --failover-drill anywhere else would be ignored, so it is refused. */
export const FAILOVER_DRILL_TARGETS: Readonly<Record<number, readonly ('local' | 'aws')[]>> = { 1: ['local', 'aws'], 3: ['local', 'aws'], 5: ['aws'] };

/** Refuses flags this lab and target would ignore. */
export function refuseUnusedFlags(lab: LabMeta, flags: CommonFlags): void {
  if (flags.resumeDrill && lab.id !== 4) {
    throw new UsageError(`--resume-drill belongs to Lab 4 (Aurora Serverless v2): lab ${lab.id} has no cluster that pauses.`, 'Run it as npm run check -- 4 --target aws --resume-drill.');
  }
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
    ).filter(([, given]) => given !== undefined && given !== false).map(([name]) => name);
    if (awsOnly.length > 0) throw new UsageError(`${awsOnly.join(', ')} ${awsOnly.length === 1 ? 'goes' : 'go'} with --target aws; the local target would ignore ${awsOnly.length === 1 ? 'it' : 'them'}.`, CHECK_USAGE);
  }
  if (flags.failoverDrill) {
    const targets = FAILOVER_DRILL_TARGETS[lab.id] ?? [];
    const withDrill = Object.entries(FAILOVER_DRILL_TARGETS).map(([id, t]) => `${id} (${t.join(' or ')})`).join(', ');
    if (targets.length === 0) throw new UsageError(`Lab ${lab.id} has no failover drill, so --failover-drill would do nothing. Labs with one: ${withDrill}.`, CHECK_USAGE);
    if (!targets.includes(flags.target ?? 'local')) {
      const given = flags.target ? `with --target ${flags.target}` : 'without --target (the run may stay local)';
      throw new UsageError(`Lab ${lab.id}'s failover drill runs only with --target ${targets.join(' or ')}; ${given} it would not run.`, `Run it as npm run check -- ${lab.id} --target ${targets[0]} --failover-drill.`);
    }
  }
}
