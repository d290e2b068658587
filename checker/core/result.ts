/**
 * The one result model every check produces and every renderer reads.
 * `fail` means the learner's work is wrong; `error` means the environment is
 * broken (engine unreachable, credentials missing) so nothing could be judged.
 */
export type CheckStatus = 'pass' | 'fail' | 'error' | 'skipped';

/** The group of the deployed-resource checks (the AWS target), shown last. */
export const AWS_GROUP = 'aws';

export interface CheckResult {
  id: string;
  name: string;
  status: CheckStatus;
  message: string;
  hint?: string;
  /** Exercise or area the check belongs to, e.g. "02-cache-aside" or AWS_GROUP. */
  group?: string;
  durationMs: number;
  /** What the learner's code printed while the check ran. */
  output?: string;
}

export type OverallStatus = 'pass' | 'fail' | 'error' | 'skipped';

export interface ResultsDocument {
  schema: 'data-tier-labs/results@1';
  lab: number;
  slug: string;
  target: 'local' | 'aws';
  status: OverallStatus;
  summary: Record<CheckStatus, number>;
  startedAt: string;
  durationMs: number;
  checks: CheckResult[];
  /** Figures measured on the way, e.g. the cache speed-up. */
  measurements?: Record<string, unknown>;
}

export const EXIT = { pass: 0, fail: 1, usage: 2 } as const;

export function summarise(checks: CheckResult[]): Record<CheckStatus, number> {
  const summary: Record<CheckStatus, number> = { pass: 0, fail: 0, error: 0, skipped: 0 };
  for (const c of checks) summary[c.status] += 1;
  return summary;
}

/**
 * Any error means the run could not judge everything: the environment wins.
 * Skipped checks never count towards a pass; a run with nothing but skips is
 * reported as `skipped`, which exits non-zero.
 */
export function overallStatus(checks: CheckResult[]): OverallStatus {
  const s = summarise(checks);
  if (s.error > 0) return 'error';
  if (s.fail > 0) return 'fail';
  if (s.pass === 0) return 'skipped';
  return 'pass';
}

export function exitCodeFor(status: OverallStatus): number {
  switch (status) {
    case 'pass':
      return EXIT.pass;
    case 'fail':
    case 'skipped':
      return EXIT.fail;
    case 'error':
      return EXIT.usage;
  }
}

export function pass(id: string, name: string, message: string, extra: Partial<CheckResult> = {}): CheckResult {
  return { id, name, status: 'pass', message, durationMs: 0, ...extra };
}

export function fail(id: string, name: string, message: string, extra: Partial<CheckResult> = {}): CheckResult {
  return { id, name, status: 'fail', message, durationMs: 0, ...extra };
}
