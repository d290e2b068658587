import type { ServerlessCacheConfig } from '../../stacks/shared/function-config.js';

/**
 * Lab 7, "Your turn": the function starts with Lambda's console defaults,
 * 128 MB and a 3-second timeout. Two things go wrong on AWS:
 *   - Aurora Serverless v2 pauses after 5 idle minutes and takes about 15 s
 *     to answer the first connection after that: with 3 s, the first request
 *     after a pause times out (and so does every cold start that meets it).
 *   - 128 MB buys about a thirteenth of a vCPU: module init (TLS handshakes to
 *     Valkey and Aurora, the IAM token) is slow, and cold starts show it.
 *
 * TODO: set timeoutSeconds to 30 and memoryMb to 512, then deploy again with
 * `npm run deploy 7` (`npm run check -- 7 --target aws` checks both).
 * handlerFile is the exercise file deployed as the function: point it at a
 * later exercise once that one passes locally.
 */
export const stackConfig: ServerlessCacheConfig = {
  handlerFile: 'labs/07-serverless-cache/exercises/02-read-through.ts',
  memoryMb: 128,
  timeoutSeconds: 3,
  cacheTtlSeconds: 300,
};
