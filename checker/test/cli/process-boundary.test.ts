/**
 * What only a real process shows: exit codes and what lands on which stream
 * when the output goes away (`| head`) or cannot be written (a full disk), when
 * npm keeps the kit's flags, and where --help goes.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ROOT, STACK_TRACE } from './helpers.js';

function runWithStdout(args: string[], stdout: number | 'closed'): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
      cwd: ROOT,
      stdio: ['ignore', stdout === 'closed' ? 'pipe' : stdout, 'pipe'],
      env: { ...process.env, CI: 'true' },
    });
    // The reader goes away before the command writes a byte: its first write meets EPIPE.
    if (stdout === 'closed') child.stdout!.destroy();
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

describe('output that cannot be written', () => {
  it('a reader that went away (EPIPE): exits quietly, no stack trace', async () => {
    const run = await runWithStdout(['checker/cli/check.ts', '--help'], 'closed');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });

  it.skipIf(!existsSync('/dev/full'))('a full disk (ENOSPC): one line on stderr, exit 2', async () => {
    const full = openSync('/dev/full', 'w');
    try {
      for (const args of [
        ['checker/cli/check.ts', '--help'],
        ['checker/load/cli.ts', '--help'],
        ['checker/cli/doctor.ts', '--help'],
      ]) {
        const run = await runWithStdout(args, full);
        expect(run.code).toBe(2);
        expect(run.stderr).not.toMatch(STACK_TRACE);
        expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(/could not write its output \(no space left on the device\)/)]);
      }
    } finally {
      closeSync(full);
    }
  });
});

describe('--help', () => {
  it.each([
    ['check', 'checker/cli/check.ts', '--help'],
    ['lab', 'checker/cli/lab.ts', '--help'],
    ['deploy', 'checker/cli/deploy.ts', 'deploy', '--help'],
    ['doctor', 'checker/cli/doctor.ts', '--help'],
    ['load', 'checker/load/cli.ts', '--help'],
  ])('npm run %s -- --help: usage on stdout in lines of at most 100 characters, exit 0', (_name, ...args) => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^Usage: npm run/);
    expect(run.stdout.trim().split('\n').length).toBeGreaterThan(2);
    expect(Math.max(...run.stdout.split('\n').map((l) => l.length))).toBeLessThanOrEqual(100);
    expect(run.stderr).toBe('');
  });
});

describe('flags written before `--`', () => {
  it('npm run check 5 --exercise 02 stops with exit 2 and says to put `--` first (it used to run every exercise)', () => {
    const npm = spawnSync('npm', ['run', '--silent', 'check', '5', '--exercise', '02'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, CI: 'true' },
      timeout: 60_000,
    });
    expect(npm.status).toBe(2);
    expect(npm.stderr).toMatch(/npm took --exercise for itself/);
    expect(npm.stderr).toMatch(/Put `--` before the kit's flags/);
    expect(npm.stderr).not.toMatch(/Starting Redis/);
    expect(npm.stdout).toBe('');
  });
});
