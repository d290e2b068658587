/**
 * What a run says about itself: which lab --all is on (to a person at a
 * terminal only), what --exercise covered, the README's results example, and
 * where the default outputs land.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Chalk } from 'chalk';
import { checkEach } from '../../cli/check.js';
import type { CheckResult, ResultsDocument } from '../../core/result.js';
import { renderSummary } from '../../render/terminal.js';
import { labs } from '../../../labs/index.js';
import { ROOT } from './helpers.js';

const c = new Chalk({ level: 0 });

function doc(lab: number, checks: CheckResult[], status: ResultsDocument['status'] = 'pass'): ResultsDocument {
  return {
    schema: 'data-tier-labs/results@1',
    lab,
    slug: 'x',
    target: 'local',
    status,
    summary: {
      pass: checks.filter((x) => x.status === 'pass').length,
      fail: checks.filter((x) => x.status === 'fail').length,
      error: 0,
      skipped: checks.filter((x) => x.status === 'skipped').length,
    },
    startedAt: new Date(0).toISOString(),
    durationMs: 1200,
    checks,
  };
}

const check = (group: string, status: CheckResult['status'] = 'pass'): CheckResult => ({
  id: `${group}.${Math.random()}`,
  name: 'n',
  status,
  message: 'm',
  group,
  durationMs: 1,
});

describe('check --all progress', () => {
  const ready = labs.filter((l) => l.status === 'ready').slice(0, 3);
  const run = async (isTTY: boolean, json: boolean) => {
    let err = '';
    let out = '';
    await checkEach(ready, async (lab) => doc(lab.id, []), {
      json,
      stderr: { isTTY, write: (t: string | Uint8Array) => ((err += String(t)), true) },
      stdout: { write: (t: string | Uint8Array) => ((out += String(t)), true) },
    });
    return { err, out };
  };

  it('tells a person at a terminal which lab is running, also with --json', async () => {
    const { err, out } = await run(true, true);
    expect(err.trim().split('\n')).toEqual(ready.map((l, i) => `Lab ${l.id} (${i + 1} of ${ready.length}): ${l.title}`));
    expect(out).toBe('');
  });

  it('adds nothing to stderr when it is not a terminal', async () => {
    expect((await run(false, true)).err).toBe('');
  });
});

describe('the verdict of a run', () => {
  it('says what --exercise covered instead of "All checks passed"', () => {
    const one = doc(5, [check('02-cache-aside'), check('02-cache-aside'), check('aws', 'skipped')]);
    const text = renderSummary(c, one, { exercise: '02-cache-aside' });
    expect(text).toContain('✔ All 2 checks of exercise 02 passed (the other exercises were not run).');
    expect(text).not.toContain('All checks passed');
    expect(renderSummary(c, one)).toContain('✔ All checks passed.');
  });

  it('a failing exercise names itself too', () => {
    const text = renderSummary(c, doc(5, [check('02-cache-aside', 'fail')], 'fail'), { exercise: '02-cache-aside' });
    expect(text).toMatch(/fix the failing checks of exercise 02 above .*the other exercises were not run/);
  });
});

describe('README and default outputs', () => {
  it('the results example of a failing run carries no measurements (the code measures only when every check passes)', () => {
    const readme = readFileSync(`${ROOT}/README.md`, 'utf8');
    const block = /### The results document[\s\S]*?```json\n([\s\S]*?)```/.exec(readme)?.[1];
    const example = JSON.parse(block ?? 'null') as ResultsDocument;
    expect(example.schema).toBe('data-tier-labs/results@1');
    expect(example.status).toBe('fail');
    expect(example).not.toHaveProperty('measurements');
  });

  it("git ignores a learner results file, the results folder and the class report in the repository root, not the kit's own files", () => {
    const ignored = spawnSync('git', ['check-ignore', 'ada.json', 'results/bob.json', 'class-report.html'], { cwd: ROOT, encoding: 'utf8' });
    expect(ignored.stdout.trim().split('\n')).toEqual(['ada.json', 'results/bob.json', 'class-report.html']);
    const tracked = spawnSync('git', ['ls-files', '--cached', '--ignored', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' });
    expect(tracked.stdout).toBe('');
  });
});
