/** Command-line flags shared by the kit's commands. */
import { UsageError } from '../core/errors.js';
import { parseCommandLine } from './command-line.js';
import { echo } from '../core/echo.js';

export interface CommonFlags {
  lab?: number;
  target?: 'local' | 'aws';
  json: boolean;
  noInput: boolean;
  noColor: boolean;
  profile?: string;
  region?: string;
  exercise?: string;
  stack?: string;
  replicationGroup?: string;
  /** An Aurora DB cluster identifier (Labs 3 and 4, without a stack). */
  cluster?: string;
  dbInstance?: string;
  replicaInstance?: string;
  bastionSecurityGroup?: string;
  tunnel: boolean;
  watch: boolean;
  /** npm run lab N -- --shell: a SQL or Redis prompt on the lab's local engines. */
  shell: boolean;
  poll: boolean;
  yes: boolean;
  failoverDrill: boolean;
  /** Lab 4 on AWS: wait for the cluster to auto-pause, then time the resume with the learner's code. */
  resumeDrill: boolean;
  solutions: boolean;
  all: boolean;
  resourcesOnly: boolean;
  showSolution?: string;
  learner?: string;
  /** deploy: the two Availability Zones the stack should use, as given (checked by deploy). */
  azs?: string;
  /** deploy: go ahead without the preflight. */
  skipDoctor: boolean;
  help: boolean;
}

const OPTIONS = {
  target: { type: 'string', short: 't' },
  json: { type: 'boolean' },
  'no-input': { type: 'boolean' },
  'no-color': { type: 'boolean' },
  profile: { type: 'string' },
  region: { type: 'string' },
  exercise: { type: 'string', short: 'e' },
  stack: { type: 'string' },
  'replication-group': { type: 'string' },
  cluster: { type: 'string' },
  'db-instance': { type: 'string' },
  'replica-instance': { type: 'string' },
  'bastion-security-group': { type: 'string' },
  tunnel: { type: 'boolean' },
  watch: { type: 'boolean', short: 'w' },
  shell: { type: 'boolean' },
  poll: { type: 'boolean' },
  yes: { type: 'boolean', short: 'y' },
  'failover-drill': { type: 'boolean' },
  'resume-drill': { type: 'boolean' },
  solutions: { type: 'boolean' },
  all: { type: 'boolean' },
  'resources-only': { type: 'boolean' },
  'show-solution': { type: 'string' },
  learner: { type: 'string' },
  azs: { type: 'string' },
  'skip-doctor': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export type FlagName = keyof typeof OPTIONS;

/** Which of the kit's flags a command takes, and how it is run; a flag it does not take is refused, never ignored. */
export interface FlagScope {
  /** The npm script (`check`, `lab`, `deploy`, ...), to tell when npm kept a flag for itself. */
  script: string;
  flags: readonly FlagName[];
}

/** Every flag, for callers that build flags in-process (tests, the lab menu's inner commands). */
const ANY: FlagScope = { script: '', flags: Object.keys(OPTIONS) as FlagName[] };

export function parseFlags(argv: string[], usage: string, scope: FlagScope = ANY): CommonFlags {
  const options = Object.fromEntries(scope.flags.map((name) => [name, OPTIONS[name]])) as Partial<typeof OPTIONS>;
  const parsed = parseCommandLine(argv, options, { script: scope.script, usage, maxPositionals: 1, positionalsAre: 'one lab number' });
  const v = parsed.values as { [K in FlagName]?: (typeof OPTIONS)[K]['type'] extends 'string' ? string : boolean };
  const target = v.target;
  if (target !== undefined && target !== 'local' && target !== 'aws') {
    throw new UsageError(`Unknown target ${echo(target)}: the targets are "local" (engines on this machine) and "aws" (your deployed stack).`, usage);
  }
  const [first] = parsed.positionals;
  let lab: number | undefined;
  if (first !== undefined) {
    lab = /^\d{1,2}$/.test(first) ? Number(first) : Number.NaN;
    if (Number.isNaN(lab)) throw new UsageError(`${echo(first)} is not a lab number.`, usage);
  }
  return {
    lab,
    target,
    json: Boolean(v.json),
    noInput: Boolean(v['no-input']),
    noColor: Boolean(v['no-color']),
    profile: v.profile,
    region: v.region,
    exercise: v.exercise,
    stack: v.stack,
    replicationGroup: v['replication-group'],
    cluster: v.cluster,
    dbInstance: v['db-instance'],
    replicaInstance: v['replica-instance'],
    bastionSecurityGroup: v['bastion-security-group'],
    tunnel: Boolean(v.tunnel),
    watch: Boolean(v.watch),
    shell: Boolean(v.shell),
    poll: Boolean(v.poll),
    yes: Boolean(v.yes),
    failoverDrill: Boolean(v['failover-drill']),
    resumeDrill: Boolean(v['resume-drill']),
    solutions: Boolean(v.solutions),
    all: Boolean(v.all),
    resourcesOnly: Boolean(v['resources-only']),
    showSolution: v['show-solution'],
    learner: v.learner,
    azs: v.azs,
    skipDoctor: Boolean(v['skip-doctor']),
    help: Boolean(v.help),
  };
}
