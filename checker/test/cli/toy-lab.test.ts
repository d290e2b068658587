/**
 * Adding a lab touches no generic file: a copy of the repository gets the toy
 * lab's own folders (checker/test/fixtures/toy-lab/) and one line in
 * labs/index.ts, and the real CLI then checks it, opens it, includes it in
 * --all and in the class report.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResultsDocument } from '../../core/result.js';
import { enginePidsUnder, ROOT, STACK_TRACE, type CliRun } from './helpers.js';

const FIXTURE = join(ROOT, 'checker/test/fixtures/toy-lab');
const TOY_LINE = "    import('../checker/checks/09-toy/index.js'),";

let copy: string;
let progressFile: string;

/** The repository as a contributor has it (no tests, no git, node_modules shared), plus the toy lab. */
function copyWithToyLab(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dtl-toy-'));
  // stacks/: the labs' metadata takes its engine pins from stacks/shared/engine-pins.ts.
  const skipped = (src: string) => /^(checker\/test|stacks\/test|stacks\/cdk\.out)(\/|$)/.test(relative(ROOT, src));
  for (const entry of ['package.json', 'tsconfig.json', 'labs', 'checker', 'solutions', 'stacks']) {
    cpSync(join(ROOT, entry), join(dir, entry), { recursive: true, filter: (src) => !skipped(src) });
  }
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  // The lab's own folders: none of them exists in the kit yet.
  for (const folder of ['labs/09-toy', 'checker/checks/09-toy', 'solutions/09-toy']) {
    expect(existsSync(join(dir, folder)), `${folder} already exists`).toBe(false);
    cpSync(join(FIXTURE, folder), join(dir, folder), { recursive: true });
  }
  // The one registry line, after the last lab's.
  const registry = join(dir, 'labs/index.ts');
  const lines = readFileSync(registry, 'utf8').split('\n');
  const last = lines.findLastIndex((line) => /^\s+import\('\.\.\/checker\/checks\/\d\d-[^']+\/index\.js'\),$/.test(line));
  expect(last, 'labs/index.ts lists no plug-in line to add after').toBeGreaterThan(0);
  lines.splice(last + 1, 0, TOY_LINE);
  writeFileSync(registry, lines.join('\n'));
  return dir;
}

function run(script: 'check' | 'lab' | 'report', args: string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', `checker/cli/${script}.ts`, ...args], {
      cwd: copy,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CI: 'true', NO_COLOR: '1', FORCE_COLOR: '0', DTL_PROGRESS_FILE: progressFile },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const statusById = (doc: ResultsDocument) => Object.fromEntries(doc.checks.map((c) => [c.id, c.status]));

beforeAll(() => {
  copy = copyWithToyLab();
  progressFile = join(mkdtempSync(join(tmpdir(), 'dtl-toy-progress-')), 'progress.json');
});

afterAll(() => {
  expect(enginePidsUnder(copy)).toEqual([]);
  rmSync(copy, { recursive: true, force: true });
});

describe('a toy lab: its own folders and one line in labs/index.ts', () => {
  it('the copy differs from the kit by the lab folders and one registry line only', () => {
    const before = readFileSync(join(ROOT, 'labs/index.ts'), 'utf8').split('\n');
    const after = readFileSync(join(copy, 'labs/index.ts'), 'utf8').split('\n');
    expect(after.length).toBe(before.length + 1);
    expect(after.filter((line) => !before.includes(line))).toEqual([TOY_LINE]);
    expect(readdirSync(join(copy, 'checker/checks')).filter((name) => name.startsWith('09-'))).toEqual(['09-toy']);
  });

  it('npm run check -- 9 --target local --json: the starting file fails, each check judged', async () => {
    const result = await run('check', ['9', '--target', 'local', '--json']);
    expect(result.stderr).not.toMatch(STACK_TRACE);
    expect(result.code).toBe(1);
    const doc = JSON.parse(result.stdout) as ResultsDocument;
    expect(doc).toMatchObject({ lab: 9, slug: 'toy', target: 'local', status: 'fail' });
    expect(statusById(doc)).toEqual({ '09.01.stores': 'fail', '09.01.each-once': 'fail' });
    expect(doc.checks[0].message).toMatch(/toy_notes holds \[\]/);
  });

  it('npm run check -- 9 --target local --json --solutions: the reference passes', async () => {
    const result = await run('check', ['9', '--target', 'local', '--json', '--solutions']);
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout) as ResultsDocument;
    expect(doc.status).toBe('pass');
    expect(statusById(doc)).toEqual({ '09.01.stores': 'pass', '09.01.each-once': 'pass' });
  });

  it('npm run lab 9 without a terminal: the lab page, then one local run of its exercise', async () => {
    const result = await run('lab', ['9']);
    expect(result.stderr).not.toMatch(STACK_TRACE);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Lab 9 · Toy lab: remember a note');
    expect(result.stdout).toContain('labs/09-toy/exercises/');
    expect(result.stdout).toContain('✘ FAIL');
    expect(result.stdout).toContain('remember stores the note');
  });

  it('npm run check -- --all --json includes it, and npm run report shows it', async () => {
    const all = await run('check', ['--all', '--json', '--learner', 'toy']);
    expect(all.stderr).not.toMatch(STACK_TRACE);
    expect(all.code).toBe(1);
    const results = JSON.parse(all.stdout) as { learner: { id: string }; labs: ResultsDocument[] };
    expect(results.learner.id).toBe('toy');
    const toy = results.labs.find((d) => d.lab === 9);
    expect(toy, 'lab 9 is missing from --all').toBeDefined();
    expect(statusById(toy!)).toEqual({ '09.01.stores': 'fail', '09.01.each-once': 'fail' });
    const kitLabs = (await import('../../../labs/index.js')).labs.filter((l) => l.status === 'ready').map((l) => l.id);
    expect(results.labs.map((d) => d.lab)).toEqual([...kitLabs, 9]);

    const dir = join(copy, 'results');
    mkdirSync(dir);
    writeFileSync(join(dir, 'toy.json'), all.stdout);
    const out = join(copy, 'class-report.html');
    const report = await run('report', [dir, '--out', out]);
    expect(report.stderr).not.toMatch(STACK_TRACE);
    expect(report.code).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('Toy lab: remember a note');
  }, 600_000);
});
