import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { PROGRESS_FILE, runCli, STACK_TRACE } from './helpers.js';

describe('progress through the CLI', () => {
  it('a check run records each exercise; a failing one is not offered the reference', async () => {
    const failing = await runCli('check', ['5', '--target', 'local', '--exercise', '01']);
    expect(failing.code).toBe(1);
    const state = JSON.parse(readFileSync(PROGRESS_FILE, 'utf8'));
    expect(state.labs['5'].exercises['01-redis-basics'].status).toBe('fail');
    expect(failing.stderr).not.toMatch(/compare it with the reference/);

    const list = await runCli('lab', []);
    expect(list.stdout).toMatch(/0\/5 exercises passed|failing/);

    const status = await runCli('lab', ['status']);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/01-redis-basics|Redis basics/);
    expect(status.stdout).toMatch(/✘ failing/);
  });

  it('--show-solution says what it will do before printing the reference', async () => {
    const run = await runCli('lab', ['5', '--show-solution', '02']);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/--show-solution prints solutions\/05-elasticache-redis\/exercises\/02-cache-aside\.ts/);
    expect(run.stdout).toContain('export async function cacheAside');
  });

  it('reset refuses without a confirmation when it cannot ask, and touches nothing', async () => {
    const run = await runCli('lab', ['reset', '5', '--exercise', '02']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--yes/);
    expect(run.stderr).not.toMatch(STACK_TRACE);
  });

  it('a corrupt progress file is reported, kept aside, and never crashes the command', async () => {
    writeFileSync(PROGRESS_FILE, '{"version": 1, "labs": {');
    const run = await runCli('lab', []);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/progress/i);
    expect(run.stderr).not.toMatch(STACK_TRACE);
    expect(readdirSync(dirname(PROGRESS_FILE)).some((f) => f.includes('corrupt'))).toBe(true);
    expect(existsSync(PROGRESS_FILE) ? readFileSync(PROGRESS_FILE, 'utf8') : '').not.toContain('"labs": {\n');
  });
});
