import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LabMeta } from '../../core/lab.js';
import { overallStatus, summarise, type CheckResult, type CheckStatus, type ResultsDocument } from '../../core/result.js';

export function tempDir(prefix = 'dtl-progress-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A results document with the given [group, status] checks, as one run would produce it. */
export function runDoc(
  checks: Array<[group: string, status: CheckStatus]>,
  options: { lab?: number; slug?: string; target?: 'local' | 'aws'; startedAt?: string } = {},
): ResultsDocument {
  const results: CheckResult[] = checks.map(([group, status], i) => ({
    id: `${group}.${i}`,
    name: `check ${i}`,
    status,
    message: status,
    group,
    durationMs: 1,
  }));
  return {
    schema: 'data-tier-labs/results@1',
    lab: options.lab ?? 5,
    slug: options.slug ?? 'elasticache-redis',
    target: options.target ?? 'local',
    status: overallStatus(results),
    summary: summarise(results),
    startedAt: options.startedAt ?? '2026-11-22T10:04:00.000Z',
    durationMs: 100,
    checks: results,
  };
}

export function fakeLab(id: number, slug: string, exerciseIds: string[], extra: Partial<LabMeta> = {}): LabMeta {
  return {
    id,
    slug,
    title: `Lab ${slug}`,
    status: 'ready',
    summary: '',
    objectives: [],
    steps: [],
    cost: { usdPerHour: 0, billable: [], note: '' },
    deployMinutes: 0,
    exercises: exerciseIds.map((e) => ({ id: e, title: `Title of ${e}`, exports: [], hint: '' })),
    hints: [],
    ...extra,
  };
}
