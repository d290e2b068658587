/**
 * From the files an instructor collected to the class: one entry per
 * learner (the newest file wins when a learner sent two), and the files left
 * out with the reason, by name.
 */
import type { ResultsDocument } from '../core/result.js';
import { parseResultsFile, type LearnerResults, type ParseOutcome } from './learner-results.js';

export interface ClassLearner {
  id: string;
  /** The learner's name, or their id when the file gives none. */
  name: string;
  file: string;
  generatedAt: string;
  /** One document per lab, in lab order (the newest run when a lab appears twice). */
  labs: ResultsDocument[];
}

export interface LeftOutFile {
  file: string;
  reason: string;
}

export interface ClassResults {
  learners: ClassLearner[];
  leftOut: LeftOutFile[];
}

export interface ParsedFile {
  file: string;
  outcome: ParseOutcome;
}

export function readClassFiles(files: string[]): ClassResults {
  return collectClass(files.map((file) => ({ file, outcome: parseResultsFile(file) })));
}

const time = (iso: string): number => {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? Number.NEGATIVE_INFINITY : t;
};

/** Pure: keeps the newest file per learner (by generatedAt; the first one given on a tie). */
export function collectClass(parsed: ParsedFile[]): ClassResults {
  const leftOut: LeftOutFile[] = [];
  const chosen = new Map<string, { file: string; results: LearnerResults }>();
  const seenFiles = new Set<string>();
  for (const { file, outcome } of parsed) {
    if (seenFiles.has(file)) continue; // the same path given twice (a glob and a folder)
    seenFiles.add(file);
    if (!outcome.ok) {
      leftOut.push({ file, reason: outcome.problem });
      continue;
    }
    const key = outcome.results.learner.id.toLowerCase();
    const kept = chosen.get(key);
    if (!kept) {
      chosen.set(key, { file, results: outcome.results });
      continue;
    }
    const newer = time(outcome.results.generatedAt) > time(kept.results.generatedAt);
    const [winner, loser] = newer ? [{ file, results: outcome.results }, kept] : [kept, { file, results: outcome.results }];
    chosen.set(key, winner);
    leftOut.push({
      file: loser.file,
      reason: `is an older file from learner "${loser.results.learner.id}" (${loser.results.generatedAt}); ${winner.file} (${winner.results.generatedAt}) is used instead.`,
    });
  }
  const learners = [...chosen.values()].map(({ file, results }) => toLearner(file, results));
  learners.sort((a, b) => a.name.localeCompare(b.name, 'en', { sensitivity: 'base' }) || a.id.localeCompare(b.id));
  return { learners, leftOut };
}

function toLearner(file: string, results: LearnerResults): ClassLearner {
  const byLab = new Map<number, ResultsDocument>();
  for (const doc of results.labs) {
    const other = byLab.get(doc.lab);
    if (!other || time(doc.startedAt) > time(other.startedAt)) byLab.set(doc.lab, doc);
  }
  return {
    id: results.learner.id,
    name: results.learner.name ?? results.learner.id,
    file,
    generatedAt: results.generatedAt,
    labs: [...byLab.values()].sort((a, b) => a.lab - b.lab),
  };
}
