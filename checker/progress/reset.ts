/**
 * Reset: puts an exercise back to its starting version, the one tracked in
 * git, after copying the learner's version to a fresh backup folder. Nothing
 * here prompts: the CLI shows confirmationMessage(plan) and asks first.
 *
 * Everything that can fail (git missing, not a git checkout, an untracked
 * file, an unknown exercise) fails while planning, before any file is touched.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, constants, existsSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { labDir, labKey, type LabMeta } from '../core/lab.js';
import { EnvironmentError, KitError, UsageError } from '../core/errors.js';
import { resolveExercise } from '../core/resolve-exercise.js';
import { clearExercises, defaultProgressPath, displayPath, fileStamp, loadProgress, REPO_ROOT, writeProgress } from './state.js';

export interface ResetOptions {
  /** Exercises to reset ("2", "02" or "02-cache-aside"); all of the lab's when omitted. */
  exerciseIds?: string[];
  /** Every exercise of the lab (the same as omitting exerciseIds; not together with it). */
  all?: boolean;
  /** Repository root (tests pass a temp git repo). */
  root?: string;
  /** Progress file; defaults to the one under root. */
  progressPath?: string;
  /** Where the starting versions come from. Default HEAD. */
  ref?: string;
  /** The git executable. Default "git". */
  git?: string;
  now?: Date;
}

export interface PlannedFile {
  exerciseId: string;
  /** Repository-relative, with forward slashes. */
  path: string;
  /** changed: the learner's file differs and is backed up; missing: it is recreated; unchanged: already the starting version. */
  state: 'changed' | 'missing' | 'unchanged';
  /** The starting content, exactly as `git checkout` would write it. */
  starting: Buffer;
}

export interface ResetPlan {
  lab: LabMeta;
  root: string;
  files: PlannedFile[];
  /** How many files will be replaced (and backed up). */
  replaced: number;
  /** Where the backups will go, repository-relative (the final folder gets a -2 suffix if this one exists by then). */
  backupDir: string;
  /** The same, absolute: applyReset creates exactly this folder, so the confirmation names the real place. */
  backupBase: string;
  /** Whether the whole lab is being reset. */
  wholeLab: boolean;
}

export interface ResetFile {
  exerciseId: string;
  path: string;
  action: 'restored' | 'recreated' | 'unchanged';
  /** Repository-relative path of the copy of the learner's version. */
  backup?: string;
}

export interface ResetResult {
  lab: string;
  files: ResetFile[];
  /** Repository-relative backup folder; absent when no file needed a backup. */
  backupDir?: string;
  /** Exercise ids whose progress entries were removed. */
  progressCleared: string[];
  /** Set when the progress file could not be read or written; the files were reset anyway. */
  progressProblem?: string;
}

const rootOf = (options: ResetOptions) => options.root ?? REPO_ROOT;
const progressPathOf = (options: ResetOptions) => options.progressPath ?? defaultProgressPath(rootOf(options));

export function backupRoot(root: string = REPO_ROOT): string {
  return join(root, '.data-tier-labs', 'backups');
}

/** The starting version of a tracked file, with the checkout filters (line endings) applied. */
export function startingVersion(root: string, relPath: string, options: Pick<ResetOptions, 'ref' | 'git'> = {}): Buffer {
  const ref = options.ref ?? 'HEAD';
  const git = options.git ?? 'git';
  const run = spawnSync(git, ['-C', root, 'cat-file', '--filters', `${ref}:${relPath}`], {
    encoding: 'buffer',
    maxBuffer: 64 * 1024 * 1024,
    windowsHide: true,
  });
  if (run.error) {
    const code = (run.error as NodeJS.ErrnoException).code;
    throw new EnvironmentError(
      code === 'ENOENT'
        ? `Reset needs git to find the starting version of ${relPath}, and git is not installed or not on PATH. No file was changed.`
        : `Reset could not run git (${code ?? run.error.message}) to find the starting version of ${relPath}. No file was changed.`,
      'Install git (https://git-scm.com/downloads), open a new terminal, and run the reset again.',
    );
  }
  if (run.status !== 0) {
    const stderr = run.stderr.toString('utf8').trim();
    const first = stderr.split('\n').find((l) => l.trim() !== '') ?? `git exited with ${run.status}`;
    if (/not a git repository/i.test(stderr)) {
      throw new EnvironmentError(
        `Reset restores the starting exercises from git, but this copy of the kit is not a git checkout (downloaded as a zip?). No file was changed.`,
        'Clone the kit with git clone, or copy the starting file from a fresh download of the kit.',
      );
    }
    throw new KitError(
      `${relPath} is not tracked by git at ${ref}, so the kit cannot tell what its starting version was (git: ${first}). No file was changed.`,
      2,
      `Check \`git status\` in the kit folder; if the file was renamed or never committed, copy it from a fresh download of the kit.`,
    );
  }
  return run.stdout;
}

