import type { RdsMultiAzConfig } from '../../stacks/shared/rds-config.js';

/** Lab 1 solution: a primary with a synchronous standby in a second AZ. */
export const stackConfig: RdsMultiAzConfig = {
  multiAz: true,
};
