/**
 * The AWS SDK clients the checker uses, built once per run on the standard
 * credential chain (environment, ~/.aws/config and credentials, SSO, IMDS).
 * `endpoint` exists for the wire-level tests, which point every client at a
 * loopback server that answers in AWS's real wire formats.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { ElastiCacheClient, type ElastiCacheClientConfig } from '@aws-sdk/client-elasticache';
import { RDSClient } from '@aws-sdk/client-rds';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { STSClient } from '@aws-sdk/client-sts';

export interface AwsClientOptions {
  /** Named profile from ~/.aws/config; the SDK resolves SSO, role and key profiles itself. */
  profile?: string;
  /** Region for every client; when absent the SDK reads AWS_REGION or the profile's region. */
  region?: string;
  /** One endpoint for every service (tests only: a loopback server). */
  endpoint?: string;
  /** Fixed credentials (tests); normally left to the credential chain. */
  credentials?: ElastiCacheClientConfig['credentials'];
  /** SDK retry attempts; the SDK default is 3. */
  maxAttempts?: number;
}

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
  const config = {
    ...(options.region ? { region: options.region } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
  };
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
