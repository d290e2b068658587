/**
 * The parts of the Aurora labs' stacks a learner edits
 * (labs/03-.../stack-config.ts, labs/04-.../stack-config.ts), and the rules
 * Aurora enforces on them, checked at synth instead of twenty minutes into a
 * deployment.
 */

/** Lab 3: a provisioned writer and its readers on one cluster volume. */
export interface AuroraReadersConfig {
  /** Aurora Replicas next to the writer, 0 to MAX_AURORA_READERS. */
  readonly readers: number;
}

/** Lab 4: the capacity range of an Aurora Serverless v2 writer. */
export interface ServerlessCapacityConfig {
  /** Lowest capacity in ACUs, 0 to 256 in half steps. 0 lets an idle instance pause (Aurora MySQL 3.08.0 or later). */
  readonly minCapacity: number;
  /** Highest capacity in ACUs, 1 to 256 in half steps, at least minCapacity. */
  readonly maxCapacity: number;
  /**
   * Idle seconds before a paused-at-zero instance pauses, 300 to 86,400.
   * Only meaningful with minCapacity 0, so it must be left out otherwise.
   */
  readonly autoPauseSeconds?: number;
}

/**
 * Aurora allows 15 replicas; the lab stops at two, enough for a writer and a
 * reader in each AZ of the lab VPC after a failover, and every reader is
 * billed like the writer.
 */
export const MAX_AURORA_READERS = 2;

export const SERVERLESS_V2_MAX_ACU = 256;
/** The smallest maximum Aurora accepts for a Serverless v2 instance. */
export const SERVERLESS_V2_MIN_MAX_ACU = 1;
export const AUTO_PAUSE_MIN_SECONDS = 300;
export const AUTO_PAUSE_MAX_SECONDS = 86_400;
/** The first Aurora MySQL release that accepts a minimum of 0 ACUs (auto-pause). */
export const AUTO_PAUSE_MIN_AURORA_MYSQL_VERSION = '3.08.0';

export class InvalidAuroraConfig extends Error {
  constructor(message: string) {
    super(`Invalid Aurora stack config: ${message}`);
    this.name = 'InvalidAuroraConfig';
  }
}

const show = (value: unknown): string => JSON.stringify(value) ?? String(value);

/** How many readers to create, or a clear error when the number is impossible. */
export function auroraReaderCount(config: AuroraReadersConfig): number {
  const value: unknown = config?.readers;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_AURORA_READERS) {
    throw new InvalidAuroraConfig(`readers must be a whole number from 0 to ${MAX_AURORA_READERS}, got ${show(value)}.`);
  }
  return value;
}

/**
 * The Aurora MySQL release of a full engine version:
 * '8.0.mysql_aurora.3.10.4' -> [3, 10, 4].
 */
export function auroraMysqlRelease(fullVersion: string): [number, number, number] {
  const match = /^\d+\.\d+\.mysql_aurora\.(\d+)\.(\d+)\.(\d+)$/.exec(fullVersion);
  if (!match) throw new InvalidAuroraConfig(`${show(fullVersion)} is not an Aurora MySQL engine version (like 8.0.mysql_aurora.3.10.4).`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

/** Whether an Aurora MySQL engine version accepts a Serverless v2 minimum of 0 ACUs. */
export function supportsAutoPause(fullVersion: string): boolean {
  const have = auroraMysqlRelease(fullVersion);
  const need = AUTO_PAUSE_MIN_AURORA_MYSQL_VERSION.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    if (have[i]! !== need[i]!) return have[i]! > need[i]!;
  }
  return true;
}

const isAcuStep = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && Number.isInteger(n * 2);

/**
 * The capacity range as the cluster takes it, or a clear error when Aurora
 * would reject it. `engineFullVersion` matters for a minimum of 0: engines
 * before 3.08.0 reject it at deploy time, which synth would not notice.
 */
export function serverlessCapacity(config: ServerlessCapacityConfig, engineFullVersion: string): ServerlessCapacityConfig {
  const min: unknown = config?.minCapacity;
  const max: unknown = config?.maxCapacity;
  const pause: unknown = config?.autoPauseSeconds;
  if (!isAcuStep(min) || min < 0 || min > SERVERLESS_V2_MAX_ACU) {
    throw new InvalidAuroraConfig(`minCapacity must be 0 to ${SERVERLESS_V2_MAX_ACU} ACUs in half steps (0, 0.5, 1, 1.5, ...), got ${show(min)}.`);
  }
  if (!isAcuStep(max) || max < SERVERLESS_V2_MIN_MAX_ACU || max > SERVERLESS_V2_MAX_ACU) {
    throw new InvalidAuroraConfig(
      `maxCapacity must be ${SERVERLESS_V2_MIN_MAX_ACU} to ${SERVERLESS_V2_MAX_ACU} ACUs in half steps (1, 1.5, 2, ...), got ${show(max)}.`,
    );
  }
  if (max < min) {
    throw new InvalidAuroraConfig(`maxCapacity (${max}) must be at least minCapacity (${min}).`);
  }
  if (min === 0 && !supportsAutoPause(engineFullVersion)) {
    throw new InvalidAuroraConfig(
      `minCapacity 0 (auto-pause) needs Aurora MySQL ${AUTO_PAUSE_MIN_AURORA_MYSQL_VERSION} or later; the engine is ${engineFullVersion}. Use a newer engine or a minimum of 0.5.`,
    );
  }
  if (min === 0) {
    if (!Number.isInteger(pause) || (pause as number) < AUTO_PAUSE_MIN_SECONDS || (pause as number) > AUTO_PAUSE_MAX_SECONDS) {
      throw new InvalidAuroraConfig(
        `autoPauseSeconds must be a whole number from ${AUTO_PAUSE_MIN_SECONDS} to ${AUTO_PAUSE_MAX_SECONDS} with minCapacity 0, got ${show(pause)}.`,
      );
    }
    return { minCapacity: min, maxCapacity: max, autoPauseSeconds: pause as number };
  }
  if (pause !== undefined) {
    throw new InvalidAuroraConfig(`autoPauseSeconds only applies with minCapacity 0 (an instance pauses only from 0 ACUs); remove it or set minCapacity to 0.`);
  }
  return { minCapacity: min, maxCapacity: max };
}
