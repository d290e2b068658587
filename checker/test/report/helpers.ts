import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CheckResult, ResultsDocument } from '../../core/result.js';
import type { ClassLearner } from '../../report/collect.js';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const CLASS_DIR = fileURLToPath(new URL('../fixtures/class/', import.meta.url));
export const classFiles = (): string[] =>
  readdirSync(CLASS_DIR)
    .filter((n) => n.endsWith('.json'))
    .sort()
    .map((n) => join(CLASS_DIR, n));
export const fixture = (name: string): string => join(CLASS_DIR, name);

/** Resolved here, so the command also runs from a folder outside the repository. */
const TSX = import.meta.resolve('tsx');

export const STACK_TRACE = /^\s+at .+:\d+:\d+\)?$/m;

export interface ReportRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `npm run report` the way CI would: no TTY, no colour. A run that outlives `timeoutMs` is killed (code null). */
export function runReport(args: string[], cwd = ROOT, timeoutMs = 60_000): Promise<ReportRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', TSX, join(ROOT, 'checker/cli/report.ts'), ...args], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CI: 'true', NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A check result for hand-built classes. */
export function check(
  id: string,
  status: CheckResult['status'],
  message = `${id} ${status}`,
  group = id.split('.')[1] === 'aws' ? 'aws' : groupOf(id),
): CheckResult {
  return { id, name: `check ${id}`, status, message, group, durationMs: 1 };
}

function groupOf(id: string): string {
  const n = id.split('.')[1];
  return { '01': '01-redis-basics', '02': '02-cache-aside', '03': '03-write-through', '04': '04-invalidation', '05': '05-sessions-leaderboard' }[n] ?? n;
}

export function labDoc(checks: CheckResult[], extra: Partial<ResultsDocument> = {}): ResultsDocument {
  const summary = { pass: 0, fail: 0, error: 0, skipped: 0 };
  for (const c of checks) summary[c.status] += 1;
  const status = summary.error ? 'error' : summary.fail ? 'fail' : summary.pass ? 'pass' : 'skipped';
  return {
    schema: 'data-tier-labs/results@1',
    lab: 5,
    slug: 'elasticache-redis',
    target: 'local',
    status,
    summary,
    startedAt: '2026-11-20T10:00:00.000Z',
    durationMs: 10,
    checks,
    ...extra,
  };
}

export function learner(id: string, labs: ResultsDocument[], name = id): ClassLearner {
  return { id, name, file: `${id}.json`, generatedAt: '2026-11-20T10:00:00.000Z', labs, flags: [] };
}
