/**
 * The part of Lab 7's stack a learner edits (labs/07-serverless-cache/stack-config.ts):
 * which handler file is deployed and how the function runs it, checked at
 * synth against the limits Lambda enforces instead of at deploy time.
 */

export interface ServerlessCacheConfig {
  /** The handler file deployed as the function, relative to the repository root. */
  readonly handlerFile: string;
  /** Memory in MB (128 to 10,240); Lambda gives CPU in proportion to it. */
  readonly memoryMb: number;
  /** Seconds one invocation may run (1 to 900) before Lambda stops it. */
  readonly timeoutSeconds: number;
  /** TTL of a cached user, passed to the handler as CACHE_TTL_SECONDS (1 to 86,400). */
  readonly cacheTtlSeconds: number;
}

export const LAMBDA_MIN_MEMORY_MB = 128;
export const LAMBDA_MAX_MEMORY_MB = 10_240;
export const LAMBDA_MAX_TIMEOUT_SECONDS = 900;
export const MAX_CACHE_TTL_SECONDS = 86_400;
/**
 * A paused Aurora Serverless v2 cluster answers its first connection after
 * about 15 seconds: a timeout below this fails the first request after a pause.
 */
export const AURORA_RESUME_SAFE_TIMEOUT_SECONDS = 20;

export class InvalidFunctionConfig extends Error {
  constructor(message: string) {
    super(`Invalid Lab 7 stack config: ${message}`);
    this.name = 'InvalidFunctionConfig';
  }
}

const show = (value: unknown): string => JSON.stringify(value) ?? String(value);
const isWhole = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n);

/** The config as given, or a clear error naming the first value Lambda would refuse. */
export function functionSettings(config: ServerlessCacheConfig): ServerlessCacheConfig {
  const { handlerFile, memoryMb, timeoutSeconds, cacheTtlSeconds } = (config ?? {}) as Partial<ServerlessCacheConfig>;
  if (typeof handlerFile !== 'string' || !/\.(ts|mts|js|mjs)$/.test(handlerFile) || handlerFile.startsWith('/')) {
    throw new InvalidFunctionConfig(`handlerFile must be a .ts or .js file relative to the repository root, got ${show(handlerFile)}.`);
  }
  if (!isWhole(memoryMb) || memoryMb < LAMBDA_MIN_MEMORY_MB || memoryMb > LAMBDA_MAX_MEMORY_MB) {
    throw new InvalidFunctionConfig(`memoryMb must be a whole number from ${LAMBDA_MIN_MEMORY_MB} to ${LAMBDA_MAX_MEMORY_MB}, got ${show(memoryMb)}.`);
  }
  if (!isWhole(timeoutSeconds) || timeoutSeconds < 1 || timeoutSeconds > LAMBDA_MAX_TIMEOUT_SECONDS) {
    throw new InvalidFunctionConfig(`timeoutSeconds must be a whole number from 1 to ${LAMBDA_MAX_TIMEOUT_SECONDS}, got ${show(timeoutSeconds)}.`);
  }
  if (!isWhole(cacheTtlSeconds) || cacheTtlSeconds < 1 || cacheTtlSeconds > MAX_CACHE_TTL_SECONDS) {
    throw new InvalidFunctionConfig(`cacheTtlSeconds must be a whole number from 1 to ${MAX_CACHE_TTL_SECONDS}, got ${show(cacheTtlSeconds)}.`);
  }
  return { handlerFile, memoryMb, timeoutSeconds, cacheTtlSeconds };
}
