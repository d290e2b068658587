import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandInputs } from '../../cli/report.js';
import { CLASS_DIR, classFiles, fixture, ROOT, runReport, STACK_TRACE } from './helpers.js';

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

  it('flags forged and inconsistent files (the shortcuts a learner could take) on stderr and in the page, and keeps them out of the figures', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dtl-report-'));
    const honest = JSON.parse(readFileSync(fixture('ada.json'), 'utf8')) as {
      learner: { id: string; name?: string };
      generatedAt: string;
      labs: Array<Record<string, unknown> & { checks: Array<Record<string, unknown>>; measurements?: unknown }>;
    };
    const forge = (name: string, change: (doc: typeof honest) => void) => {
      const doc = structuredClone(honest);
      change(doc);
      writeFileSync(join(dir, `${name}.json`), JSON.stringify(doc));
    };
    forge('status', (d) => {
      d.learner = { id: 'status' };
      d.labs[0].checks = d.labs[0].checks.map((c) => ({ ...c, status: 'fail' }));
      d.labs[0].status = 'pass';
    });
    forge('unknown', (d) => {
      d.learner = { id: 'unknown' };
      d.labs[0].lab = 42;
    });
    forge('empty', (d) => {
      d.learner = { id: 'empty' };
      d.labs[0].checks = [];
    });
    forge('invented', (d) => {
      d.learner = { id: 'invented' };
      d.labs[0].checks.push({ ...d.labs[0].checks[0] }, { ...d.labs[0].checks[0], id: '05.01.bonus-points' });
    });
    forge('speedup', (d) => {
      d.learner = { id: 'speedup' };
      d.labs[0].measurements = { cacheSpeedup: { comparisons: [{ label: 'forged', speedup: 1e300 }] } };
    });
    forge('future', (d) => {
      d.learner = { id: 'future' };
      d.generatedAt = '2099-01-01T00:00:00.000Z';
    });
    forge('mallory', (d) => {
      d.learner = { id: 'ada', name: 'Mallory' };
      d.generatedAt = '2099-01-01T00:00:00.000Z';
    });
    copyFileSync(fixture('ada.json'), join(dir, 'ada.json'));
    const out = join(dir, 'r.html');
    const run = await runReport([dir, '--out', out]);
    expect(run.code).toBe(0);
    const flagged = (who: string) =>
      run.stderr
        .split('\n')
        .filter((l) => l.startsWith('Needs a look: ') && l.includes(`(${who})`))
        .join('\n');
    expect(flagged('status')).toMatch(/says "pass" but its checks add up to "fail"/);
    expect(flagged('unknown')).toMatch(/Lab 42 is not a lab of this kit/);
    expect(flagged('empty')).toMatch(/has no checks at all/);
    expect(flagged('invented')).toMatch(/more than once .*this kit does not have \(05\.01\.bonus-points\)/s);
    expect(flagged('speedup')).toMatch(/speedup = 1e\+300/);
    expect(flagged('future')).toMatch(/in the future/);
    expect(flagged('ada')).toMatch(/ada\.json \(name "Ada Lovelace"\) also claims learner id "ada"/);
    const page = readFileSync(out, 'utf8');
    expect(page).toContain('id="flagged"');
    expect(page).toContain('Self-reported results');
    expect(page).not.toContain('data-check="05.01.bonus-points"');
    const figures = page.slice(page.indexOf('<section id="figures"'), page.indexOf('<section id="flagged"'));
    expect(figures).toContain('Measured figures');
    expect(figures).not.toContain('forged');
    expect(page.split('id="flagged"')[1]).toContain('05.01.bonus-points');
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
    // In the kit's words, not Node's parser text ("place it at the end of the command after '--'").
    expect(unknown.stderr).toMatch(/"--colour" is not an option of `npm run report`\. Usage: npm run report/);
    expect(unknown.stderr).not.toMatch(/Unknown option|place it at the end/);
    expect(unknown.stderr).not.toMatch(STACK_TRACE);
  });

  it('--help prints the usage on stdout and exits 0', async () => {
    const help = await runReport(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: npm run report/);
    expect(help.stderr).toBe('');
  });
});

describe('npm run report with hostile or unusual paths', () => {
  const ESCAPES = /[\u001b\u0007\u009b]/;

  it('shows learner ids and file names without escape sequences, on the terminal and in the page', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dtl-report-'));
    const ada = JSON.parse(readFileSync(fixture('ada.json'), 'utf8'));
    const evilId = 'ada\u001b]0;pwned\u0007\u001b[2J\u001b[31m';
    const newer = { ...ada, learner: { id: evilId }, generatedAt: '2026-11-21T10:00:00.000Z' };
    const older = { ...ada, learner: { id: evilId }, generatedAt: '2026-11-20T10:00:00.000Z' };
    writeFileSync(join(dir, 'newer.json'), JSON.stringify(newer));
    writeFileSync(join(dir, 'older\u001b[8mhidden.json'), JSON.stringify(older));
    writeFileSync(join(dir, 'broken\u001b]8;;x\u0007.json'), '{');
    const out = join(dir, 'r.html');
    const run = await runReport([dir, '--out', out]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('is an older file from learner "ada"');
    expect(run.stderr).toContain(`Left out ${join(dir, 'olderhidden.json')}`);
    expect(run.stderr).toContain(`Left out ${join(dir, 'broken.json')}`);
    expect(run.stderr).not.toMatch(ESCAPES);
    const page = readFileSync(out, 'utf8');
    expect(page).toContain('data-learner="ada"');
    expect(page).not.toMatch(ESCAPES);
  });

  it('fails at once with exit 2 and one paragraph when --out cannot be created (under /proc)', async () => {
    const started = Date.now();
    const run = await runReport([fixture('ada.json'), '--out', '/proc/x/y.html'], ROOT, 20_000);
    expect(run.code, 'the report hung').toBe(2);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(run.stderr.trim()).toMatch(
      /^Could not write the report to \/proc\/x\/y\.html: the folder \/proc\/x cannot be created \(ENOENT\)\. Choose another place with --out/,
    );
    expect(run.stderr).not.toMatch(STACK_TRACE);
  });

  it('refuses a named pipe (or any file that is not a regular file) given as input, exit 2, instead of waiting forever', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dtl-report-'));
    const fifo = join(dir, 'ada.json');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    for (const args of [[fifo], [dir], ['/dev/zero']]) {
      const run = await runReport([...args, '--out', join(dir, 'r.html')], ROOT, 20_000);
      expect(run.code, `npm run report ${args.join(' ')} hung or did not refuse`).toBe(2);
      expect(run.stderr.trim()).toMatch(
        /^The report reads results files saved on disk, and .* is (a named pipe \(FIFO\)|a device): reading it could wait forever\. Save what the learners sent/,
      );
      expect(run.stderr).not.toMatch(STACK_TRACE);
    }
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
