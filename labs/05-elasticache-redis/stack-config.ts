import type { CacheReplicationConfig } from '../../stacks/shared/cache-replication.js';

/**
 * Lab 5, "Your turn": the cache starts as a single Valkey node. If it fails,
 * the cache is gone until ElastiCache replaces the node.
 *
 * TODO: give the replication group two replicas, spread them over Availability
 * Zones (multiAz) and let ElastiCache promote a replica when the primary fails
 * (automaticFailover), then deploy the stack again.
 * Automatic failover needs at least one replica, and Multi-AZ needs automatic
 * failover; `cdk synth` tells you if the combination is impossible.
 */
export const stackConfig: CacheReplicationConfig = {
  replicasPerPrimary: 0,
  multiAz: false,
  automaticFailover: false,
};
