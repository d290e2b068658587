/**
 * Where the RDS labs' resources are (Lab 1: one MySQL instance, Multi-AZ;
 * Lab 2: a primary and its read replica): from the deployed stack's outputs,
 * or from flags for learners who built them in the console. A flag always
 * wins over the stack output of the same resource.
 *
 * Also the RDS reads both labs' checks share: one instance by name, and,
 * when that name does not exist, the lab's instances that do (kit tags or the
 * stack's naming), so a typo is answered with the name the learner meant.
 */
import type { EC2Client } from '@aws-sdk/client-ec2';
import { DescribeDBInstancesCommand, type DBInstance } from '@aws-sdk/client-rds';
import { EnvironmentError, KitError, UsageError } from '../core/errors.js';
import type { StackMeta } from '../core/lab.js';
import { kitMatch, tagMap } from '../core/kit.js';
import type { AwsClients } from './clients.js';
import { classifyAwsError, explainAwsError } from './errors.js';
import { dbInstanceIdFromEndpoint } from './lab05-resources.js';
import { deployCommandFor, outputKeysOf, readStackOutputs } from './stack-outputs.js';

/** The clients the RDS labs use (the shared set, EC2 included). */
export type RdsLabClients = AwsClients;

export interface Lab01Resources {
  dbInstanceId: string;
  dbEndpoint?: string;
  dbPort?: number;
  dbSecretArn?: string;
  dbName?: string;
  dbSecurityGroupId?: string;
  bastionSecurityGroupId?: string;
  parameterGroupName?: string;
  bastionInstanceId?: string;
  stackName: string;
  region?: string;
  /** `flags` when the instance was named on the command line. */
  source: 'stack' | 'flags';
}

export interface Lab01Lookup {
  stackName?: string;
  dbInstanceId?: string;
  /** The bastion's security group, for learners without the stack (`--bastion-security-group`). */
  bastionSecurityGroupId?: string;
  region?: string;
  profile?: string;
}

export interface Lab02Resources {
  primaryInstanceId: string;
  primaryEndpoint?: string;
  /** Named by a flag or the stack; when absent the checks look for the primary's replicas. */
  replicaInstanceId?: string;
  replicaEndpoint?: string;
  dbPort?: number;
  dbSecretArn?: string;
  dbName?: string;
  bastionInstanceId?: string;
  stackName: string;
  region?: string;
  source: 'stack' | 'flags';
}

export interface Lab02Lookup {
  stackName?: string;
  /** The primary (`--db-instance`). */
  dbInstanceId?: string;
  /** The read replica (`--replica-instance`). */
  replicaInstanceId?: string;
  region?: string;
  profile?: string;
}

/** The outputs (by their names in the lab's `stack.outputs`) the finders read. */
const INSTANCE_OUTPUTS = [
  'dbInstanceId',
  'dbEndpoint',
  'dbPort',
  'dbSecretArn',
  'dbName',
  'dbSecurityGroupId',
  'bastionSecurityGroupId',
  'parameterGroupName',
  'bastionInstanceId',
] as const;
const PRIMARY_REPLICA_OUTPUTS = [
  'primaryInstanceId',
  'primaryEndpoint',
  'replicaInstanceId',
  'replicaEndpoint',
  'dbPort',
  'dbSecretArn',
  'dbName',
  'bastionInstanceId',
] as const;
export const LAB01_FLAGS_HINT = '--db-instance <id>';
export const LAB02_FLAGS_HINT = '--db-instance <primary-id> (and --replica-instance <id>)';

const ID_PATTERN = /^[a-zA-Z][a-zA-Z0-9-]{0,62}$/;
const SG_PATTERN = /^sg-[0-9a-f]{8,17}$/;

function assertIdentifiers(pairs: ReadonlyArray<readonly [string, string | undefined]>): void {
  for (const [flag, value] of pairs) {
    if (value !== undefined && !ID_PATTERN.test(value)) {
      throw new UsageError(
        `${flag} "${value}" is not a valid DB instance identifier: it must start with a letter and hold only letters, digits and hyphens.`,
        'Copy the identifier from the console (RDS > Databases, the "DB identifier" column) and pass it again.',
      );
    }
  }
}

