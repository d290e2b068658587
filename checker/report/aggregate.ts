/**
 * Pure figures for the class report: the learner x check matrix, completion
 * per lab and per exercise, and the failure messages most learners share.
 */
import type { LabMeta } from '../core/lab.js';
import { AWS_GROUP, type CheckResult, type CheckStatus } from '../core/result.js';
import { isStartingTodo } from '../core/starting-todo.js';
import type { ClassLearner } from './collect.js';

export { AWS_GROUP };

/** The kit's labs by id, for titles and lesson order (the command passes the registry's findLab; this layer never imports it). */
export type LabDirectory = (id: number) => Pick<LabMeta, 'title' | 'exercises'> | undefined;
const NO_LABS: LabDirectory = () => undefined;

export interface Column {
  /** `${lab}:${checkId}`: unique across labs. */
  key: string;
  lab: number;
  id: string;
  name: string;
  group: string;
}

export interface ColumnGroup {
  lab: number;
  group: string;
  title: string;
  columns: Column[];
}

export interface MatrixRow {
  learner: ClassLearner;
  /** One per column; undefined when the learner's file has no such check (not run). */
  cells: Array<CheckResult | undefined>;
  counts: Record<CheckStatus | 'notRun', number>;
}

export interface Matrix {
  groups: ColumnGroup[];
  columns: Column[];
  rows: MatrixRow[];
  /** Per column: learners who passed, of all learners. */
  passed: number[];
  /** Per column: learners whose check was judged (not skipped, not missing); 0 means nobody ran it. */
  ran: number[];
}

export function labTitle(lab: number, slug?: string, labs: LabDirectory = NO_LABS): string {
  return labs(lab)?.title ?? slug ?? `Lab ${lab}`;
}

/** "02-cache-aside" -> "02 Cache-aside (lazy loading)", "aws" -> "AWS resources". */
export function groupTitle(lab: number, group: string, labs: LabDirectory = NO_LABS): string {
  if (group === AWS_GROUP) return 'AWS resources';
  const exercise = labs(lab)?.exercises.find((e) => e.id === group);
  return exercise ? `${group.slice(0, 2)} ${exercise.title}` : group || 'other checks';
}

function groupRank(lab: number, group: string, labs: LabDirectory): number {
  if (group === AWS_GROUP) return Number.MAX_SAFE_INTEGER;
  const index = labs(lab)?.exercises.findIndex((e) => e.id === group) ?? -1;
  return index >= 0 ? index : 10_000;
}

const keyOf = (lab: number, id: string): string => `${lab}:${id}`;

/**
 * Every check any learner has, in the order the checker runs them: labs in
 * order, exercises in lesson order, AWS last; within a group, each check
 * after the one that preceded it in the learner's file.
 */
export function buildColumns(learners: ClassLearner[], labs: LabDirectory = NO_LABS): Column[] {
  const order: Column[] = [];
  const seen = new Set<string>();
  for (const learner of learners) {
    for (const doc of learner.labs) {
      let previous: string | undefined;
      for (const check of doc.checks) {
        const key = keyOf(doc.lab, check.id);
        if (!seen.has(key)) {
          seen.add(key);
          const column = { key, lab: doc.lab, id: check.id, name: check.name, group: check.group ?? '' };
          const at = previous === undefined ? -1 : order.findIndex((c) => c.key === previous);
          if (at >= 0) order.splice(at + 1, 0, column);
          else order.push(column);
        }
        previous = key;
      }
    }
  }
  const position = new Map(order.map((c, i) => [c.key, i]));
  return [...order].sort(
    (a, b) =>
      a.lab - b.lab ||
      groupRank(a.lab, a.group, labs) - groupRank(b.lab, b.group, labs) ||
      a.group.localeCompare(b.group) ||
      (position.get(a.key) ?? 0) - (position.get(b.key) ?? 0),
  );
}

export function buildMatrix(learners: ClassLearner[], labs: LabDirectory = NO_LABS): Matrix {
  const columns = buildColumns(learners, labs);
  const groups: ColumnGroup[] = [];
  for (const column of columns) {
    const last = groups.at(-1);
    if (last && last.lab === column.lab && last.group === column.group) last.columns.push(column);
    else groups.push({ lab: column.lab, group: column.group, title: groupTitle(column.lab, column.group, labs), columns: [column] });
  }
  const rows = learners.map((learner) => {
    const byKey = new Map<string, CheckResult>();
    for (const doc of learner.labs) for (const check of doc.checks) byKey.set(keyOf(doc.lab, check.id), check);
    const cells = columns.map((c) => byKey.get(c.key));
    const counts = { pass: 0, fail: 0, error: 0, skipped: 0, notRun: 0 };
    for (const cell of cells) counts[cell ? cell.status : 'notRun'] += 1;
    return { learner, cells, counts };
  });
  const passed = columns.map((_, i) => rows.filter((r) => r.cells[i]?.status === 'pass').length);
  const ran = columns.map((_, i) => rows.filter((r) => r.cells[i] !== undefined && r.cells[i]?.status !== 'skipped').length);
  return { groups, columns, rows, passed, ran };
}

/**
 * Splits the column groups into tables of at most `maxColumns` checks each,
 * so no table needs scrolling on a projector: a new table at every lab, and
 * whenever the next group would not fit (a group larger than that stays whole).
 */
