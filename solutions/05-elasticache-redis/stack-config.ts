import type { CacheReplicationConfig } from '../../stacks/shared/cache-replication.js';

/** Lab 5 solution: a primary and two replicas in different AZs, with automatic failover. */
export const stackConfig: CacheReplicationConfig = {
  replicasPerPrimary: 2,
  multiAz: true,
  automaticFailover: true,
};
