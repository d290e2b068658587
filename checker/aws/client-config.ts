/**
 * The one configuration every AWS SDK client of the kit is built from, kept
 * apart from clients.ts so a process that needs one client (the exercise
 * process's CloudWatch reading) does not load every service's SDK.
 */
import type { ElastiCacheClientConfig } from '@aws-sdk/client-elasticache';

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

export function awsClientConfig(options: AwsClientOptions = {}) {
  return {
    ...(options.region ? { region: options.region } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
  };
}
