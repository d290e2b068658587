import type { ServerlessCapacityConfig } from '../../stacks/shared/aurora-config.js';

/**
 * Lab 4, "Your turn": the Serverless v2 writer may scale from 0 ACUs (paused
 * after 5 idle minutes) to 1 ACU, about 2 GiB of memory. Under the lab's load
 * ramp it hits that ceiling at once and the capacity graph stays flat.
 *
 * TODO: raise maxCapacity so the writer can follow the load (the lab uses 16),
 * then deploy the stack again with `npm run deploy 4`. Keep minCapacity 0 and
 * autoPauseSeconds 300: an idle cluster then costs nothing but storage. Every
 * ACU is billed per second while it is in use, so the maximum is also your
 * spending limit. `cdk synth` rejects a range Aurora would refuse (1 to 256
 * ACUs in half steps, maximum at least the minimum, pause 300 to 86,400 s).
 */
export const stackConfig: ServerlessCapacityConfig = {
  minCapacity: 0,
  maxCapacity: 1,
  autoPauseSeconds: 300,
};
