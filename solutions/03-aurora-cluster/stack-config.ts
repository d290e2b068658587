import type { AuroraReadersConfig } from '../../stacks/shared/aurora-config.js';

/** Lab 3 solution: a writer and two readers, with compute in both AZs. */
export const stackConfig: AuroraReadersConfig = {
  readers: 2,
};
