/**
 * `npm run check -- N --target aws` for Labs 3, 4 and 6 in an environment
 * with no AWS credentials: one explained paragraph on stderr, exit 2, no
 * stack trace, nothing on stdout with --json.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, STACK_TRACE } from '../cli/helpers.js';

const home = mkdtempSync(join(tmpdir(), 'dtl-home-'));
const noCredentials = {
  HOME: home,
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_ACCESS_KEY_ID: '',
  AWS_SECRET_ACCESS_KEY: '',
  AWS_PROFILE: '',
  AWS_REGION: 'us-east-1',
};

describe('Labs 3, 4 and 6 on the aws target without credentials', () => {
  it.each([
    ['3', ['--cluster', 'my-cluster']],
    ['4', []],
    ['6', ['--db-instance', 'my-db']],
  ])(
    'lab %s: exit 2 with how to set up credentials',
    async (lab, extra) => {
      const run = await runCli('check', [lab, '--target', 'aws', '--json', ...extra], noCredentials);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/no AWS credentials were found/);
      expect(run.stderr).toMatch(/aws configure/);
      expect(run.stderr).not.toMatch(STACK_TRACE);
    },
    60_000,
  );

  it('--cluster needs a value: a usage error, exit 2', async () => {
    const run = await runCli('check', ['3', '--target', 'aws', '--cluster'], noCredentials);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--cluster/);
    expect(run.stderr).not.toMatch(STACK_TRACE);
  }, 60_000);
});
