/** Results for checks that never ran, and why. */
import type { CheckResult } from '../core/result.js';

export const LOAD_HINT = 'Fix the line named above and save: every check of this exercise runs once the file loads.';

/**
 * A file that does not load (a syntax error, a ReferenceError at the top
 * level) fails every check, but says why once: under the first check, with
 * the file and line. The others are "not run" without repeating it, and
 * without their own hints, which would point at the wrong problem.
 */
export function notLoaded(checks: Array<{ id: string; name: string }>, group: string, label: string, message: string): CheckResult[] {
  return checks.map((check, i) => ({
    id: check.id,
    name: check.name,
    group,
    durationMs: 0,
    status: 'fail' as const,
    ...(i === 0 ? { message, hint: LOAD_HINT } : { message: `not run: ${label} did not load (the reason is under the first check of this exercise)` }),
  }));
}

export function nameOf(checks: Array<{ id: string; name: string }>, id: string): string {
  return checks.find((c) => c.id === id)?.name ?? id;
}
