/**
 * The AWS SDK clients the checker uses, built once per run on the standard
 * credential chain (environment, ~/.aws/config and credentials, SSO, IMDS).
 * `endpoint` exists for the wire-level tests, which point every client at a
 * loopback server that answers in AWS's real wire formats.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { ElastiCacheClient } from '@aws-sdk/client-elasticache';
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
  /** What the caller asked for, kept for error messages (the SDK may resolve a region later). */
  profile?: string;
  region?: string;
}

export function makeAwsClients(options: AwsClientOptions = {}): AwsClients {
  const config = awsClientConfig(options);
  return {
    rds: new RDSClient(config),
    elasticache: new ElastiCacheClient(config),
    cloudwatch: new CloudWatchClient(config),
    cloudformation: new CloudFormationClient(config),
    secrets: new SecretsManagerClient(config),
    sts: new STSClient(config),
    profile: options.profile,
    region: options.region,
  };
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

/** Closes the clients' sockets so the process can exit promptly. */
export function destroyAwsClients(clients: AwsClients): void {
  clients.rds.destroy();
  clients.elasticache.destroy();
  clients.cloudwatch.destroy();
  clients.cloudformation.destroy();
  clients.secrets.destroy();
  clients.sts.destroy();
}
