/**
 * The AWS SDK clients the checker uses, all from one configuration
 * (client-config.ts) on the standard credential chain (environment,
 * ~/.aws/config and credentials, SSO, IMDS). Each client is built the first
 * time it is used, so a run that never reads Performance Insights never
 * constructs a PI client. `endpoint` exists for the wire-level tests, which
 * point every client at a loopback server that answers in AWS's real wire
 * formats.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { PIClient } from '@aws-sdk/client-pi';
import { RDSClient } from '@aws-sdk/client-rds';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { STSClient } from '@aws-sdk/client-sts';
import { awsClientConfig, type AwsClientOptions } from './client-config.js';

export type { AwsClientOptions };

export interface AwsClients {
  rds: RDSClient;
  elasticache: ElastiCacheClient;
  cloudwatch: CloudWatchClient;
  cloudformation: CloudFormationClient;
  secrets: SecretsManagerClient;
  sts: STSClient;
  /** Security groups (Lab 1), Availability Zones and instances (ops). */
  ec2: EC2Client;
  /** Performance Insights (Lab 6's top SQL). */
  pi: PIClient;
  /** What the caller asked for, kept for error messages (the SDK may resolve a region later). */
  profile?: string;
  region?: string;
}

/** Anything the SDK builds from a client configuration and can close. */
export interface SdkClient {
  destroy(): void;
}
type SdkClientClass = new (config: ReturnType<typeof awsClientConfig>) => SdkClient;

/** Per client set: the clients built so far, by property name. */
const builtClients = new WeakMap<object, Map<string, SdkClient>>();

/**
 * Adds one getter per service to `target`: the first read builds the client
 * from `options` (one configuration for all), later reads return the same
 * one. An assignment replaces it (tests hand in mocks that way).
 */
export function addLazyClients<T extends object>(target: T, options: AwsClientOptions, classes: Record<string, SdkClientClass>): T {
  const config = awsClientConfig(options);
  const built = builtClients.get(target) ?? new Map<string, SdkClient>();
  builtClients.set(target, built);
  for (const [name, Client] of Object.entries(classes)) {
    Object.defineProperty(target, name, {
      enumerable: true,
      configurable: true,
      get() {
        let client = built.get(name);
        if (!client) {
          client = new Client(config);
          built.set(name, client);
        }
        return client;
      },
      set(client: SdkClient) {
        built.set(name, client);
      },
    });
  }
  return target;
}

/** The services a client set has built so far (what a run really used). */
export function clientsBuilt(clients: object): string[] {
  return [...(builtClients.get(clients)?.keys() ?? [])];
}

export function makeAwsClients(options: AwsClientOptions = {}): AwsClients {
  return addLazyClients({ profile: options.profile, region: options.region } as AwsClients, options, {
    rds: RDSClient,
    elasticache: ElastiCacheClient,
    cloudwatch: CloudWatchClient,
    cloudformation: CloudFormationClient,
    secrets: SecretsManagerClient,
    sts: STSClient,
    ec2: EC2Client,
    pi: PIClient,
  });
}

/** The region the clients will really use (flag, environment or profile), if any. */
export async function resolvedRegion(clients: AwsClients): Promise<string | undefined> {
  if (clients.region) return clients.region;
  try {
    return await clients.sts.config.region();
  } catch {
    return undefined;
  }
}

/** Closes the sockets of every client the set has built, so the process can exit promptly. */
export function destroyAwsClients(clients: object): void {
  const built = builtClients.get(clients);
  for (const client of built?.values() ?? []) client.destroy();
  built?.clear();
}
