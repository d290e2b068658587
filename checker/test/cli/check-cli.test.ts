import { describe, expect, it } from 'vitest';
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ResultsDocument } from '../../core/result.js';
import { runCli, STACK_TRACE } from './helpers.js';

describe('npm run check without a terminal', () => {
  it('judges the starting exercises as failing: exit 1 and one valid JSON document', async () => {
    const run = await runCli('check', ['5', '--target', 'local', '--json']);
    expect(run.code).toBe(1);
    const doc = JSON.parse(run.stdout) as ResultsDocument;
    expect(doc.schema).toBe('data-tier-labs/results@1');
    expect(doc.status).toBe('fail');
    expect(doc.summary.pass).toBe(0);
    expect(doc.summary.fail).toBe(doc.checks.filter((c) => c.group !== 'aws').length);
    for (const check of doc.checks) {
      expect(check).toMatchObject({ id: expect.any(String), name: expect.any(String), message: expect.any(String) });
      expect(['pass', 'fail', 'error', 'skipped']).toContain(check.status);
      expect(typeof check.durationMs).toBe('number');
    }
    const skipped = doc.checks.filter((c) => c.status === 'skipped');
    expect(skipped.map((c) => c.group)).toEqual(['aws']);
    expect(run.stderr).not.toMatch(STACK_TRACE);
  });

  it('passes the reference solutions: exit 0, skipped AWS checks not counted as passes, speed-up measured', async () => {
    const run = await runCli('check', ['5', '--target', 'local', '--json', '--solutions']);
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout) as ResultsDocument;
    expect(doc.status).toBe('pass');
    expect(doc.summary.skipped).toBe(1);
    expect(doc.summary.pass).toBe(doc.checks.length - 1);
    const speedup = doc.measurements?.cacheSpeedup as { comparisons: Array<{ speedup: number; database: { p50: number } }> };
    expect(speedup.comparisons).toHaveLength(2);
    expect(speedup.comparisons[0].speedup).toBeGreaterThan(1);
  });

  it('runs one exercise with --exercise and prints the terminal report without colour codes', async () => {
    const run = await runCli('check', ['5', '--target', 'local', '--exercise', '02', '--no-color'], { FORCE_COLOR: '1' });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('✘ FAIL');
    expect(run.stdout).toContain('the first read goes to the database');
    expect(run.stdout).not.toContain('saveGreeting');
    expect(run.stdout).not.toMatch(/\u001b\[/);
  });

  it('with --exercise, the verdict says which exercise passed and that the others were not run', async () => {
    const run = await runCli('check', ['5', '--target', 'local', '--exercise', '02', '--solutions', '--no-color']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/✔ All \d+ checks of exercise 02 passed \(the other exercises were not run\)\./);
    expect(run.stdout).not.toContain('All checks passed');
  });

  describe('colour', () => {
    const ANSI = /\u001b\[/;
    const failingCheck = ['5', '--target', 'local', '--exercise', '02'];

    it('a failing check prints colour when FORCE_COLOR asks for it', async () => {
      const run = await runCli('check', failingCheck, { FORCE_COLOR: '1' });
      expect(run.code).toBe(1);
      expect(run.stdout).toContain('FAIL');
      expect(run.stdout).toMatch(ANSI);
    });

    it('honours NO_COLOR on a failing check even when colour is forced', async () => {
      const run = await runCli('check', failingCheck, { NO_COLOR: '1', FORCE_COLOR: '1' });
      expect(run.code).toBe(1);
      expect(run.stdout).toContain('✘ FAIL');
      expect(run.stdout + run.stderr).not.toMatch(ANSI);
    });

    it('the lab list is coloured under FORCE_COLOR and plain under NO_COLOR', async () => {
      const forced = await runCli('lab', [], { FORCE_COLOR: '1' });
      const plain = await runCli('lab', [], { NO_COLOR: '1', FORCE_COLOR: '1' });
      expect(forced.code).toBe(0);
      expect(plain.code).toBe(0);
      expect(forced.stdout).toMatch(ANSI);
      expect(plain.stdout).toMatch(/ready/);
      expect(plain.stdout + plain.stderr).not.toMatch(ANSI);
    });
  });

  it.each([
    [['99'], /There is no lab 99/],
    [['3', '--resume-drill'], /--resume-drill belongs to Lab 4/],
    [['5', '--target', 'mars'], /Unknown target "mars"/],
    [[], /Which lab\?/],
    [['5', '--bogus'], /"--bogus" is not an option of `npm run check`/],
    [['5', '6'], /Unexpected "6"/],
    [['5', '--exercise', ''], /--exercise was given an empty value/],
    [['five'], /"five" is not a lab number/],
    [['5', '--exercise', '9', '--target', 'local'], /has no exercise "9"/],
  ])('usage error %j: exit 2, one paragraph, no stack trace', async (args, message) => {
    const run = await runCli('check', args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(STACK_TRACE);
    expect(run.stdout).toBe('');
  });

  it('says how to install the engines when they are missing (exit 2)', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'dtl-nopath-'));
    symlinkSync(process.execPath, join(bin, 'node'));
    // mariadbd may still be found in /usr/sbin; redis-server lives in /usr/bin, which is off this PATH.
    const run = await runCli('check', ['5', '--target', 'local', '--json'], { PATH: bin });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/needs redis-server/);
    expect(run.stderr).toMatch(/apt-get install -y redis-server mariadb-server/);
    expect(run.stderr).toMatch(/brew install/);
    expect(run.stderr).not.toMatch(STACK_TRACE);
  });
});

