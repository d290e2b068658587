/**
 * Where lab 05's resources are: from the deployed stack's outputs, or from
 * flags for learners who built them in the console. A flag always wins over
 * the stack output of the same resource.
 */
import { EnvironmentError, KitError, UsageError } from '../core/errors.js';
import type { StackMeta } from '../core/lab.js';
import type { AwsClients } from './clients.js';
import { deployCommandFor, outputKeysOf, readStackOutputs } from './stack-outputs.js';

export interface Lab05Resources {
  replicationGroupId: string;
  redisEndpoint?: string;
  redisPort?: number;
  redisAuthSecretArn?: string;
  dbInstanceId?: string;
  dbEndpoint?: string;
  dbPort?: number;
  dbSecretArn?: string;
  dbName?: string;
  bastionInstanceId?: string;
  stackName: string;
  region?: string;
  /** `flags` when the replication group was named on the command line. */
  source: 'stack' | 'flags';
}

export interface Lab05Lookup {
  stackName?: string;
  replicationGroupId?: string;
  dbInstanceId?: string;
  region?: string;
  profile?: string;
}

/** The outputs (by their names in the lab's `stack.outputs`) the finder reads. */
const CACHE_OUTPUTS = [
  'replicationGroupId',
  'redisEndpoint',
  'redisPort',
  'redisAuthSecretArn',
  'dbEndpoint',
  'dbPort',
  'dbSecretArn',
  'dbName',
  'bastionInstanceId',
] as const;
export const LAB05_FLAGS_HINT = '--replication-group <id> (and --db-instance <id>)';

/** An RDS endpoint's first label is the instance identifier: `mydb.abc.us-east-1.rds.amazonaws.com` -> `mydb`. */
export function dbInstanceIdFromEndpoint(endpoint: string | undefined): string | undefined {
  if (!endpoint) return undefined;
  const label = endpoint.trim().split('.')[0];
  return label ? label : undefined;
}

function toPort(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  return Number.isInteger(n) && n > 0 && n < 65536 ? n : undefined;
}

const ID_PATTERN = /^[a-zA-Z][a-zA-Z0-9-]{0,62}$/;

/** A replication group in front of an RDS database (Lab 5's shape), from the stack `stack` describes or from flags. */
export async function findCacheResources(clients: AwsClients, stack: StackMeta, lookup: Lab05Lookup): Promise<Lab05Resources> {
  const KEYS = outputKeysOf(stack, CACHE_OUTPUTS);
  const stackName = lookup.stackName ?? stack.name;
  const region = lookup.region ?? clients.region;
  const profile = lookup.profile ?? clients.profile;
  for (const [flag, value] of [
    ['--replication-group', lookup.replicationGroupId],
    ['--db-instance', lookup.dbInstanceId],
  ] as const) {
    if (value !== undefined && !ID_PATTERN.test(value)) {
      throw new UsageError(
        `${flag} "${value}" is not a valid identifier: it must start with a letter and hold only letters, digits and hyphens.`,
        `Copy the identifier from the console (ElastiCache > Valkey/Redis OSS caches, or RDS > Databases) and pass it again.`,
      );
    }
  }
  const byFlags = lookup.replicationGroupId !== undefined;

  let outputs: Record<string, string> = {};
  try {
    outputs = await readStackOutputs(clients.cloudformation, stackName, {
      region,
      profile,
      deployCommand: deployCommandFor(stackName),
      flagsHint: LAB05_FLAGS_HINT,
    });
  } catch (err) {
    // Learners who followed the console steps have no stack: their flags are enough.
    if (!byFlags) throw err;
    if (!(err instanceof KitError)) throw err;
  }

  const replicationGroupId = lookup.replicationGroupId ?? outputs[KEYS.replicationGroupId];
  if (!replicationGroupId) {
    throw new EnvironmentError(
      `The stack ${stackName} has no ${KEYS.replicationGroupId} output, so the kit cannot tell which replication group to check.`,
      `Deploy the current version of the stack (\`${deployCommandFor(stackName)}\`), or name the group with --replication-group <id>.`,
    );
  }
  const dbEndpoint = outputs[KEYS.dbEndpoint];
  const dbInstanceId = lookup.dbInstanceId ?? dbInstanceIdFromEndpoint(dbEndpoint);
  // An endpoint from the stack describes the stack's group: keep it only when the flag names the same group.
  const sameGroup = !byFlags || lookup.replicationGroupId === outputs[KEYS.replicationGroupId];
  const sameDb = lookup.dbInstanceId === undefined || lookup.dbInstanceId === dbInstanceIdFromEndpoint(dbEndpoint);

  return {
    replicationGroupId,
    redisEndpoint: sameGroup ? outputs[KEYS.redisEndpoint] : undefined,
    redisPort: sameGroup ? toPort(outputs[KEYS.redisPort]) : undefined,
    redisAuthSecretArn: sameGroup ? outputs[KEYS.redisAuthSecretArn] : undefined,
    dbInstanceId,
    dbEndpoint: sameDb ? dbEndpoint : undefined,
    dbPort: sameDb ? toPort(outputs[KEYS.dbPort]) : undefined,
    dbSecretArn: sameDb ? outputs[KEYS.dbSecretArn] : undefined,
    dbName: sameDb ? outputs[KEYS.dbName] : undefined,
    bastionInstanceId: outputs[KEYS.bastionInstanceId],
    stackName,
    region,
    source: byFlags ? 'flags' : 'stack',
  };
}
