import type { ReadReplicaConfig } from '../../stacks/shared/rds-config.js';

/** Lab 2 solution: the primary and one read replica in the other AZ. */
export const stackConfig: ReadReplicaConfig = {
  readReplicas: 1,
};
