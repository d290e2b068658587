import type { AuroraReadersConfig } from '../../stacks/shared/aurora-config.js';

/**
 * Lab 3, "Your turn": the cluster starts with its writer alone. The reader
 * endpoint then points at the writer, and if the writer fails Aurora has no
 * replica to promote: it must replace the instance, which takes minutes.
 *
 * TODO: add two readers (readers: 2), then deploy the stack again with
 * `npm run deploy 3`. Each reader is an Aurora Replica on the same cluster
 * volume: it needs no copy of the data, so it is ready in minutes whatever
 * the size of the database. The first goes to the other Availability Zone,
 * the second next to the writer. Each reader is billed like the writer.
 * `cdk synth` rejects a number the lab does not support (0 to 2).
 */
export const stackConfig: AuroraReadersConfig = {
  readers: 0,
};