function exercisesFor(lab: LabMeta, options: ResetOptions): { ids: string[]; wholeLab: boolean } {
  if (options.exerciseIds !== undefined) {
    if (options.all) throw new UsageError('Reset either named exercises or all of them, not both.', 'Drop --all, or drop --exercise.');
    if (options.exerciseIds.length === 0)
      throw new UsageError(`No exercise was named to reset in lab ${lab.id}.`, `Name one, e.g. --exercise 02, or reset the whole lab.`);
    const ids = [...new Set(options.exerciseIds.map((which) => resolveExercise(lab, which).id))];
    return { ids, wholeLab: ids.length === lab.exercises.length };
  }
  return { ids: lab.exercises.map((e) => e.id), wholeLab: true };
}

/** Works out what a reset would do, without touching anything. Throws KitError when it cannot be done. */
export function planReset(lab: LabMeta, options: ResetOptions = {}): ResetPlan {
  if (lab.status !== 'ready') throw new UsageError(`Lab ${lab.id} (${lab.title}) is coming but not available yet, so there is nothing to reset.`);
  const root = rootOf(options);
  const { ids, wholeLab } = exercisesFor(lab, options);
  const files = ids.map((exerciseId): PlannedFile => {
    const path = `${labDir(lab)}/exercises/${exerciseId}.ts`;
    const starting = startingVersion(root, path, options);
    const abs = join(root, path);
    if (!existsSync(abs)) return { exerciseId, path, state: 'missing', starting };
    return { exerciseId, path, state: readFileSync(abs).equals(starting) ? 'unchanged' : 'changed', starting };
  });
  const backupBase = join(backupRoot(root), labKey(lab), fileStamp(options.now));
  return {
    lab,
    root,
    files,
    replaced: files.filter((f) => f.state === 'changed').length,
    backupDir: displayPath(backupBase, root),
    backupBase,
    wholeLab,
  };
}

/** The question the CLI asks before applying one or more plans. */
export function confirmationMessage(plans: ResetPlan | ResetPlan[]): string {
  const list = Array.isArray(plans) ? plans : [plans];
  const replaced = list.reduce((n, p) => n + p.replaced, 0);
  const recreated = list.reduce((n, p) => n + p.files.filter((f) => f.state === 'missing').length, 0);
  const scope = list
    .map((p) =>
      p.wholeLab ? `lab ${p.lab.id} (all ${p.files.length} exercises)` : `lab ${p.lab.id} exercise ${p.files.map((f) => f.exerciseId.slice(0, 2)).join(', ')}`,
    )
    .join('; ');
  const parts: string[] = [];
  if (replaced > 0) {
    const where = list
      .filter((p) => p.replaced > 0)
      .map((p) => `${p.backupDir}/`)
      .join(' and ');
    parts.push(
      `This replaces ${replaced} file${replaced === 1 ? '' : 's'} with the starting version${replaced === 1 ? '' : 's'}; your versions are kept in ${where}.`,
    );
  }
  if (recreated > 0) parts.push(`It recreates ${recreated} missing file${recreated === 1 ? '' : 's'}.`);
  if (replaced === 0 && recreated === 0) parts.push('Your files already match the starting versions; only the recorded progress is cleared.');
  return `Reset ${scope}? ${parts.join(' ')} The progress recorded for ${list.length === 1 && !list[0]!.wholeLab ? 'these exercises' : 'them'} is cleared.`;
}