export function chunkGroups(groups: ColumnGroup[], maxColumns = 30): ColumnGroup[][] {
  const chunks: ColumnGroup[][] = [];
  let current: ColumnGroup[] = [];
  let width = 0;
  for (const group of groups) {
    const newLab = current.length > 0 && current[0].lab !== group.lab;
    if (current.length > 0 && (newLab || width + group.columns.length > maxColumns)) {
      chunks.push(current);
      current = [];
      width = 0;
    }
    current.push(group);
    width += group.columns.length;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

export interface Completion {
  passed: number;
  total: number;
  /** 0..100, rounded to a whole number. */
  percent: number;
}

export interface ExerciseCompletion extends Completion {
  group: string;
  title: string;
  /** Learners with at least one of its checks judged (not skipped): 0 means nobody ran it, e.g. the AWS checks of a class that stayed local. */
  ran: number;
}

export interface LabCompletion extends Completion {
  lab: number;
  title: string;
  /** Learners whose file has this lab at all. */
  submitted: number;
  exercises: ExerciseCompletion[];
}

export function completion(passed: number, total: number): Completion {
  return { passed, total, percent: total === 0 ? 0 : Math.round((passed / total) * 100) };
}

/**
 * A lab is passed when its run's status is `pass` (no failure, no error; skipped
 * checks do not block it). An exercise is passed when every one of its checks
 * passed. The denominator is the whole class: a learner who sent nothing for a
 * lab has not passed it.
 */
export function labCompletion(learners: ClassLearner[], labs: LabDirectory = NO_LABS): LabCompletion[] {
  const columns = buildColumns(learners, labs);
  const labIds = [...new Set(columns.map((c) => c.lab))];
  return labIds.map((lab) => {
    const docs = learners.map((l) => l.labs.find((d) => d.lab === lab));
    const groups = [...new Set(columns.filter((c) => c.lab === lab).map((c) => c.group))];
    const exercises = groups.map((group) => {
      const checksOf = (doc: (typeof docs)[number]) => doc?.checks.filter((c) => (c.group ?? '') === group) ?? [];
      const passed = docs.filter((doc) => {
        const checks = checksOf(doc);
        return checks.length > 0 && checks.every((c) => c.status === 'pass');
      }).length;
      const ran = docs.filter((doc) => checksOf(doc).some((c) => c.status !== 'skipped')).length;
      return { group, title: groupTitle(lab, group, labs), ran, ...completion(passed, learners.length) };
    });
    const slug = docs.find((d) => d)?.slug;
    return {
      lab,
      title: labTitle(lab, slug, labs),
      submitted: docs.filter(Boolean).length,
      ...completion(docs.filter((d) => d?.status === 'pass').length, learners.length),
      exercises,
    };
  });
}

/**
 * The same mistake gives the same message up to details that vary between
 * learners: file locations, numbers, quoted values and JSON they returned.
 */
export function normaliseMessage(message: string): string {
  let text = message.replace(/\s*\(at [^()]*:\d+(:\d+)?\)/g, '');
  for (let i = 0; i < 5 && /\{[^{}]*\}|\[[^[\]]*\]/.test(text); i += 1) text = text.replace(/\{[^{}]*\}|\[[^[\]]*\]/g, '…');
  return text
    .replace(/"[^"]*"/g, '"…"')
    .replace(/\d+(\.\d+)?/g, '#')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

export interface FailureGroup {
  /** Names the group; the same for every cell that belongs to it (see failureKey). */
  key: string;
  /** The check still throws the starting TODO: the learner has not begun, nothing to explain again. */
  startingTodo: boolean;
  lab: number;
  checkId: string;
  checkName: string;
  status: 'fail' | 'error';
  /** The wording most learners got (the first one on a tie). */
  message: string;
  /** Distinct learners with this failure, by name, in class order. */
  learners: string[];
  count: number;
}

/** The failure group a failed or errored check belongs to. */
export function failureKey(lab: number, check: CheckResult): string {
  return `${keyOf(lab, check.id)}\u0000${check.status}\u0000${normaliseMessage(check.message)}`;
}

/** Failures and errors grouped by check and normalised message: most learners first, then in check order, failures before errors. */
export function rankFailures(learners: ClassLearner[], labs: LabDirectory = NO_LABS): FailureGroup[] {
  const columns = buildColumns(learners, labs);
  const position = new Map(columns.map((c, i) => [c.key, i]));
  const groups = new Map<string, FailureGroup & { variants: Map<string, number> }>();
  for (const learner of learners) {
    for (const doc of learner.labs) {
      for (const check of doc.checks) {
        if (check.status !== 'fail' && check.status !== 'error') continue;
        const key = failureKey(doc.lab, check);
        let group = groups.get(key);
        if (!group) {
          group = {
            key,
            startingTodo: isStartingTodo(check.message),
            lab: doc.lab,
            checkId: check.id,
            checkName: check.name,
            status: check.status,
            message: check.message,
            learners: [],
            count: 0,
            variants: new Map(),
          };
          groups.set(key, group);
        }
        group.variants.set(check.message, (group.variants.get(check.message) ?? 0) + 1);
        if (group.learners.at(-1) !== learner.name) group.learners.push(learner.name);
      }
    }
  }
  return [...groups.values()]
    .map(({ variants, ...g }) => {
      const message = [...variants.entries()].reduce((best, v) => (v[1] > best[1] ? v : best))[0];
      return { ...g, message, count: g.learners.length };
    })
    .sort(
      (a, b) =>
        b.count - a.count ||
        (position.get(keyOf(a.lab, a.checkId)) ?? 0) - (position.get(keyOf(b.lab, b.checkId)) ?? 0) ||
        (a.status === b.status ? 0 : a.status === 'fail' ? -1 : 1) ||
        a.message.localeCompare(b.message),
    );
}