function toPort(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  return Number.isInteger(n) && n > 0 && n < 65536 ? n : undefined;
}

/** Stack outputs, or none when flags name the resources and the stack is missing. */
async function outputsOrFlags(
  clients: AwsClients,
  stackName: string,
  byFlags: boolean,
  ctx: { region?: string; profile?: string; flagsHint: string },
): Promise<Record<string, string>> {
  try {
    return await readStackOutputs(clients.cloudformation, stackName, {
      region: ctx.region,
      profile: ctx.profile,
      deployCommand: deployCommandFor(stackName),
      flagsHint: ctx.flagsHint,
    });
  } catch (err) {
    // Learners who followed the console steps have no stack: their flags are enough.
    if (byFlags && err instanceof KitError) return {};
    throw err;
  }
}

/** One RDS instance (Lab 1's shape), from the stack `stack` describes or from flags. */
export async function findRdsInstanceResources(clients: AwsClients, stack: StackMeta, lookup: Lab01Lookup = {}): Promise<Lab01Resources> {
  const KEYS01 = outputKeysOf(stack, INSTANCE_OUTPUTS);
  const stackName = lookup.stackName ?? stack.name;
  const region = lookup.region ?? clients.region;
  const profile = lookup.profile ?? clients.profile;
  assertIdentifiers([['--db-instance', lookup.dbInstanceId]]);
  if (lookup.bastionSecurityGroupId !== undefined && !SG_PATTERN.test(lookup.bastionSecurityGroupId)) {
    throw new UsageError(
      `--bastion-security-group "${lookup.bastionSecurityGroupId}" is not a security group id (sg- followed by 8 or 17 hex digits).`,
      'Copy the id from the console (EC2 > Security Groups) and pass it again.',
    );
  }
  const byFlags = lookup.dbInstanceId !== undefined;
  const outputs = await outputsOrFlags(clients, stackName, byFlags, { region, profile, flagsHint: LAB01_FLAGS_HINT });

  const fromStack = outputs[KEYS01.dbInstanceId] ?? dbInstanceIdFromEndpoint(outputs[KEYS01.dbEndpoint]);
  const dbInstanceId = lookup.dbInstanceId ?? fromStack;
  if (!dbInstanceId) {
    throw new EnvironmentError(
      `The stack ${stackName} has no ${KEYS01.dbInstanceId} output, so the kit cannot tell which DB instance to check.`,
      `Deploy the current version of the stack (\`${deployCommandFor(stackName)}\`), or name the instance with ${LAB01_FLAGS_HINT}.`,
    );
  }
  // What the stack says about its instance describes that instance only.
  const same = !byFlags || lookup.dbInstanceId === fromStack;
  const fromOutputs = (key: string) => (same ? outputs[key] : undefined);
  return {
    dbInstanceId,
    dbEndpoint: fromOutputs(KEYS01.dbEndpoint),
    dbPort: toPort(fromOutputs(KEYS01.dbPort)),
    dbSecretArn: fromOutputs(KEYS01.dbSecretArn),
    dbName: fromOutputs(KEYS01.dbName),
    dbSecurityGroupId: fromOutputs(KEYS01.dbSecurityGroupId),
    bastionSecurityGroupId: lookup.bastionSecurityGroupId ?? outputs[KEYS01.bastionSecurityGroupId],
    parameterGroupName: fromOutputs(KEYS01.parameterGroupName),
    bastionInstanceId: outputs[KEYS01.bastionInstanceId],
    stackName,
    region,
    source: byFlags ? 'flags' : 'stack',
  };
}

