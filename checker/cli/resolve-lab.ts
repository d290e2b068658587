import { labs, findLab } from '../../labs/index.js';
import type { LabMeta, ExerciseMeta } from '../core/lab.js';
import { UsageError } from '../core/errors.js';
import { echo } from './echo.js';

const ready = () => labs.filter((l) => l.status === 'ready').map((l) => String(l.id));

export function resolveLab(id: number): LabMeta {
  const lab = findLab(id);
  if (!lab) {
    throw new UsageError(`There is no lab ${id}. The labs are numbered 1 to ${labs.length}; ready now: ${ready().join(', ')}.`, 'List them with `npm run lab`.');
  }
  if (lab.status !== 'ready') {
    throw new UsageError(`Lab ${id} (${lab.title}) is coming but not available yet. Ready now: lab ${ready().join(', ')}.`, `Open one with \`npm run lab ${ready()[0]}\`.`);
  }
  return lab;
}

/** Accepts "2", "02" or "02-cache-aside". */
export function resolveExercise(lab: LabMeta, which: string): ExerciseMeta {
  const wanted = which.trim().toLowerCase();
  const found = lab.exercises.find((e) => e.id === wanted || e.id.startsWith(`${wanted.padStart(2, '0')}-`) || e.id.split('-')[0] === wanted.padStart(2, '0'));
  if (!found) {
    throw new UsageError(`Lab ${lab.id} has no exercise ${echo(which)}. Its exercises: ${lab.exercises.map((e) => e.id).join(', ')}.`);
  }
  return found;
}
