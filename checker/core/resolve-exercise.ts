import { echo } from './echo.js';
import { UsageError } from './errors.js';
import type { ExerciseMeta, LabMeta } from './lab.js';

/** Accepts "2", "02" or "02-cache-aside". */
export function resolveExercise(lab: LabMeta, which: string): ExerciseMeta {
  const wanted = which.trim().toLowerCase();
  const found = lab.exercises.find((e) => e.id === wanted || e.id.startsWith(`${wanted.padStart(2, '0')}-`) || e.id.split('-')[0] === wanted.padStart(2, '0'));
  if (!found) {
    throw new UsageError(`Lab ${lab.id} has no exercise ${echo(which)}. Its exercises: ${lab.exercises.map((e) => e.id).join(', ')}.`);
  }
  return found;
}
