/**
 * The parts of the RDS labs' stacks a learner edits (labs/0N-.../stack-config.ts),
 * and the rules RDS enforces on them, checked at synth instead of twenty
 * minutes into a deployment.
 */

/** Lab 1: one RDS for MySQL instance, Single-AZ or Multi-AZ. */
export interface RdsMultiAzConfig {
  /** Keep a synchronous standby in a second AZ that RDS fails over to. */
  readonly multiAz: boolean;
}

/** Lab 2: a Single-AZ primary and its asynchronous read replicas. */
export interface ReadReplicaConfig {
  /** Read replicas of the primary, 0 to MAX_READ_REPLICAS. */
  readonly readReplicas: number;
}

/**
 * RDS allows up to 15 replicas of a MySQL instance; the lab stops at one per
 * Availability Zone of the lab VPC. Every replica is billed like a second
 * instance, and a third one teaches nothing the first two do not.
 */
export const MAX_READ_REPLICAS = 2;

export class InvalidRdsConfig extends Error {
  constructor(message: string) {
    super(`Invalid RDS stack config: ${message}`);
    this.name = 'InvalidRdsConfig';
  }
}

/** The Multi-AZ flag, or a clear error when stack-config.ts holds something else (a string 'true', say). */
export function multiAzSetting(config: RdsMultiAzConfig): boolean {
  const value: unknown = config?.multiAz;
  if (typeof value !== 'boolean') {
    throw new InvalidRdsConfig(`multiAz must be true or false, got ${JSON.stringify(value) ?? String(value)}.`);
  }
  return value;
}

/** How many read replicas to create, or a clear error when the number is impossible. */
export function readReplicaCount(config: ReadReplicaConfig): number {
  const value: unknown = config?.readReplicas;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_READ_REPLICAS) {
    throw new InvalidRdsConfig(`readReplicas must be a whole number from 0 to ${MAX_READ_REPLICAS}, got ${JSON.stringify(value) ?? String(value)}.`);
  }
  return value;
}
