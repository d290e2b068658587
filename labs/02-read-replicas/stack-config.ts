import type { ReadReplicaConfig } from '../../stacks/shared/rds-config.js';

/**
 * Lab 2, "Your turn": the stack starts with the primary alone, so every read
 * and every write goes to one instance.
 *
 * TODO: add one read replica (readReplicas: 1), then deploy the stack again
 * with `npm run deploy 2`. RDS copies the primary from a snapshot and then
 * replicates asynchronously; the stack outputs ReplicaInstanceId and
 * ReplicaEndpoint appear once it exists. Each replica is billed like a second
 * instance. `cdk synth` rejects a number the lab does not support (0 to 2).
 */
export const stackConfig: ReadReplicaConfig = {
  readReplicas: 0,
};
