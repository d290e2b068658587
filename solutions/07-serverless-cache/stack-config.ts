import type { ServerlessCacheConfig } from '../../stacks/shared/function-config.js';

/** Lab 7 solution: the reference handler, 512 MB, and a timeout that outlasts an Aurora resume from pause. */
export const stackConfig: ServerlessCacheConfig = {
  handlerFile: 'solutions/07-serverless-cache/exercises/02-read-through.ts',
  memoryMb: 512,
  timeoutSeconds: 30,
  cacheTtlSeconds: 60,
};
