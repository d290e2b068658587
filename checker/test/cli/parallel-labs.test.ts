/**
 * Several kit commands at once on one machine (watch + check, npm test + a
 * lab, a class running four labs): every engine start has its own temporary
 * folder and its own ports, so four different labs checked at once with one
 * shared TMPDIR must all start, every time.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ResultsDocument } from '../../core/result.js';
import { ROOT } from './helpers.js';

/** One lab per local shape: primary and replica, three-node cluster, one database, Redis and MariaDB. */
const LABS = ['1', '3', '6', '5'];
const ROUNDS = 2;

function checkExerciseOne(lab: string, shared: string): Promise<{ lab: string; code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'checker/cli/check.ts', lab, '--target', 'local', '--exercise', '01', '--json'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      // An empty cache of prepared MariaDB folders: every run installs, all at once, as a first run on a new machine does.
      env: {
        ...process.env,
        CI: 'true',
        TMPDIR: shared,
        DTL_PROGRESS_FILE: join(shared, `progress-${lab}.json`),
        DTL_CACHE_DIR: mkdtempSync(join(shared, 'cache-')),
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ lab, code, stdout, stderr }));
  });
}

describe('four labs checked at once', () => {
  it(`all start and are judged, ${ROUNDS} rounds in a row, with one shared TMPDIR`, async () => {
    const shared = mkdtempSync(join(tmpdir(), 'dtl-parallel-'));
    const problems: string[] = [];
    for (let round = 1; round <= ROUNDS; round += 1) {
      const runs = await Promise.all(LABS.map((lab) => checkExerciseOne(lab, shared)));
      for (const run of runs) {
        // The starting files fail (1); an engine that did not start is an environment error (2).
        if (run.code !== 1) {
          problems.push(`round ${round}, lab ${run.lab}: exit ${run.code}: ${run.stderr.trim().split('\n').slice(-3).join(' | ')}`);
          continue;
        }
        const doc = JSON.parse(run.stdout) as ResultsDocument;
        const errors = doc.checks.filter((c) => c.status === 'error');
        if (errors.length > 0) problems.push(`round ${round}, lab ${run.lab}: ${errors[0].message}`);
      }
    }
    expect(problems).toEqual([]);
  }, 300_000);
});
