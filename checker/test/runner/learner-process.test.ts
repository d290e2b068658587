/**
 * The process that runs the learner's file holds none of the checker: it
 * loads the file and the few kit modules that answer calls, never a lab's
 * checks, the list of labs or a solution. And a lab's plug-in module is still
 * found by its folder, for the checker's side.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { labModulePath } from '../../runner/lab-module.js';
import { repoPath } from '../gate/support.js';

const HOST = repoPath('checker/runner/learner-host.ts');
const REGISTER = repoPath('checker/test/fixtures/load-log/register.mjs');

/** Starts the learner's process with a load log, has it load `file`, and resolves to every module it loaded. */
function loadsOf(file: string): Promise<{ loaded: string[]; reply: string }> {
  const log = join(mkdtempSync(join(tmpdir(), 'dtl-loads-')), 'loads.txt');
  const child = fork(HOST, [], {
    execArgv: ['--import', 'tsx', '--import', REGISTER],
    env: { ...process.env, NODE_OPTIONS: '', DTL_LOAD_LOG: log },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    serialization: 'advanced',
  });
  return new Promise((resolve) => {
    let reply = '';
    child.on('message', (m: { type: string }) => {
      reply = m.type;
      child.kill('SIGKILL');
    });
    child.on('exit', () => resolve({ loaded: readFileSync(log, 'utf8').split('\n').filter(Boolean), reply }));
    child.send({ type: 'load', file });
  });
}

describe("the learner's process", () => {
  it("finds each lab's plug-in module by its folder", () => {
    expect(labModulePath(5)).toBe(repoPath('checker/checks/05-elasticache-redis/index.ts'));
    expect(labModulePath(3)).toBe(repoPath('checker/checks/03-aurora-cluster/index.ts'));
    expect(labModulePath(99)).toBeUndefined();
  });

  it('loads the file and no check, no lab list, no other solution', async () => {
    const file = repoPath('solutions/05-elasticache-redis/exercises/02-cache-aside.ts');
    const { loaded, reply } = await loadsOf(file);
    expect(reply).toBe('loaded');
    expect(loaded.some((url) => url.endsWith('/solutions/05-elasticache-redis/exercises/02-cache-aside.ts'))).toBe(true);
    expect(loaded.filter((url) => url.includes('/checker/checks/'))).toEqual([]);
    expect(loaded.filter((url) => url.endsWith('/labs/index.ts'))).toEqual([]);
    expect(loaded.filter((url) => url.includes('/solutions/') && !url.endsWith('/02-cache-aside.ts'))).toEqual([]);
    expect(loaded.filter((url) => /\/checker\/(report|render|cli|progress)\//.test(url))).toEqual([]);
  }, 60_000);
});
