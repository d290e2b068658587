/**
 * The part of a cluster-mode-disabled replication group a learner edits, and
 * the rules ElastiCache enforces on it, checked at synth instead of
 * twenty minutes into a deployment.
 */

export interface CacheReplicationConfig {
  /** Read replicas next to the primary (0-5 with cluster mode disabled). */
  readonly replicasPerPrimary: number;
  /** Place the primary and replicas in different AZs. Needs automaticFailover. */
  readonly multiAz: boolean;
  /** Promote a replica when the primary fails. Needs at least one replica. */
  readonly automaticFailover: boolean;
}

/** The CloudFormation properties the config turns into. */
export interface ReplicationGroupSettings {
  readonly numCacheClusters: number;
  readonly multiAzEnabled: boolean;
  readonly automaticFailoverEnabled: boolean;
}

export const MAX_REPLICAS_PER_PRIMARY = 5;

export class InvalidCacheReplicationConfig extends Error {
  constructor(message: string) {
    super(`Invalid cache replication config: ${message}`);
    this.name = 'InvalidCacheReplicationConfig';
  }
}

export function replicationGroupSettings(config: CacheReplicationConfig): ReplicationGroupSettings {
  const { replicasPerPrimary, multiAz, automaticFailover } = config;
  if (!Number.isInteger(replicasPerPrimary) || replicasPerPrimary < 0 || replicasPerPrimary > MAX_REPLICAS_PER_PRIMARY) {
    throw new InvalidCacheReplicationConfig(
      `replicasPerPrimary must be a whole number from 0 to ${MAX_REPLICAS_PER_PRIMARY}, got ${replicasPerPrimary}.`,
    );
  }
  if (automaticFailover && replicasPerPrimary < 1) {
    throw new InvalidCacheReplicationConfig(
      'automaticFailover needs at least one replica to promote (replicasPerPrimary >= 1), got replicasPerPrimary = 0.',
    );
  }
  if (multiAz && !automaticFailover) {
    throw new InvalidCacheReplicationConfig(
      'multiAz needs automaticFailover: true (ElastiCache only offers Multi-AZ with automatic failover).',
    );
  }
  return {
    numCacheClusters: 1 + replicasPerPrimary,
    multiAzEnabled: multiAz,
    automaticFailoverEnabled: automaticFailover,
  };
}