describe('npm run check -- --all', () => {
  it('writes the learner results file the class report reads', async () => {
    const run = await runCli('check', ['--all', '--target', 'local', '--json', '--learner', 'ada']);
    expect(run.code).toBe(1);
    const results = JSON.parse(run.stdout);
    expect(results.schema).toBe('data-tier-labs/learner-results@1');
    expect(results.learner).toEqual({ id: 'ada' });
    expect(results.labs.map((l: ResultsDocument) => l.lab)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    for (const lab of results.labs) expect(lab.status).toBe('fail');
  });

  it('refuses a lab number together with --all', async () => {
    const run = await runCli('check', ['5', '--all']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/leave out the lab number/);
  });
});

describe('npm run lab without a terminal', () => {
  it('lists the labs with their state', async () => {
    const run = await runCli('lab', []);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/5\s+ready\s+ElastiCache/);
    for (const id of [1, 2, 3, 4, 6]) expect(run.stdout).toMatch(new RegExp(`${id}\\s+ready`));
  });

  it('shows the lab page, says the starting exercises fail on purpose, and runs them once', async () => {
    const run = await runCli('lab', ['5']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Objectives');
    expect(run.stdout).toMatch(/per hour/);
    expect(run.stdout).toMatch(/meant to fail until you complete them/);
    expect(run.stdout).toContain('✘ FAIL');
  });
});

describe('npm run deploy guards', () => {
  const noAws = { HOME: mkdtempSync(join(tmpdir(), 'dtl-home-')), AWS_ACCESS_KEY_ID: '', AWS_PROFILE: '', AWS_SECRET_ACCESS_KEY: '' };

  it('refuses without credentials, with the next step', async () => {
    const run = await runCli('deploy', ['deploy', '5'], noAws);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/No AWS credentials/);
    expect(run.stderr).toMatch(/aws configure/);
  });

  const fakeKeys = { ...noAws, AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'x', AWS_REGION: 'us-east-1', AWS_EC2_METADATA_DISABLED: 'true' };

  it('runs the preflight first and deploys nothing when it fails (AWS unreachable here)', async () => {
    const run = await runCli('deploy', ['deploy', '5'], fakeKeys);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/Preflight/);
    expect(run.stderr).toMatch(/✘ FAIL\s+AWS credentials/);
    expect(run.stderr).toMatch(/nothing was deployed/);
    expect(run.stderr).not.toMatch(/Deploying lab 5/);
  });

  it('never deploys without a confirmation when it cannot ask', async () => {
    const run = await runCli('deploy', ['deploy', '5', '--skip-doctor'], fakeKeys);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/per hour/);
    expect(run.stderr).toMatch(/Add --yes/);
  });

  it('never destroys everything without a confirmation either', async () => {
    const run = await runCli('deploy', ['destroy', '--all'], { ...fakeKeys, AWS_MAX_ATTEMPTS: '1' });
    expect(run.code).toBe(2);
    expect(run.stderr).not.toMatch(STACK_TRACE);
  });

  it('rejects a lab without a stack and a lab that does not exist', async () => {
    expect((await runCli('deploy', ['deploy', '42'], noAws)).stderr).toMatch(/There is no lab 42/);
    expect((await runCli('deploy', ['launch', '5'], noAws)).code).toBe(2);
  });
});

describe('npm run check on the aws target, bad environments', () => {
  const home = mkdtempSync(join(tmpdir(), 'dtl-home-'));
  const base = { HOME: home, AWS_EC2_METADATA_DISABLED: 'true', AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_PROFILE: '', AWS_REGION: 'us-east-1' };

  it('missing credentials: exit 2 and how to configure them', async () => {
    const run = await runCli('check', ['5', '--target', 'aws', '--json'], base);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/credentials/i);
    expect(run.stderr).toMatch(/aws configure|--profile/);
    expect(run.stderr).not.toMatch(STACK_TRACE);
  });

  it.each(['1', '2'])('lab %s on AWS without credentials: exit 2 with the same explanation', async (lab) => {
    const run = await runCli('check', [lab, '--target', 'aws', '--json'], base);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/credentials/i);
    expect(run.stderr).not.toMatch(STACK_TRACE);
  });

  it('an unknown profile: exit 2 naming the profile', async () => {
    const run = await runCli('check', ['5', '--target', 'aws', '--profile', 'no-such-profile'], base);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/no-such-profile/);
    expect(run.stderr).not.toMatch(STACK_TRACE);
  });
});
