import type { CacheReplicationConfig } from '../../stacks/shared/cache-replication.js';

/**
 * Lab 5, "Your turn": the cache starts as a single Valkey node. If it fails,
 * the cache is gone until ElastiCache replaces the node.
 *
 * TODO, in two deploys (CloudFormation cannot do it in one):
 *   1. Set replicasPerPrimary to 2 (leave multiAz and automaticFailover
 *      false) and run `npm run deploy 5`. The group gets two replicas.
 *   2. When that deploy has finished, set multiAz and automaticFailover to
 *      true and run `npm run deploy 5` again.
 * Why two: ElastiCache turns automatic failover on only for a group that
 * already has a read replica, and one CloudFormation update would ask for the
 * replicas and the failover at the same moment ("Replication group must have
 * at least one read replica to enable autofailover"). `npm run deploy`
 * compares with what is deployed and refuses that single jump.
 * Automatic failover needs at least one replica, and Multi-AZ needs automatic
 * failover; `cdk synth` tells you if the combination is impossible.
 */
export const stackConfig: CacheReplicationConfig = {
  replicasPerPrimary: 0,
  multiAz: false,
  automaticFailover: false,
};
