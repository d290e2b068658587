/**
 * Builders for the results of a lab's AWS checks, shared by every
 * `checks/0N-*\/aws.ts` so each lab only lists its checks (id and name per key).
 */
import type { EnvironmentError } from '../core/errors.js';
import { AWS_GROUP, type CheckResult } from '../core/result.js';

/** The group every AWS check result carries (defined in core so the report needs no check code). */
export { AWS_GROUP };

export interface AwsCheckName {
  id: string;
  name: string;
}

export interface AwsResultBuilders<K extends string> {
  result(key: K, status: CheckResult['status'], message: string, hint?: string, durationMs?: number): CheckResult;
  /** The environment stopped the check (credentials, throttling, ...): status `error`. */
  errorResult(key: K, err: EnvironmentError, durationMs?: number): CheckResult;
  /** Not judged because something it depends on failed; `why` is a clause without the full stop. */
  skipped(key: K, why: string, hint?: string): CheckResult;
}

export function awsResultBuilders<K extends string>(checks: Record<K, AwsCheckName>): AwsResultBuilders<K> {
  function result(key: K, status: CheckResult['status'], message: string, hint?: string, durationMs = 0): CheckResult {
    const { id, name } = checks[key];
    return { id, name, status, message, ...(hint ? { hint } : {}), group: AWS_GROUP, durationMs };
  }
  return {
    result,
    errorResult: (key, err, durationMs = 0) => result(key, 'error', err.message, err.nextStep, durationMs),
    skipped: (key, why, hint) => result(key, 'skipped', `Not checked: ${why}.`, hint),
  };
}

/** Whole milliseconds since `start` (a `performance.now()` reading). */
export function elapsed(start: number): number {
  return Math.round(performance.now() - start);
}
