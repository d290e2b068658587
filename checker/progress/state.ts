/**
 * The learner's progress: one small, documented JSON file in the project
 * folder (`.data-tier-labs/progress.json`, git-ignored; see docs/progress.md).
 *
 * It records, per lab, each exercise's latest judged status and when it
 * passed. It is only a memo of check runs: a lost or unreadable file is
 * rebuilt by running the checks again, so reading it never throws. A bad file
 * is moved aside (never deleted) and reported in one line.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, existsSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LabMeta } from '../core/lab.js';
import type { CheckResult, ResultsDocument } from '../core/result.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The format version this kit writes and reads. A newer file is moved aside, not guessed at. */
export const PROGRESS_VERSION = 1;

/** Where progress lives unless a path is passed: DTL_PROGRESS_FILE, else `.data-tier-labs/progress.json` under the repo root. */
export function defaultProgressPath(root: string = REPO_ROOT): string {
  const fromEnv = process.env.DTL_PROGRESS_FILE;
  if (fromEnv && fromEnv.trim() !== '' && root === REPO_ROOT) return fromEnv;
  return join(root, '.data-tier-labs', 'progress.json');
}

export type ExerciseStatus = 'pass' | 'fail' | 'not-run';

/** One exercise's (or the AWS resources') latest judged run. */
export interface ProgressEntry {
  status: ExerciseStatus;
  /** The latest run in which every check passed. Kept when a later run fails. */
  passedAt?: string;
  /** The first run in which every check passed. Never changes once set. */
  firstPassedAt?: string;
  /** The latest run that judged this exercise (pass or fail). */
  lastRunAt: string;
  target: 'local' | 'aws';
  checks: { pass: number; total: number };
}

export interface LabProgress {
  /** The lab's slug when last recorded; a different slug under the same number starts afresh. */
  slug?: string;
  /** Keyed by exercise id, e.g. "02-cache-aside". */
  exercises: Record<string, ProgressEntry>;
  /** The deployed-resource checks (group "aws"). */
  aws?: ProgressEntry;
}

export interface ProgressState {
  version: typeof PROGRESS_VERSION;
  /** Keyed by lab number as a string, e.g. "5". */
  labs: Record<string, LabProgress>;
}

export const emptyProgress = (): ProgressState => ({ version: PROGRESS_VERSION, labs: {} });

export interface LoadedProgress {
  state: ProgressState;
  /** The file that was read (or would have been). */
  path: string;
  /** Set when a file existed but could not be used: one line for the person at the keyboard. */
  problem?: string;
  /** Where the unusable file was moved to, so nothing is lost. */
  movedTo?: string;
}

/** A path for messages: relative to the repo when inside it, else as is. */
export function displayPath(path: string, root: string = REPO_ROOT): string {
  const rel = relative(root, path);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return path;
  return rel.split(sep).join('/');
}

/** A file-name-safe UTC timestamp: 2026-11-22T10-04-05.123Z (no colons, for Windows). */
export function fileStamp(now: Date = new Date()): string {
  return now.toISOString().replace(/:/g, '-');
}

const isIso = (v: unknown): v is string => typeof v === 'string' && v.length >= 10 && !Number.isNaN(Date.parse(v));
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function entryIssue(v: unknown, where: string): string | undefined {
  if (!isObject(v)) return `${where} is not an object`;
  if (v.status !== 'pass' && v.status !== 'fail' && v.status !== 'not-run') return `${where}.status is ${JSON.stringify(v.status)}`;
  for (const key of ['passedAt', 'firstPassedAt'] as const) {
    if (v[key] !== undefined && !isIso(v[key])) return `${where}.${key} is not a date`;
  }
  if (!isIso(v.lastRunAt)) return `${where}.lastRunAt is not a date`;
  if (v.target !== 'local' && v.target !== 'aws') return `${where}.target is ${JSON.stringify(v.target)}`;
  const checks = v.checks;
  if (!isObject(checks) || !isCount(checks.pass) || !isCount(checks.total) || checks.pass > checks.total) return `${where}.checks is not {pass, total}`;
  return undefined;
}

