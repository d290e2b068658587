/**
 * Keeps secrets out of what a run reports: a learner's `console.log(ctx)` or
 * an error message can carry the Redis AUTH token or the database password,
 * and results go to --json, results files and the instructor's report.
 */
import type { CheckResult } from './result.js';

export const REDACTED = '[redacted]';

/** Shorter values are too likely to occur by chance (and an empty password is no secret). */
const SHORTEST_SECRET = 4;

/** Every string under a key that names a secret (password, token, secret), anywhere in `value`. */
export function secretsOf(value: unknown): string[] {
  const found = new Set<string>();
  const walk = (v: unknown, key: string): void => {
    if (typeof v === 'string') {
      if (/password|token|secret/i.test(key) && v.length >= SHORTEST_SECRET) found.add(v);
    } else if (Array.isArray(v)) v.forEach((x) => walk(x, key));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k);
  };
  walk(value, '');
  // Longest first, so a secret that contains another is replaced whole.
  return [...found].sort((a, b) => b.length - a.length);
}

export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join(REDACTED);
  return out;
}

export function redactResult(result: CheckResult, secrets: readonly string[]): CheckResult {
  if (secrets.length === 0) return result;
  return {
    ...result,
    message: redact(result.message, secrets),
    ...(result.hint !== undefined ? { hint: redact(result.hint, secrets) } : {}),
    ...(result.output !== undefined ? { output: redact(result.output, secrets) } : {}),
  };
}