/** A primary and its read replica (Lab 2's shape), from the stack `stack` describes or from flags. */
export async function findPrimaryReplicaResources(clients: AwsClients, stack: StackMeta, lookup: Lab02Lookup = {}): Promise<Lab02Resources> {
  const KEYS02 = outputKeysOf(stack, PRIMARY_REPLICA_OUTPUTS);
  const stackName = lookup.stackName ?? stack.name;
  const region = lookup.region ?? clients.region;
  const profile = lookup.profile ?? clients.profile;
  assertIdentifiers([
    ['--db-instance', lookup.dbInstanceId],
    ['--replica-instance', lookup.replicaInstanceId],
  ]);
  const byFlags = lookup.dbInstanceId !== undefined;
  const outputs = await outputsOrFlags(clients, stackName, byFlags, { region, profile, flagsHint: LAB02_FLAGS_HINT });

  const primaryFromStack = outputs[KEYS02.primaryInstanceId] ?? dbInstanceIdFromEndpoint(outputs[KEYS02.primaryEndpoint]);
  const primaryInstanceId = lookup.dbInstanceId ?? primaryFromStack;
  if (!primaryInstanceId) {
    throw new EnvironmentError(
      `The stack ${stackName} has no ${KEYS02.primaryInstanceId} output, so the kit cannot tell which DB instance is the primary.`,
      `Deploy the current version of the stack (\`${deployCommandFor(stackName)}\`), or name the instances with ${LAB02_FLAGS_HINT}.`,
    );
  }
  const samePrimary = !byFlags || lookup.dbInstanceId === primaryFromStack;
  // The stack's replica belongs to the stack's primary: a flagged primary gets only a flagged replica.
  const replicaFromStack = samePrimary
    ? ((outputs[KEYS02.replicaInstanceId] || undefined) ?? dbInstanceIdFromEndpoint(outputs[KEYS02.replicaEndpoint]))
    : undefined;
  const replicaInstanceId = lookup.replicaInstanceId ?? replicaFromStack;
  const sameReplica = replicaInstanceId !== undefined && replicaInstanceId === replicaFromStack;
  return {
    primaryInstanceId,
    primaryEndpoint: samePrimary ? outputs[KEYS02.primaryEndpoint] : undefined,
    replicaInstanceId,
    replicaEndpoint: sameReplica ? outputs[KEYS02.replicaEndpoint] : undefined,
    dbPort: samePrimary ? toPort(outputs[KEYS02.dbPort]) : undefined,
    dbSecretArn: samePrimary ? outputs[KEYS02.dbSecretArn] : undefined,
    dbName: samePrimary ? outputs[KEYS02.dbName] : undefined,
    bastionInstanceId: outputs[KEYS02.bastionInstanceId],
    stackName,
    region,
    source: byFlags ? 'flags' : 'stack',
  };
}

// --- RDS reads shared by the lab checks and drills ---

export interface RdsCallContext {
  region?: string;
  profile?: string;
}

/** `arn:aws:rds:eu-west-1:123456789012:db:mydb` -> { region: 'eu-west-1', id: 'mydb' }; a plain id -> { id }. */
export function parseDbInstanceRef(ref: string): { id: string; region?: string; arn?: string } {
  const m = /^arn:aws[a-z-]*:rds:([a-z0-9-]+):\d*:db:(.+)$/.exec(ref.trim());
  if (m) return { id: m[2]!, region: m[1]!, arn: ref.trim() };
  return { id: ref.trim() };
}

/** ReadReplicaSourceDBInstanceIdentifier may be an id or (cross-region) an ARN: compare by suffix. */
export function isSameDbInstance(ref: string | undefined, id: string): boolean {
  if (!ref) return false;
  return ref === id || ref.endsWith(`:db:${id}`);
}

/** The region in an instance's ARN (what RDS itself says, whatever the client was given). */
export function regionOfDbInstance(db: DBInstance | undefined): string | undefined {
  return db?.DBInstanceArn ? parseDbInstanceRef(db.DBInstanceArn).region : undefined;
}

/**
 * One instance by identifier: the instance, or `undefined` when RDS has no
 * such instance. Anything else (credentials, permissions, network) is thrown
 * explained, for the caller to turn into an `error` result.
 */
