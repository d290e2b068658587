/**
 * The solutions rule: the reference solution for an exercise is offered once
 * the learner's own version passes. Before that it is shown only on an
 * explicit --show-solution, which first says what it will do. Nothing here
 * ever writes to the learner's file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { labDir, labKey, type LabMeta } from '../core/lab.js';
import { KitError } from '../core/errors.js';
import { resolveExercise } from '../core/resolve-exercise.js';
import { REPO_ROOT, summariseLab, type ProgressState } from './state.js';

export interface SolutionOffer {
  available: boolean;
  /** Repository-relative path of the reference, when one ships. */
  path?: string;
  /** One sentence for the person at the keyboard, whichever way it went. */
  reason: string;
}

/** Repository-relative path of an exercise's reference solution. */
export function solutionPath(lab: Pick<LabMeta, 'id' | 'slug'>, exerciseId: string): string {
  return `solutions/${labKey(lab)}/exercises/${exerciseId}.ts`;
}

/** The command that shows a reference before the learner's version passes. */
export function showSolutionCommand(lab: Pick<LabMeta, 'id'>, exerciseId: string): string {
  return `npm run lab ${lab.id} -- --show-solution ${exerciseId.slice(0, 2)}`;
}

const short = (exerciseId: string) => exerciseId.slice(0, 2);

/**
 * Whether to offer the reference for one exercise: only when the state says
 * the learner's version passes (its latest judged run). Throws UsageError for
 * an exercise the lab does not have.
 */
export function solutionOffer(lab: LabMeta, exerciseId: string, state: ProgressState, root: string = REPO_ROOT): SolutionOffer {
  const exercise = resolveExercise(lab, exerciseId);
  const path = solutionPath(lab, exercise.id);
  const name = `${short(exercise.id)} ${exercise.title}`;
  if (!existsSync(join(root, path))) {
    return { available: false, reason: `No reference solution ships for exercise ${name} of lab ${lab.id}.` };
  }
  const progress = summariseLab(lab, state).exercises.find((e) => e.id === exercise.id);
  const check = `npm run check -- ${lab.id} --exercise ${short(exercise.id)}`;
  switch (progress?.status) {
    case 'pass':
      return { available: true, path, reason: `Your version of ${name} passes: compare it with the reference in ${path} (nothing is copied over your file).` };
    case 'fail':
      return {
        available: false,
        path,
        reason: progress.passedAt
          ? `Your version of ${name} passed before but fails now; the reference is offered again once it passes (${check}). To see it anyway: ${showSolutionCommand(lab, exercise.id)}.`
          : `The reference for ${name} is offered once your version passes (${check}); the failing checks' hints say what is missing. To see it anyway: ${showSolutionCommand(lab, exercise.id)}.`,
      };
    default:
      return {
        available: false,
        path,
        reason: `The reference for ${name} is offered once your version passes; run its checks first (${check}). To see it anyway: ${showSolutionCommand(lab, exercise.id)}.`,
      };
  }
}

/**
 * What --show-solution will do, said before it does it. With a state, it
 * says whether the learner has passed the exercise.
 */
export function describeShowSolution(lab: LabMeta, exerciseId: string, state?: ProgressState, root: string = REPO_ROOT): string {
  const exercise = resolveExercise(lab, exerciseId);
  const path = solutionPath(lab, exercise.id);
  const mine = `${labDir(lab)}/exercises/${exercise.id}.ts`;
  if (!existsSync(join(root, path)))
    return `There is no reference solution for exercise ${short(exercise.id)} of lab ${lab.id}, so --show-solution has nothing to print; ${mine} is not changed.`;
  const passed = state ? summariseLab(lab, state).exercises.find((e) => e.id === exercise.id)?.status === 'pass' : false;
  const which = passed ? 'an exercise you have passed' : 'an exercise you have not passed yet';
  return `--show-solution prints ${path}, the reference for ${which}; your file ${mine} is not changed.`;
}

/** The reference solution's text. Throws KitError when the lab ships none for this exercise. */
export function readSolution(lab: LabMeta, exerciseId: string, root: string = REPO_ROOT): { path: string; text: string } {
  const exercise = resolveExercise(lab, exerciseId);
  const path = solutionPath(lab, exercise.id);
  try {
    return { path, text: readFileSync(join(root, path), 'utf8') };
  } catch (err) {
    throw new KitError(
      `The reference solution ${path} could not be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`,
      2,
      (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'It may have been moved or deleted: restore it with `git checkout -- ' + path + '`.' : undefined,
    );
  }
}
