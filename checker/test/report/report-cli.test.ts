import { copyFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandInputs } from '../../cli/report.js';
import { CLASS_DIR, classFiles, fixture, runReport, STACK_TRACE } from './helpers.js';

const BROKEN = ['future-version.json', 'linus-old.json', 'malformed.json', 'truncated.json', 'wrong-schema.json'];

describe('npm run report', () => {
  it('builds the page from the fixture class, names each file left out on stderr, prints the path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dtl-report-'));
    const out = join(dir, 'nested', 'class.html');
    const run = await runReport([...classFiles(), '--out', out]);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe(out);
    expect(existsSync(out)).toBe(true);
    expect(readFileSync(out, 'utf8')).toContain('data-learner="margaret"');
    for (const name of BROKEN) expect(run.stderr).toContain(`Left out ${fixture(name)}: it `);
    expect(run.stderr).toContain('Class report for 8 learners (5 files left out');
    expect(run.stderr).not.toMatch(STACK_TRACE);
  });

  it('writes class-report.html in the current folder by default, and reads a folder given instead of files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dtl-report-'));
    const run = await runReport([CLASS_DIR], dir);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe(join(dir, 'class-report.html'));
    expect(existsSync(join(dir, 'class-report.html'))).toBe(true);
  });

  it('exits 2 with one clear paragraph, and no stack trace, when no file is usable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dtl-report-'));
    const run = await runReport([...BROKEN.filter((n) => n !== 'linus-old.json').map(fixture), join(dir, 'nobody.json'), '--out', join(dir, 'r.html')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/None of the 5 files given is a results file the report can use/);
    expect(run.stderr).toMatch(/npm run check -- --all --json --learner/);
    expect(run.stderr).toContain(`Left out ${join(dir, 'nobody.json')}: it could not be read: there is no such file.`);
    expect(run.stderr).not.toMatch(STACK_TRACE);
    expect(existsSync(join(dir, 'r.html'))).toBe(false);
  });

  it('exits 2 with the usage when no file is given or a flag is unknown', async () => {
    const none = await runReport([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/Usage: npm run report/);
    const unknown = await runReport(['--colour', 'x.json']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown option '--colour'/);
    expect(unknown.stderr).not.toMatch(STACK_TRACE);
  });
});

describe('expandInputs', () => {
  it('expands a pattern the shell left alone (Windows cmd) and folders, and passes other paths through', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dtl-report-'));
    for (const name of ['ada.json', 'hedy.json']) copyFileSync(fixture(name), join(dir, name));
    expect(expandInputs([join(dir, '*.json')])).toEqual([join(dir, 'ada.json'), join(dir, 'hedy.json')]);
    expect(expandInputs([join(dir, 'h*.json')])).toEqual([join(dir, 'hedy.json')]);
    expect(expandInputs([dir])).toEqual([join(dir, 'ada.json'), join(dir, 'hedy.json')]);
    expect(expandInputs([join(dir, 'z*.json'), 'missing.json'])).toEqual([join(dir, 'z*.json'), 'missing.json']);
  });
});