export async function describeDbInstance(
  clients: AwsClients,
  id: string,
  ctx: RdsCallContext & { flag?: string; deployCommand?: string },
): Promise<DBInstance | undefined> {
  try {
    const out = await clients.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }));
    return out.DBInstances?.[0];
  } catch (err) {
    if (classifyAwsError(err, ctx.region) === 'not-found') return undefined;
    throw explainAwsError(err, {
      action: 'rds:DescribeDBInstances',
      region: ctx.region,
      profile: ctx.profile,
      resource: { kind: 'RDS DB instance', id, flag: ctx.flag ?? '--db-instance <id>' },
      deployCommand: ctx.deployCommand,
    });
  }
}

/** Edit distance, for "did you mean": a transposed or dropped letter is 1 or 2. */
function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** Instances the learner may have meant: the lab's own, and others a typo away from the name typed. */
export interface DbInstanceSuggestions {
  lab: string[];
  similar: string[];
}

/** All suggested names, the lab's first. */
export function suggestedNames(s: DbInstanceSuggestions): string[] {
  return [...s.lab, ...s.similar];
}

/**
 * Instances in the region that the learner may have meant: the lab's own
 * (kit tags, the `DataTierLabs-NN-` stack naming or a `dtlNN-` name), and
 * any other whose name is a typo away from `typed` (other labs' instances
 * excepted). Best effort: a listing that fails yields no suggestions, never
 * an error.
 */
export async function suggestDbInstances(clients: AwsClients, labId: number, typed?: string): Promise<DbInstanceSuggestions> {
  const lab: string[] = [];
  const similar: string[] = [];
  const prefix = `dtl${String(labId).padStart(2, '0')}-`;
  try {
    let marker: string | undefined;
    let pages = 0;
    do {
      const out = await clients.rds.send(new DescribeDBInstancesCommand({ MaxRecords: 100, Marker: marker }));
      for (const db of out.DBInstances ?? []) {
        const id = db.DBInstanceIdentifier;
        if (!id || id === typed) continue;
        const match = kitMatch(tagMap(db.TagList), [id]);
        const otherLab = match?.labId !== undefined && match.labId !== labId;
        if (otherLab) continue;
        if (match !== undefined || id.toLowerCase().startsWith(prefix)) lab.push(id);
        else if (typed && distance(id.toLowerCase(), typed.toLowerCase()) <= 2) similar.push(id);
      }
      marker = out.Marker;
      pages += 1;
    } while (marker && pages < 5);
  } catch {
    return { lab: [], similar: [] };
  }
  return { lab: lab.sort(), similar: similar.sort() };
}

/** "There is no RDS DB instance X": the sentence and the hint, with the names that do exist. */
export function instanceNotFound(
  id: string,
  suggestions: DbInstanceSuggestions,
  opts: { region?: string; flag: string; deployCommand: string; stackName?: string; fromStack?: boolean },
): { message: string; hint: string } {
  const where = opts.region ? ` in ${opts.region}` : '';
  const stackNote = opts.fromStack && opts.stackName ? ` although the stack ${opts.stackName} names it (was it deleted outside CloudFormation?)` : '';
  const found =
    (suggestions.lab.length ? ` The lab's DB instances here: ${suggestions.lab.join(', ')}.` : '') +
    (suggestions.similar.length ? ` Similar names: ${suggestions.similar.join(', ')}.` : '');
  const message = `There is no RDS DB instance "${id}"${where}${stackNote}.${found}`;
  const first = suggestedNames(suggestions)[0];
  const hint = first
    ? `Check the spelling and pass the right name, e.g. \`${opts.flag.replace(/<[^>]+>/, first)}\`; if the instance is in another region, pass --region.`
    : `Deploy the lab stack with \`${opts.deployCommand}\`, or pass the identifier of your instance with \`${opts.flag}\`; if it is in another region, pass --region.`;
  return { message, hint };
}

/**
 * The run's EC2 client for the security-group check (built on first use from
 * the shared configuration). `owned` is always false: destroyAwsClients
 * closes it with the others.
 */
export function ec2ClientFor(clients: RdsLabClients): { ec2: EC2Client; owned: boolean } {
  return { ec2: clients.ec2, owned: false };
}
