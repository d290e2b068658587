import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function bench(args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'checker/bench/run.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
}

describe('npm run bench command line', () => {
  it("refuses an unknown flag in the kit's words, with the usage, exit 2 and no benchmark run", () => {
    const run = bench(['--bogus']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^"--bogus" is not an option of `npm run bench`\. Usage: npm run bench/);
    expect(run.stderr).not.toMatch(/Unknown option|place it at the end|\n\s+at /);
    expect(run.stdout).toBe('');
  });

  it('refuses a flag without its value', () => {
    const run = bench(['--only']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/--only needs a value after it/);
  });
});
