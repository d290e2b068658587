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
    throw new InvalidCacheReplicationConfig(`replicasPerPrimary must be a whole number from 0 to ${MAX_REPLICAS_PER_PRIMARY}, got ${replicasPerPrimary}.`);
  }
  if (automaticFailover && replicasPerPrimary < 1) {
    throw new InvalidCacheReplicationConfig('automaticFailover needs at least one replica to promote (replicasPerPrimary >= 1), got replicasPerPrimary = 0.');
  }
  if (multiAz && !automaticFailover) {
    throw new InvalidCacheReplicationConfig('multiAz needs automaticFailover: true (ElastiCache only offers Multi-AZ with automatic failover).');
  }
  return {
    numCacheClusters: 1 + replicasPerPrimary,
    multiAzEnabled: multiAz,
    automaticFailoverEnabled: automaticFailover,
  };
}

/**
 * Why CloudFormation would reject going from `deployed` to `next` in one
 * update, or undefined when it would not. ElastiCache turns automatic
 * failover on only for a group that already has a replica ("Replication group
 * must have at least one read replica to enable autofailover"), and a
 * CloudFormation update applies the new replica count and the failover flag
 * in one ModifyReplicationGroup-like step: the replicas have to exist, from an
 * earlier deploy, before failover (and Multi-AZ) can be switched on.
 */
export function replicationUpdateProblem(deployed: ReplicationGroupSettings, next: ReplicationGroupSettings): string | undefined {
  const turnsOnFailover = !deployed.automaticFailoverEnabled && next.automaticFailoverEnabled;
  const turnsOnMultiAz = !deployed.multiAzEnabled && next.multiAzEnabled;
  if ((turnsOnFailover || turnsOnMultiAz) && deployed.numCacheClusters < 2) {
    const switched = [turnsOnFailover ? 'automaticFailover' : '', turnsOnMultiAz ? 'multiAz' : ''].filter(Boolean).join(' and ');
    return (
      `this update adds replicas (${deployed.numCacheClusters} -> ${next.numCacheClusters} nodes) and turns on ${switched} at once, ` +
      'which CloudFormation rejects: ElastiCache enables automatic failover only on a group that already has a read replica.'
    );
  }
  return undefined;
}

/** The two deploys that take a single node to a highly available group; each is an update CloudFormation accepts. */
export const REPLICATION_TWO_STEP_ADVICE =
  'Deploy in two steps: first set only replicasPerPrimary (for example 2, with multiAz and automaticFailover still false) and deploy; ' +
  'when that deploy has finished, set multiAz and automaticFailover to true and deploy again.';

/** ElastiCache's defaults for properties a template leaves out. */
const REPLICATION_DEFAULTS: ReplicationGroupSettings = { numCacheClusters: 1, multiAzEnabled: false, automaticFailoverEnabled: false };

/**
 * The replication settings of the one AWS::ElastiCache::ReplicationGroup in a
 * CloudFormation template (the JSON CDK synthesises, or GetTemplate's body),
 * or undefined when the template has none. Booleans and numbers may arrive as
 * strings in a template that went through CloudFormation.
 */
export function replicationSettingsOfTemplate(template: unknown): ReplicationGroupSettings | undefined {
  const resources = (template as { Resources?: Record<string, { Type?: string; Properties?: Record<string, unknown> }> } | undefined)?.Resources ?? {};
  const group = Object.values(resources).find((r) => r.Type === 'AWS::ElastiCache::ReplicationGroup');
  if (!group) return undefined;
  const p = group.Properties ?? {};
  const bool = (v: unknown, fallback: boolean) => (v === undefined ? fallback : v === true || v === 'true');
  const num = (v: unknown, fallback: number) => (v === undefined ? fallback : Number(v));
  return {
    numCacheClusters: num(p.NumCacheClusters, REPLICATION_DEFAULTS.numCacheClusters),
    multiAzEnabled: bool(p.MultiAZEnabled, REPLICATION_DEFAULTS.multiAzEnabled),
    automaticFailoverEnabled: bool(p.AutomaticFailoverEnabled, REPLICATION_DEFAULTS.automaticFailoverEnabled),
  };
}
