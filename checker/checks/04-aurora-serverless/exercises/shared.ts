/** What the Lab 4 checks share: the learner's StepResult read defensively. */
import type { StepResult } from '../../../exercise-api.js';
import { CheckFailed } from '../../../runner/harness.js';
import { show } from '../../show-value.js';

export function asStepResult(value: unknown, fn: string): StepResult {
  const r = value as Partial<StepResult> | undefined;
  const numeric = (k: keyof StepResult) => typeof r?.[k] === 'number' && Number.isFinite(r[k]);
  if (!r || typeof r !== 'object' || !numeric('workers') || !numeric('operations') || !numeric('errors') || !numeric('elapsedMs')) {
    throw new CheckFailed(`${fn} returned ${show(value)}, not { workers, operations, errors, elapsedMs } (numbers)`);
  }
  return r as StepResult;
}

export const ms = (v: number) => `${Math.round(v).toLocaleString('en-US')} ms`;
