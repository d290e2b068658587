/**
 * The kit's secure, cheap defaults in one place. Every lab stack calls
 * `applyLabDefaults` once; the constants are reused by the shared constructs.
 */
import { Duration, RemovalPolicies, RemovalPolicy, Tags } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { IConstruct } from 'constructs';

/** Tag keys the kit puts on every resource (and the checker may filter on). */
export const LAB_TAG_KEY = 'data-tier-labs:lab';
export const MANAGED_TAG_KEY = 'data-tier-labs:managed';

/** Lab resources are throwaway: deleting the stack must delete them. */
export const LAB_REMOVAL_POLICY = RemovalPolicy.DESTROY;

/** Logs only need to outlive a lab session. */
export const LAB_LOG_RETENTION = logs.RetentionDays.THREE_DAYS;

/** Shortest automated backup retention RDS allows while backups stay on. */
export const LAB_BACKUP_RETENTION = Duration.days(1);

/** Two-digit lab id as used in tags and paths, e.g. 5 -> "05". */
export function labTagValue(labId: number): string {
  return String(labId).padStart(2, '0');
}

/** The tags every taggable resource of a lab carries. */
export function labTags(labId: number): Record<string, string> {
  return { [LAB_TAG_KEY]: labTagValue(labId), [MANAGED_TAG_KEY]: 'true' };
}

/**
 * Tag everything under `scope` for the lab and force DESTROY on every resource,
 * so a construct whose default is RETAIN or SNAPSHOT cannot leave a billable
 * leftover behind after `cdk destroy`.
 */
export function applyLabDefaults(scope: IConstruct, labId: number): void {
  for (const [key, value] of Object.entries(labTags(labId))) {
    Tags.of(scope).add(key, value);
  }
  RemovalPolicies.of(scope).apply(LAB_REMOVAL_POLICY);
}
