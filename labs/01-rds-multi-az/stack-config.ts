import type { RdsMultiAzConfig } from '../../stacks/shared/rds-config.js';

/**
 * Lab 1, "Your turn": the database starts Single-AZ. If its host or its AZ
 * fails, the database is down until RDS replaces the instance and restores it.
 *
 * TODO: convert the instance to Multi-AZ (multiAz: true), then deploy the stack
 * again with `npm run deploy 1`. RDS adds a synchronous standby in the other
 * Availability Zone without downtime, and from then on a failover moves the
 * endpoint to the standby. Multi-AZ doubles the instance and storage price.
 */
export const stackConfig: RdsMultiAzConfig = {
  multiAz: false,
};