/** The first thing wrong with a parsed version-1 document, or undefined when it is sound. */
function stateIssue(doc: Record<string, unknown>): string | undefined {
  if (!isObject(doc.labs)) return '"labs" is missing';
  for (const [id, lab] of Object.entries(doc.labs)) {
    if (!/^\d+$/.test(id)) return `lab key "${id}" is not a lab number`;
    if (!isObject(lab)) return `labs.${id} is not an object`;
    if (lab.slug !== undefined && typeof lab.slug !== 'string') return `labs.${id}.slug is not text`;
    if (!isObject(lab.exercises)) return `labs.${id}.exercises is missing`;
    for (const [ex, entry] of Object.entries(lab.exercises)) {
      const issue = entryIssue(entry, `labs.${id}.exercises.${ex}`);
      if (issue) return issue;
    }
    if (lab.aws !== undefined) {
      const issue = entryIssue(lab.aws, `labs.${id}.aws`);
      if (issue) return issue;
    }
  }
  return undefined;
}

/** Moves an unusable file (or directory) aside as `<path>.corrupt-<timestamp>`; never overwrites. */
function moveAside(path: string, now: Date): { movedTo?: string; error?: string } {
  const base = `${path}.corrupt-${fileStamp(now)}`;
  let target = base;
  for (let n = 2; existsSync(target); n += 1) target = `${base}-${n}`;
  try {
    renameSync(path, target);
    return { movedTo: target };
  } catch (err) {
    return { error: (err as NodeJS.ErrnoException).code ?? (err as Error).message };
  }
}

/**
 * Reads the progress file. Never throws: a missing file is an empty state; a
 * corrupt, truncated, unreadable or newer-format file (or a directory in its
 * place) is moved aside and reported in `problem`, and an empty state is
 * returned so the CLI can rebuild it from the checks (see rebuildNeeded).
 * Call it once per command: a second call finds the file already moved aside.
 */
export function loadProgress(path: string = defaultProgressPath(), now: Date = new Date()): LoadedProgress {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { state: emptyProgress(), path };
    if (code === 'ENOTDIR') {
      return {
        state: emptyProgress(),
        path,
        problem: `Your progress file ${displayPath(path)} cannot exist because ${displayPath(dirname(path))} is a file, not a folder; move that file away and your progress will be rebuilt from the checks.`,
      };
    }
    const why = code === 'EISDIR' ? 'there is a folder where the file should be' : `it could not be read (${code ?? (err as Error).message})`;
    return unusable(path, why, now);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    const detail = text.trim() === '' ? 'it is empty' : `it is not valid JSON, perhaps cut short (${(err as Error).message.split('\n')[0]})`;
    return unusable(path, detail, now);
  }
  if (!isObject(doc) || typeof doc.version !== 'number' || !Number.isInteger(doc.version) || doc.version < 1) {
    return unusable(path, 'it has no format version, so it is not a progress file this kit wrote', now);
  }
  if (doc.version > PROGRESS_VERSION) {
    return unusable(path, `it was written by a newer version of the kit (format ${doc.version}; this kit reads format ${PROGRESS_VERSION})`, now);
  }
  const issue = stateIssue(doc);
  if (issue) return unusable(path, `it is damaged (${issue})`, now);
  return { state: normalise(doc as unknown as ProgressState), path };
}

function unusable(path: string, why: string, now: Date): LoadedProgress {
  const moved = moveAside(path, now);
  const where = moved.movedTo
    ? `it was moved aside to ${displayPath(moved.movedTo)}`
    : `it could not be moved aside (${moved.error}), so move or delete it by hand`;
  return {
    state: emptyProgress(),
    path,
    problem: `Your progress file ${displayPath(path)} could not be used: ${why}; ${where}, and your progress is rebuilt from the checks.`,
    ...(moved.movedTo ? { movedTo: moved.movedTo } : {}),
  };
}

/** Keeps only the fields this kit knows, in a stable order. */
function normalise(state: ProgressState): ProgressState {
  const labs: Record<string, LabProgress> = {};
  for (const id of Object.keys(state.labs).sort((a, b) => Number(a) - Number(b))) {
    const lab = state.labs[id]!;
    const exercises: Record<string, ProgressEntry> = {};
    for (const ex of Object.keys(lab.exercises).sort()) exercises[ex] = cleanEntry(lab.exercises[ex]!);
    labs[id] = { ...(lab.slug !== undefined ? { slug: lab.slug } : {}), exercises, ...(lab.aws ? { aws: cleanEntry(lab.aws) } : {}) };
  }
  return { version: PROGRESS_VERSION, labs };
}

