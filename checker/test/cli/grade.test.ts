/**
 * Grading mode: learners' submitted exercise files are judged in fresh
 * copies of the kit, and the class report is built from those verdicts.
 * Real engines (Lab 5: Redis and MariaDB), real commands.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSubmission, SUBMISSION_SCHEMA } from '../../report/submission.js';
import { exercisePaths, packSubmission } from '../../cli/submit.js';
import { ROOT, STACK_TRACE } from '../report/helpers.js';

const TSX = import.meta.resolve('tsx');
const run = (script: string, args: string[], cwd = ROOT) =>
  spawnSync(process.execPath, ['--import', TSX, join(ROOT, 'checker/cli', script), ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, CI: 'true', NO_COLOR: '1' },
    timeout: 600_000,
  });

describe('npm run submit', () => {
  it('packs every exercise file of every ready lab with the kit version, and nothing else', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dtl-submit-'));
    const out = join(dir, 'ada.json');
    const done = run('submit.ts', ['--learner', 'ada', '--out', out]);
    expect(done.status).toBe(0);
    expect(done.stdout.trim()).toBe(out);
    const submission = JSON.parse(readFileSync(out, 'utf8'));
    expect(submission.schema).toBe(SUBMISSION_SCHEMA);
    expect(submission.learner).toEqual({ id: 'ada' });
    expect(Object.keys(submission.files).sort()).toEqual(exercisePaths().sort());
    expect(submission.files['labs/05-elasticache-redis/exercises/01-redis-basics.ts']).toBe(
      readFileSync(join(ROOT, 'labs/05-elasticache-redis/exercises/01-redis-basics.ts'), 'utf8'),
    );
  });

  it('refuses a learner id that could not name a file, exit 2, one paragraph', () => {
    const done = run('submit.ts', ['--learner', '../../etc/passwd', '--out', join(tmpdir(), 'x.json')]);
    expect(done.status).toBe(2);
    expect(done.stderr).toMatch(/can hold only letters, digits/);
    expect(done.stderr).not.toMatch(STACK_TRACE);
  });
});

describe('parseSubmission', () => {
  const allowed = new Set(exercisePaths());
  const base = () => packSubmission({ id: 'ada' }).submission;

  it("keeps only this kit's exercise files: no checker files, no paths that climb out, nothing huge", () => {
    const forged = base();
    forged.files['checker/cli/check.ts'] = 'process.exit(0)';
    forged.files['labs/05-elasticache-redis/exercises/../../../checker/core/result.ts'] = 'x';
    forged.files['labs/05-elasticache-redis/exercises/01-redis-basics.ts'] = 'x'.repeat(300 * 1024);
    const parsed = parseSubmission(JSON.stringify(forged), allowed);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.ignored.sort()).toEqual([
      'checker/cli/check.ts',
      'labs/05-elasticache-redis/exercises/../../../checker/core/result.ts',
      'labs/05-elasticache-redis/exercises/01-redis-basics.ts',
    ]);
    expect(Object.keys(parsed.submission.files)).not.toContain('checker/cli/check.ts');
  });

  it('says what is wrong with a file that is not a submission', () => {
    expect(parseSubmission('{', allowed)).toEqual({ ok: false, problem: expect.stringContaining('is not JSON') });
    expect(parseSubmission(JSON.stringify({ schema: 'data-tier-labs/learner-results@1' }), allowed)).toEqual({
      ok: false,
      problem: expect.stringContaining('npm run report'),
    });
    expect(parseSubmission(JSON.stringify({ ...base(), learner: { id: 'a/b' } }), allowed)).toEqual({
      ok: false,
      problem: expect.stringContaining('learner id'),
    });
    expect(parseSubmission(JSON.stringify({ ...base(), files: { 'README.md': 'x' } }), allowed)).toEqual({
      ok: false,
      problem: expect.stringContaining('none of this kit'),
    });
  });
});

describe('npm run grade', () => {
  it('judges each submission in its own copy of the kit and writes the report from those verdicts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dtl-grade-test-'));
    const starting = packSubmission({ id: 'ada', name: 'Ada' }).submission;
    const solved = packSubmission({ id: 'grace', name: 'Grace' }).submission;
    for (const path of Object.keys(solved.files)) solved.files[path] = readFileSync(join(ROOT, path.replace(/^labs\//, 'solutions/')), 'utf8');
    // A shortcut: replace the checker's command in the copy. It is not an exercise file, so it is never written.
    solved.files['checker/cli/check.ts'] = 'process.stdout.write("{}")';
    writeFileSync(join(dir, 'ada.json'), JSON.stringify(starting));
    writeFileSync(join(dir, 'grace.json'), JSON.stringify(solved));
    writeFileSync(join(dir, 'results-not-a-submission.json'), readFileSync(join(ROOT, 'checker/test/fixtures/class/ada.json')));
    const out = join(dir, 'report.html');
    const graded = join(dir, 'graded');
    const done = run('grade.ts', [dir, '--lab', '5', '--out', out, '--results', graded]);
    expect(done.stderr).not.toMatch(STACK_TRACE);
    expect(done.status, done.stderr).toBe(0);
    expect(done.stdout.trim()).toBe(out);
    expect(done.stderr).toMatch(/Left out .*results-not-a-submission\.json: it is not a submission/);
    expect(done.stderr).toMatch(/Lab 5: fail \(0 of \d+ checks passed\)/);
    expect(done.stderr).toMatch(/Lab 5: pass \((\d+) of \1 checks passed\)/);

    const ada = JSON.parse(readFileSync(join(graded, 'ada.json'), 'utf8'));
    const grace = JSON.parse(readFileSync(join(graded, 'grace.json'), 'utf8'));
    expect(ada.labs[0].checks.length).toBeGreaterThan(10);
    expect(ada.labs[0].checks.filter((c: { group: string }) => c.group !== 'aws').every((c: { status: string }) => c.status === 'fail')).toBe(true);
    expect(grace.labs[0].status).toBe('pass');
    expect(grace.labs[0].checks.length).toBe(ada.labs[0].checks.length);

    const page = readFileSync(out, 'utf8');
    expect(page).toContain('Graded: every verdict was computed by this kit');
    expect(page).toContain('data-learner="ada"');
    expect(page).toContain('data-learner="grace"');
    expect(page).toContain('checker/cli/check.ts');
    // No copy is left behind.
    expect(readdirSync(tmpdir()).filter((n) => n.startsWith('dtl-grade-ada-') || n.startsWith('dtl-grade-grace-'))).toEqual([]);
    expect(existsSync(out)).toBe(true);
  }, 600_000);
});
