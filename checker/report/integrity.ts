/**
 * What the class report will not take as written: a results file is
 * self-reported, so every lab's status is recomputed from its checks, the
 * checks are compared with the ones this kit registers for that lab, and
 * figures and dates that cannot be true are flagged. Flags are shown to the
 * instructor beside the learner; invented checks and unknown labs are left
 * out of the figures.
 */
import { overallStatus, summarise, type CheckResult, type ResultsDocument } from '../core/result.js';
import type { LearnerResults } from './learner-results.js';

/** The checks this kit registers for one lab. */
export interface CatalogLab {
  slug: string;
  /** Checks every full run of the lab has (the exercises' checks). */
  required: ReadonlySet<string>;
  /** True for a check a run may have besides (deployed-resource checks, drills). */
  optional(id: string): boolean;
}

export interface KitCatalog {
  lab(id: number): CatalogLab | undefined;
}

export interface AuditOptions {
  catalog?: KitCatalog;
  now?: Date;
}

/** Clock skew tolerated between a learner's machine and the instructor's. */
const CLOCK_SKEW_MS = 10 * 60_000;
/** No figure the kit measures comes near these; a forged one usually does. */
const LARGEST_FIGURE = 1e9;
const LARGEST_SPEEDUP = 10_000;

/** The results with what cannot be trusted taken out, and a sentence per problem. */
export function auditResults(results: LearnerResults, options: AuditOptions = {}): { results: LearnerResults; flags: string[] } {
  const flags: string[] = [];
  const now = (options.now ?? new Date()).getTime();
  const generated = Date.parse(results.generatedAt);
  if (generated > now + CLOCK_SKEW_MS) flags.push(`the file says it was written ${results.generatedAt}, which is in the future`);
  const modified = results.kit.modified ?? [];
  if (modified.length > 0) {
    const shown = modified.slice(0, 3).join(', ') + (modified.length > 3 ? ` and ${modified.length - 3} more` : '');
    flags.push(`the kit that judged it had changed files of its own (${shown}): its checks may not be this kit's`);
  }
  const labs: ResultsDocument[] = [];
  for (const doc of results.labs) {
    const kept = auditDocument(doc, options.catalog, now, flags);
    if (kept) labs.push(kept);
  }
  return { results: { ...results, labs }, flags };
}

function auditDocument(doc: ResultsDocument, catalog: KitCatalog | undefined, now: number, flags: string[]): ResultsDocument | undefined {
  const label = `Lab ${doc.lab}`;
  const known = catalog?.lab(doc.lab);
  if (catalog && !known) {
    flags.push(`${label} is not a lab of this kit; its results are left out`);
    return undefined;
  }
  if (known && doc.slug !== known.slug) flags.push(`${label} is named "${doc.slug}" in the file, but this kit's lab ${doc.lab} is "${known.slug}"`);
  if (doc.checks.length === 0) {
    flags.push(`${label} has no checks at all; its results are left out`);
    return undefined;
  }
  if (Date.parse(doc.startedAt) > now + CLOCK_SKEW_MS) flags.push(`${label} says it ran ${doc.startedAt}, which is in the future`);

  const seen = new Set<string>();
  const checks: CheckResult[] = [];
  const duplicates = new Set<string>();
  const invented: string[] = [];
  for (const check of doc.checks) {
    if (seen.has(check.id)) {
      duplicates.add(check.id);
      continue;
    }
    seen.add(check.id);
    if (known && !known.required.has(check.id) && !known.optional(check.id)) {
      invented.push(check.id);
      continue;
    }
    checks.push(check);
  }
  if (duplicates.size > 0)
    flags.push(`${label} lists ${plural(duplicates.size, 'check')} more than once (${[...duplicates].join(', ')}); the first of each is used`);
  if (invented.length > 0) flags.push(`${label} has ${plural(invented.length, 'check')} this kit does not have (${invented.join(', ')}); left out`);
  if (known && checks.some((c) => c.group !== 'aws' && c.group !== 'drill')) {
    const missing = [...known.required].filter((id) => !seen.has(id));
    if (missing.length > 0) flags.push(`${label} is missing ${plural(missing.length, 'check')} every run has (${missing.join(', ')})`);
  }
  if (checks.length === 0) return undefined;

  const status = overallStatus(checks);
  if (status !== doc.status) flags.push(`${label} says "${doc.status}" but its checks add up to "${status}"; the checks are used`);
  for (const figure of impossibleFigures(doc.measurements)) flags.push(`${label} reports ${figure}, which cannot be measured; its figures are left out`);
  const trusted = impossibleFigures(doc.measurements).length === 0;
  const { measurements: _dropped, ...rest } = doc;
  return { ...rest, checks, status, summary: summarise(checks), ...(trusted && doc.measurements ? { measurements: doc.measurements } : {}) };
}

/** Numbers in the measurements that no run of the kit can produce: not finite, absurdly large, or a speed-up beyond any cache. */
export function impossibleFigures(measurements: Record<string, unknown> | undefined): string[] {
  const found: string[] = [];
  const walk = (value: unknown, path: string): void => {
    if (typeof value === 'number') {
      const speedup = /speed-?up/i.test(path);
      if (!Number.isFinite(value) || Math.abs(value) > LARGEST_FIGURE || (speedup && value > LARGEST_SPEEDUP)) found.push(`${path} = ${value}`);
      return;
    }
    if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${path}[${i}]`));
    else if (value && typeof value === 'object') {
      const ratio = latencyRatio(value as Record<string, unknown>);
      if (ratio !== undefined && ratio > LARGEST_SPEEDUP) found.push(`${path}: database p50 / cache p50 = ${ratio.toPrecision(3)}`);
      for (const [k, v] of Object.entries(value)) walk(v, path ? `${path}.${k}` : k);
    }
  };
  walk(measurements ?? {}, '');
  return found;
}

/** A comparison of two latency summaries ({ database: { p50 }, cache: { p50 } }): the speed-up it implies. */
function latencyRatio(value: Record<string, unknown>): number | undefined {
  const p50 = (side: unknown) => (side && typeof side === 'object' ? (side as Record<string, unknown>).p50 : undefined);
  const db = p50(value.database);
  const hit = p50(value.cache);
  return typeof db === 'number' && typeof hit === 'number' && hit > 0 ? db / hit : undefined;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
