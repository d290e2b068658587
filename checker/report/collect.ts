/**
 * From the files an instructor collected to the class: one entry per
 * learner (the newest file wins when a learner sent two), and the files left
 * out with the reason, by name.
 */
import { basename, extname } from 'node:path';
import type { ResultsDocument } from '../core/result.js';
import { auditResults, type AuditOptions } from './integrity.js';
import { parseResultsFile, type LearnerResults, type ParseOutcome } from './learner-results.js';

export interface ClassLearner {
  id: string;
  /** The learner's name, or their id when the file gives none. */
  name: string;
  file: string;
  generatedAt: string;
  /** One document per lab, in lab order (the newest run when a lab appears twice). */
  labs: ResultsDocument[];
  /** What the report did not take as written (see integrity.ts), one sentence each. */
  flags: string[];
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

export function readClassFiles(files: string[], options: AuditOptions = {}): ClassResults {
  return collectClass(
    files.map((file) => ({ file, outcome: parseResultsFile(file) })),
    options,
  );
}

const time = (iso: string): number => {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? Number.NEGATIVE_INFINITY : t;
};

const stem = (file: string) => basename(file, extname(file)).toLowerCase();

/**
 * Pure: keeps the newest file per learner (by generatedAt; the first one given
 * on a tie). Two files that claim one learner id under different names, or
 * where a file's name does not contain the id it claims, are an identity collision: the
 * report keeps the newest as usual but flags it, so nobody is silently
 * replaced by another.
 */
export function collectClass(parsed: ParsedFile[], options: AuditOptions = {}): ClassResults {
  const leftOut: LeftOutFile[] = [];
  const chosen = new Map<string, { file: string; results: LearnerResults }>();
  const collisions = new Map<string, string[]>();
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
    const names = [winner, loser].map((f) => f.results.learner.name ?? '');
    const namedForOther = [winner, loser].some((f) => !stem(f.file).includes(key));
    if (names[0] !== names[1] || namedForOther) {
      const said = (f: typeof winner) => `${f.file}${f.results.learner.name ? ` (name "${f.results.learner.name}")` : ''}`;
      collisions.set(key, [...(collisions.get(key) ?? []), `${said(loser)} also claims learner id "${loser.results.learner.id}"; check who sent which file`]);
    }
    leftOut.push({
      file: loser.file,
      reason: `is an older file from learner "${loser.results.learner.id}" (${loser.results.generatedAt}); ${winner.file} (${winner.results.generatedAt}) is used instead.`,
    });
  }
  const usual = usualKitHashes([...chosen.values()].map((c) => c.results));
  const learners = [...chosen.entries()].map(([key, { file, results }]) => {
    const audited = auditResults(results, options);
    const expected = usual.get(results.kit.version);
    const odd =
      results.kit.hash && expected && results.kit.hash !== expected
        ? [`its kit ${results.kit.version} hashes to ${results.kit.hash}, unlike the class's ${expected}: the kit's own files were changed`]
        : [];
    return toLearner(file, audited.results, [...(collisions.get(key) ?? []), ...odd, ...audited.flags]);
  });
  learners.sort((a, b) => a.name.localeCompare(b.name, 'en', { sensitivity: 'base' }) || a.id.localeCompare(b.id));
  return { learners, leftOut };
}

/** Per kit version, the kit hash most files share (when most do): a file whose kit hashes otherwise was judged by a changed kit. */
function usualKitHashes(all: LearnerResults[]): Map<string, string> {
  const counts = new Map<string, Map<string, number>>();
  for (const r of all) {
    if (!r.kit.hash) continue;
    const byHash = counts.get(r.kit.version) ?? new Map<string, number>();
    byHash.set(r.kit.hash, (byHash.get(r.kit.hash) ?? 0) + 1);
    counts.set(r.kit.version, byHash);
  }
  const usual = new Map<string, string>();
  for (const [version, byHash] of counts) {
    const total = [...byHash.values()].reduce((a, b) => a + b, 0);
    const [hash, n] = [...byHash.entries()].sort((a, b) => b[1] - a[1])[0]!;
    if (n * 2 > total) usual.set(version, hash);
  }
  return usual;
}

function toLearner(file: string, results: LearnerResults, flags: string[]): ClassLearner {
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
    flags,
  };
}
