/**
 * AWS checks as small judges: each turns the described resources (the facts)
 * into one CheckResult, and says which checks it needs. When a needed check
 * blocks (its resource could not be described), the judge is not asked and
 * the result is `skipped` with the blocker's reason - so "skip when X failed"
 * is data, not nested ifs.
 */
import type { CheckResult } from '../core/result.js';

/** Why the checks that need this one cannot be judged: a clause without the full stop, and what to do. */
export interface Blocked {
  why: string;
  hint?: string;
}

export interface AwsJudge<Facts, Key extends string> {
  key: Key;
  /** Checks this one needs; their own needs count too (the deepest blocker's reason is given). */
  needs?: readonly Key[];
  judge(facts: Facts): CheckResult;
  /** Set on checks others need: when they cannot be judged, and why. */
  blocks?(facts: Facts): Blocked | undefined;
}

export type Skipped<Key extends string> = (key: Key, why: string, hint?: string) => CheckResult;

/** The first blocker along `key`'s needs, depth first. */
function blockerOf<Facts, Key extends string>(key: Key, byKey: Map<Key, AwsJudge<Facts, Key>>, facts: Facts, seen = new Set<Key>()): Blocked | undefined {
  if (seen.has(key)) throw new Error(`AWS checks need each other in a circle (${[...seen, key].join(' -> ')})`);
  seen.add(key);
  for (const need of byKey.get(key)?.needs ?? []) {
    const needed = byKey.get(need);
    if (!needed) throw new Error(`AWS check ${key} needs ${need}, which is not in the list`);
    const blocked = blockerOf(need, byKey, facts, new Set(seen)) ?? needed.blocks?.(facts);
    if (blocked) return blocked;
  }
  return undefined;
}

/** Every judge in list order: judged, or skipped because something it needs is blocked. */
export function judgeAll<Facts, Key extends string>(judges: readonly AwsJudge<Facts, Key>[], facts: Facts, skipped: Skipped<Key>): CheckResult[] {
  const byKey = new Map(judges.map((j) => [j.key, j]));
  return judges.map((j) => {
    const blocked = blockerOf(j.key, byKey, facts);
    return blocked ? skipped(j.key, blocked.why, blocked.hint) : j.judge(facts);
  });
}
