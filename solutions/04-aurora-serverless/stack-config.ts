import type { ServerlessCapacityConfig } from '../../stacks/shared/aurora-config.js';

/** Lab 4 solution: 0 to 16 ACUs, pausing after 5 idle minutes. */
export const stackConfig: ServerlessCapacityConfig = {
  minCapacity: 0,
  maxCapacity: 16,
  autoPauseSeconds: 300,
};