function cleanEntry(e: ProgressEntry): ProgressEntry {
  return {
    status: e.status,
    ...(e.passedAt ? { passedAt: e.passedAt } : {}),
    ...(e.firstPassedAt ? { firstPassedAt: e.firstPassedAt } : {}),
    lastRunAt: e.lastRunAt,
    target: e.target,
    checks: { pass: e.checks.pass, total: e.checks.total },
  };
}

/**
 * Writes the state atomically: a temp file in the same folder, flushed, then
 * renamed over the old one, so a crash or Ctrl-C leaves either the old file
 * or the new one, never half of one.
 */
export function writeProgress(state: ProgressState, path: string = defaultProgressPath()): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const text = `${JSON.stringify(normalise(state), null, 2)}\n`;
  try {
    const fd = openSync(tmp, 'wx');
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
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

/** How one exercise group came out of a run. */
export interface GroupChange {
  /** Exercise id, or "aws" for the deployed-resource checks. */
  group: string;
  /** `not-judged`: no check failed but some errored or were skipped, so the entry was left as it was. */
  verdict: 'pass' | 'fail' | 'not-judged';
  previous: ExerciseStatus;
  /** True the first time this exercise ever passed. */
  firstPass: boolean;
}

export interface RecordResult {
  state: ProgressState;
  changes: GroupChange[];
  /** Set when the existing file was unusable: it was moved aside and this run started the rebuild. */
  loadProblem?: string;
  movedTo?: string;
  /** Set when the new state could not be saved (read-only folder, disk full); the run itself is unaffected. */
  saveProblem?: string;
  saved: boolean;
}

/**
 * The verdict for one group: pass when every check passed; fail when any
 * check failed (the learner's work is wrong); otherwise (errors: the
 * environment was broken; skips: nothing ran) the run did not judge it.
 */
export function groupVerdict(checks: CheckResult[]): GroupChange['verdict'] {
  if (checks.some((c) => c.status === 'fail')) return 'fail';
  if (checks.length > 0 && checks.every((c) => c.status === 'pass')) return 'pass';
  return 'not-judged';
}

/** Folds one run's results into a state (pure; recordRun loads and saves around it). */
export function mergeRun(state: ProgressState, doc: ResultsDocument): { state: ProgressState; changes: GroupChange[] } {
  const next: ProgressState = JSON.parse(JSON.stringify(state)) as ProgressState;
  const key = String(doc.lab);
  let lab = next.labs[key];
  if (!lab || (lab.slug !== undefined && lab.slug !== doc.slug)) lab = { slug: doc.slug, exercises: {} };
  lab.slug = doc.slug;
  const at = isIso(doc.startedAt) ? new Date(doc.startedAt).toISOString() : new Date().toISOString();

  const groups = new Map<string, CheckResult[]>();
  for (const check of doc.checks) {
    if (!check.group) continue;
    groups.set(check.group, [...(groups.get(check.group) ?? []), check]);
  }

  const changes: GroupChange[] = [];
  for (const [group, checks] of groups) {
    const before = group === 'aws' ? lab.aws : lab.exercises[group];
    const verdict = groupVerdict(checks);
    const previous: ExerciseStatus = before?.status ?? 'not-run';
    changes.push({ group, verdict, previous, firstPass: verdict === 'pass' && !before?.firstPassedAt });
    if (verdict === 'not-judged') continue;
    const entry: ProgressEntry = {
      status: verdict,
      ...(verdict === 'pass' ? { passedAt: at } : before?.passedAt ? { passedAt: before.passedAt } : {}),
      ...(before?.firstPassedAt ? { firstPassedAt: before.firstPassedAt } : verdict === 'pass' ? { firstPassedAt: at } : {}),
      lastRunAt: at,
      target: doc.target,
      checks: { pass: checks.filter((c) => c.status === 'pass').length, total: checks.length },
    };
    if (group === 'aws') lab.aws = entry;
    else lab.exercises[group] = entry;
  }
  next.labs[key] = lab;
  return { state: normalise(next), changes };
}

/**
 * Records one run: each exercise group in the document is updated, every
 * other entry is left alone (so `--exercise 02` touches 02 only). Do not call
 * it for `--solutions` runs: those judge the reference, not the learner.
 * Never throws for file problems: they come back in loadProblem/saveProblem.
 */
export function recordRun(doc: ResultsDocument, path: string = defaultProgressPath(), now: Date = new Date()): RecordResult {
  const loaded = loadProgress(path, now);
  const { state, changes } = mergeRun(loaded.state, doc);
  let saveProblem: string | undefined;
  try {
    writeProgress(state, path);
  } catch (err) {
    saveProblem = `Your progress could not be saved to ${displayPath(path)} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); the check results above still stand.`;
  }
  return {
    state,
    changes,
    saved: saveProblem === undefined,
    ...(loaded.problem ? { loadProblem: loaded.problem } : {}),
    ...(loaded.movedTo ? { movedTo: loaded.movedTo } : {}),
    ...(saveProblem ? { saveProblem } : {}),
  };
}

/** True when the file on disk was unusable and the CLI should rebuild progress by running the checks. */
export function rebuildNeeded(loaded: Pick<LoadedProgress, 'problem'> | Pick<RecordResult, 'loadProblem'>): boolean {
  return Boolean(('problem' in loaded && loaded.problem) || ('loadProblem' in loaded && loaded.loadProblem));
}

/**
 * What to say after the checks have refilled the state: which exercises the
 * rebuild covers and what could not be recovered.
 */
export function rebuildNotice(doc: ResultsDocument, lab?: Pick<LabMeta, 'exercises'>): string {
  const judged = new Set(doc.checks.map((c) => c.group).filter((g): g is string => Boolean(g) && g !== 'aws'));
  const missing = lab ? lab.exercises.map((e) => e.id).filter((id) => !judged.has(id)) : [];
  const scope =
    missing.length > 0
      ? ` for ${[...judged].join(', ') || 'no exercise'}; run all the checks (npm run check -- ${doc.lab}) to fill in ${missing.join(', ')}`
      : '';
  return `Progress was rebuilt from the checks just run${scope}. Earlier pass dates are only in the moved-aside file; the rebuilt ones start from this run.`;
}

/** One exercise as the renderers and the solution offer see it. */
export interface ExerciseProgress {
  id: string;
  title: string;
  status: ExerciseStatus;
  passedAt?: string;
  firstPassedAt?: string;
  lastRunAt?: string;
  target?: 'local' | 'aws';
  checks?: { pass: number; total: number };
}

export interface LabSummary {
  id: number;
  slug: string;
  title: string;
  ready: boolean;
  exercises: ExerciseProgress[];
  /** Present for labs with a stack: the deployed-resource checks. */
  aws?: ExerciseProgress;
  passed: number;
  total: number;
  /** True when at least one exercise was ever run. */
  started: boolean;
}

function toProgress(id: string, title: string, entry: ProgressEntry | undefined): ExerciseProgress {
  if (!entry) return { id, title, status: 'not-run' };
  return { id, title, ...cleanEntry(entry) };
}

/**
 * A lab's progress for display, driven by the lab's metadata: exercises the
 * state does not know are `not-run`, entries for exercises the lab no longer
 * has are ignored (and kept in the file), so new labs and exercises need no
 * change here.
 */
export function summariseLab(lab: LabMeta, state: ProgressState): LabSummary {
  const recorded = state.labs[String(lab.id)];
  const mine = recorded && (recorded.slug === undefined || recorded.slug === lab.slug) ? recorded : undefined;
  const exercises = lab.exercises.map((e) => toProgress(e.id, e.title, mine?.exercises[e.id]));
  const passed = exercises.filter((e) => e.status === 'pass').length;
  return {
    id: lab.id,
    slug: lab.slug,
    title: lab.title,
    ready: lab.status === 'ready',
    exercises,
    ...(lab.stack ? { aws: toProgress('aws', 'Deployed AWS resources', mine?.aws) } : {}),
    passed,
    total: exercises.length,
    started: exercises.some((e) => e.status !== 'not-run') || Boolean(mine?.aws),
  };
}

/** Every lab in the list, in its order. */
export function summariseLabs(labs: LabMeta[], state: ProgressState): LabSummary[] {
  return labs.map((lab) => summariseLab(lab, state));
}

/** Removes exercise entries (all of the lab's when `exerciseIds` is undefined); the AWS entry stays, as deployed resources are not reset. */
export function clearExercises(state: ProgressState, labId: number, exerciseIds?: string[]): { state: ProgressState; cleared: string[] } {
  const next: ProgressState = JSON.parse(JSON.stringify(state)) as ProgressState;
  const lab = next.labs[String(labId)];
  if (!lab) return { state: next, cleared: [] };
  const ids = exerciseIds ?? Object.keys(lab.exercises);
  const cleared = ids.filter((id) => id in lab.exercises);
  for (const id of cleared) delete lab.exercises[id];
  return { state: normalise(next), cleared };
}
