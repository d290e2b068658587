/**
 * Progress for people: a glyph and a word for every status, colour only on
 * top (✔ passed, ✘ failing, · not run), so it reads the same without colour.
 */
import type { ChalkInstance } from 'chalk';
import type { LabMeta } from '../core/lab.js';
import { displayPath, summariseLab, summariseLabs, type ExerciseProgress, type LabSummary, type ProgressState } from './state.js';

export interface RenderOptions {
  /** Show times in UTC instead of the local time zone (tests, CI logs). */
  utc?: boolean;
}

const two = (n: number) => String(n).padStart(2, '0');

/** 2026-11-22 10:04, in local time unless utc is set. */
export function formatWhen(iso: string, options: RenderOptions = {}): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const [y, m, day, h, min] = options.utc
    ? [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes()]
    : [d.getFullYear(), d.getMonth() + 1, d.getDate(), d.getHours(), d.getMinutes()];
  return `${y}-${two(m)}-${two(day)} ${two(h)}:${two(min)}`;
}

export const STATUS_WORD = { pass: '✔ passed', fail: '✘ failing', 'not-run': '· not run' } as const;

function paintStatus(c: ChalkInstance, status: ExerciseProgress['status'], text: string): string {
  if (status === 'pass') return c.green(text);
  if (status === 'fail') return c.red(text);
  return c.dim(text);
}

/** `✔ passed 2026-11-22 10:04`, `✘ failing` or `· not run`. */
export function renderExerciseStatus(c: ChalkInstance, exercise: Pick<ExerciseProgress, 'status' | 'passedAt'>, options: RenderOptions = {}): string {
  const when = exercise.status === 'pass' && exercise.passedAt ? ` ${formatWhen(exercise.passedAt, options)}` : '';
  return paintStatus(c, exercise.status, `${STATUS_WORD[exercise.status]}${when}`);
}

/** For the lab list: "3/5 exercises passed" ("✔ 5/5 ..." when all pass); empty for labs that are not ready. */
export function renderLabProgress(c: ChalkInstance, summary: LabSummary): string {
  if (!summary.ready || summary.total === 0) return '';
  const text = `${summary.passed}/${summary.total} exercises passed`;
  if (summary.passed === summary.total) return c.green(`✔ ${text}`);
  return summary.started ? text : c.dim(text);
}

/** The `npm run lab` list: every lab, ready or coming, with "3/5 exercises passed" for the ready ones. */
export function renderLabListWithProgress(c: ChalkInstance, labs: LabMeta[], state: ProgressState): string {
  const out = [c.bold('Data Tier Labs')];
  for (const summary of summariseLabs(labs, state)) {
    const tag = summary.ready ? c.green('ready ') : c.dim('coming');
    const progress = renderLabProgress(c, summary);
    out.push(`  ${String(summary.id).padStart(2)}  ${tag}  ${summary.title}${progress ? ` ${c.dim('-')} ${progress}` : ''}`);
  }
  out.push('', 'Open a lab with: npm run lab <number>   (for example: npm run lab 5)');
  return out.join('\n');
}

function cells(e: ExerciseProgress, options: RenderOptions): { label: string; status: string; passed: string; target: string } {
  let passed = '-';
  if (e.status === 'pass' && e.passedAt) passed = formatWhen(e.passedAt, options);
  else if (e.status === 'fail' && e.passedAt) passed = `last ${formatWhen(e.passedAt, options)}`;
  return {
    label: e.id === 'aws' ? `AWS ${e.title}` : `${e.id.slice(0, 2)} ${e.title}`,
    status: STATUS_WORD[e.status],
    passed,
    target: e.target ?? '-',
  };
}

/** One lab's table: exercise, status, passed at, target (plus a row for the AWS resources when the lab has a stack). */
export function renderLabTable(c: ChalkInstance, summary: LabSummary, options: RenderOptions = {}): string {
  const rows = [...summary.exercises, ...(summary.aws ? [summary.aws] : [])];
  const plain = rows.map((e) => cells(e, options));
  const head = { label: 'Exercise', status: 'Status', passed: 'Passed at', target: 'Target' };
  const w = {
    label: Math.max(head.label.length, ...plain.map((p) => p.label.length)),
    status: Math.max(head.status.length, ...plain.map((p) => p.status.length)),
    passed: Math.max(head.passed.length, ...plain.map((p) => p.passed.length)),
  };
  const out = [c.bold(`Lab ${summary.id} · ${summary.title}`) + (summary.total > 0 ? `  ${renderLabProgress(c, summary)}` : '')];
  out.push(c.dim(`  ${head.label.padEnd(w.label)}  ${head.status.padEnd(w.status)}  ${head.passed.padEnd(w.passed)}  ${head.target}`));
  rows.forEach((e, i) => {
    const p = plain[i]!;
    const passed = e.status === 'pass' ? p.passed.padEnd(w.passed) : c.dim(p.passed.padEnd(w.passed));
    out.push(`  ${p.label.padEnd(w.label)}  ${paintStatus(c, e.status, p.status.padEnd(w.status))}  ${passed}  ${p.target}`.trimEnd());
  });
  return out.join('\n');
}

export interface StatusOptions extends RenderOptions {
  /** The progress file, named at the bottom so people know where it lives. */
  progressPath?: string;
  /** A loadProgress problem to show first. */
  problem?: string;
}

/** `npm run lab status`: a table per ready lab, the coming ones in one line, and where the file lives. */
export function renderStatus(c: ChalkInstance, labs: LabMeta[], state: ProgressState, options: StatusOptions = {}): string {
  const out: string[] = [];
  if (options.problem) out.push(c.yellow(`! ${options.problem}`), '');
  out.push(c.bold('Your progress'));
  const ready = labs.filter((l) => l.status === 'ready');
  for (const lab of ready) out.push('', renderLabTable(c, summariseLab(lab, state), options));
  const coming = labs.filter((l) => l.status !== 'ready');
  if (coming.length > 0) out.push('', c.dim(`Coming: lab ${coming.map((l) => l.id).join(', ')}.`));
  out.push('');
  if (options.progressPath) out.push(c.dim(`Stored in ${displayPath(options.progressPath)} (see docs/progress.md); re-running the checks rebuilds it.`));
  out.push(c.dim('Start an exercise again: npm run lab reset <lab> (asks first and keeps a backup of your version).'));
  return out.join('\n');
}
