/**
 * Where Lab 7's resources are: the function (always from the stack outputs:
 * there is no flag for it), the Aurora cluster and the Valkey replication
 * group (from the outputs, or `--cluster` / `--replication-group`, which win
 * over the stack's), and the bastion.
 *
 * The stack name and output keys come from labs/07-serverless-cache/lab.ts,
 * which the stack reads too. (In the lab's folder, not checker/aws: generic
 * layers never name a lab.)
 */
import { EnvironmentError, UsageError } from '../../core/errors.js';
import type { AwsClients } from '../../aws/clients.js';
import { deployCommandFor, readStackOutputs } from '../../aws/stack-outputs.js';
import { lab07 } from '../../../labs/07-serverless-cache/lab.js';

export const LAB07_STACK_NAME = lab07.stack.name;
export const LAB07_DEPLOY = deployCommandFor(LAB07_STACK_NAME);

/** CloudFormation output keys of the Lab 7 stack, by what the checker calls them. */
export const LAB07_OUTPUTS = lab07.stack.outputs;

/** The environment variables the stack gives the handler (stacks/07-serverless-cache.ts LAB07_ENVIRONMENT_KEYS). */
export const LAB07_ENVIRONMENT_KEYS = ['REDIS_URL', 'DB_HOST', 'DB_PORT', 'DB_USER', 'DB_PASSWORD', 'DB_NAME', 'DB_SSL', 'CACHE_TTL_SECONDS'] as const;

export interface Lab07Resources {
  functionName: string;
  functionLogGroup?: string;
  clusterId: string;
  clusterEndpoint?: string;
  writerInstanceId?: string;
  dbPort?: number;
  dbName?: string;
  dbSecretArn?: string;
  /** The MySQL user the function signs in as, and the secret with its password (the checker creates the user). */
  dbAppUser?: string;
  dbAppSecretArn?: string;
  replicationGroupId: string;
  cacheEndpoint?: string;
  cachePort?: number;
  cacheAuthSecretArn?: string;
  bastionInstanceId?: string;
  stackName: string;
  region?: string;
  /** `flags` when the cluster or the cache was named on the command line. */
  source: 'stack' | 'flags';
}

export interface Lab07Lookup {
  stackName?: string;
  clusterId?: string;
  replicationGroupId?: string;
  region?: string;
  profile?: string;
}

const ID_PATTERN = /^[a-zA-Z][a-zA-Z0-9-]{0,62}$/;
const FLAGS_HINT = '--cluster <id> or --replication-group <id> (the function itself always comes from the stack)';

function toPort(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  return Number.isInteger(n) && n > 0 && n < 65536 ? n : undefined;
}

export async function findLab07Resources(clients: AwsClients, lookup: Lab07Lookup = {}): Promise<Lab07Resources> {
  const stackName = lookup.stackName ?? LAB07_STACK_NAME;
  const region = lookup.region ?? clients.region;
  const profile = lookup.profile ?? clients.profile;
  for (const [flag, value] of [
    ['--cluster', lookup.clusterId],
    ['--replication-group', lookup.replicationGroupId],
  ] as const) {
    if (value !== undefined && !ID_PATTERN.test(value)) {
      throw new UsageError(
        `${flag} "${value}" is not a valid identifier: it must start with a letter and hold only letters, digits and hyphens.`,
        'Copy the identifier from the console (RDS > Databases, or ElastiCache > Valkey caches) and pass it again.',
      );
    }
  }
  // No stack, no function: unlike Labs 4 and 5, flags alone are not enough.
  const outputs = await readStackOutputs(clients.cloudformation, stackName, { region, profile, deployCommand: LAB07_DEPLOY, flagsHint: FLAGS_HINT });
  const functionName = outputs[LAB07_OUTPUTS.functionName];
  const stackCluster = outputs[LAB07_OUTPUTS.clusterId];
  const stackCache = outputs[LAB07_OUTPUTS.replicationGroupId];
  const missing = [
    functionName ? undefined : LAB07_OUTPUTS.functionName,
    (lookup.clusterId ?? stackCluster) ? undefined : LAB07_OUTPUTS.clusterId,
    (lookup.replicationGroupId ?? stackCache) ? undefined : LAB07_OUTPUTS.replicationGroupId,
  ].filter(Boolean);
  if (missing.length > 0) {
    throw new EnvironmentError(
      `The stack ${stackName} has no ${missing.join(', ')} output, so the kit cannot tell which resources to check.`,
      `Deploy the current version of the stack (\`${LAB07_DEPLOY}\`).`,
    );
  }
  // What the stack says about its cluster or cache describes those only.
  const sameCluster = lookup.clusterId === undefined || lookup.clusterId.toLowerCase() === stackCluster?.toLowerCase();
  const sameCache = lookup.replicationGroupId === undefined || lookup.replicationGroupId.toLowerCase() === stackCache?.toLowerCase();
  const db = (key: string) => (sameCluster ? outputs[key] || undefined : undefined);
  const cache = (key: string) => (sameCache ? outputs[key] || undefined : undefined);
  return {
    functionName: functionName!,
    functionLogGroup: outputs[LAB07_OUTPUTS.functionLogGroup] || undefined,
    clusterId: lookup.clusterId ?? stackCluster!,
    clusterEndpoint: db(LAB07_OUTPUTS.clusterEndpoint),
    writerInstanceId: db(LAB07_OUTPUTS.writerInstanceId),
    dbPort: toPort(db(LAB07_OUTPUTS.dbPort)),
    dbName: db(LAB07_OUTPUTS.dbName),
    dbSecretArn: db(LAB07_OUTPUTS.dbSecretArn),
    dbAppUser: db(LAB07_OUTPUTS.dbAppUser),
    dbAppSecretArn: db(LAB07_OUTPUTS.dbAppSecretArn),
    replicationGroupId: lookup.replicationGroupId ?? stackCache!,
    cacheEndpoint: cache(LAB07_OUTPUTS.cacheEndpoint),
    cachePort: toPort(cache(LAB07_OUTPUTS.cachePort)),
    cacheAuthSecretArn: cache(LAB07_OUTPUTS.cacheAuthSecretArn),
    bastionInstanceId: outputs[LAB07_OUTPUTS.bastionInstanceId] || undefined,
    stackName,
    region,
    source: lookup.clusterId !== undefined || lookup.replicationGroupId !== undefined ? 'flags' : 'stack',
  };
}