/** Creates a backup folder that did not exist before: never reuses (or overwrites) an earlier backup. */
function freshDir(base: string): string {
  mkdirSync(dirname(base), { recursive: true });
  for (let n = 1; ; n += 1) {
    const dir = n === 1 ? base : `${base}-${n}`;
    try {
      mkdirSync(dir);
      return dir;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

function writeAtomically(path: string, content: Buffer): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(tmp, content, { flag: 'wx' });
    renameSync(tmp, path);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      // Nothing was left behind.
    }
    throw err;
  }
}

/**
 * Carries out a plan: backs up each changed file (read again now, so a save
 * made after planning is the one kept), writes the starting version, then
 * clears the progress entries of the reset exercises.
 */
export function applyReset(plan: ResetPlan, options: Pick<ResetOptions, 'progressPath' | 'now'> = {}): ResetResult {
  // The backup folder is the one the plan named (asked about), whenever this runs.
  const { root, lab } = plan;
  let backupDir: string | undefined;
  const files: ResetFile[] = [];
  for (const file of plan.files) {
    const abs = join(root, file.path);
    const exists = existsSync(abs);
    if (exists && readFileSync(abs).equals(file.starting)) {
      files.push({ exerciseId: file.exerciseId, path: file.path, action: 'unchanged' });
      continue;
    }
    let backup: string | undefined;
    if (exists) {
      backupDir ??= freshDir(plan.backupBase);
      const copy = join(backupDir, file.path.slice(labDir(lab).length + 1));
      mkdirSync(dirname(copy), { recursive: true });
      copyFileSync(abs, copy, constants.COPYFILE_EXCL);
      backup = displayPath(copy, root);
    }
    writeAtomically(abs, file.starting);
    files.push({ exerciseId: file.exerciseId, path: file.path, action: exists ? 'restored' : 'recreated', ...(backup ? { backup } : {}) });
  }

  const progressPath = options.progressPath ?? defaultProgressPath(root);
  let progressProblem: string | undefined;
  let progressCleared: string[] = [];
  const loaded = loadProgress(progressPath, options.now);
  if (loaded.problem) progressProblem = loaded.problem;
  const { state, cleared } = clearExercises(
    loaded.state,
    lab.id,
    plan.files.map((f) => f.exerciseId),
  );
  if (cleared.length > 0) {
    try {
      writeProgress(state, progressPath);
      progressCleared = cleared;
    } catch (err) {
      progressProblem = `The files were reset, but the progress file ${displayPath(progressPath, root)} could not be updated (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); the next check run corrects it.`;
    }
  }
  return {
    lab: labKey(lab),
    files,
    ...(backupDir ? { backupDir: displayPath(backupDir, root) } : {}),
    progressCleared,
    ...(progressProblem ? { progressProblem } : {}),
  };
}

/** Plans and applies in one go (the CLI asks between planReset and applyReset instead). */
export function resetExercises(lab: LabMeta, options: ResetOptions = {}): ResetResult {
  return applyReset(planReset(lab, options), { progressPath: progressPathOf(options), now: options.now });
}

export interface ResetAllOptions extends Omit<ResetOptions, 'exerciseIds' | 'all'> {
  /** The labs to consider (the caller passes the registry, labs/index.ts); only ready ones are reset. */
  labs: readonly LabMeta[];
}

/** Plans a reset of every ready lab; nothing is touched unless every lab can be reset. */
export function planResetAll(options: ResetAllOptions): ResetPlan[] {
  return options.labs.filter((l) => l.status === 'ready').map((lab) => planReset(lab, options));
}

/** Resets every ready lab (plan first for all, then apply). */
export function resetAll(options: ResetAllOptions): ResetResult[] {
  const plans = planResetAll(options);
  return plans.map((plan) => applyReset(plan, { progressPath: progressPathOf(options), now: options.now }));
}
