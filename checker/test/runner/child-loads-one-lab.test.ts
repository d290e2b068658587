/**
 * An exercise process loads its own lab's checks and nothing of the other
 * labs: it is told where the lab's plug-in module is (RunRequest.labModule),
 * and never imports the list of all labs.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { labModulePath } from '../../runner/lab-module.js';
import type { ChildMessage, RunRequest } from '../../runner/protocol.js';
import { repoPath } from '../gate/support.js';

const CHILD = repoPath('checker/runner/child.ts');
const REGISTER = repoPath('checker/test/fixtures/load-log/register.mjs');

/** Runs the exercise process for one request against engines that are not there; resolves to what it loaded and said. */
function runChild(request: RunRequest): Promise<{ loaded: string[]; messages: ChildMessage[] }> {
  const log = join(mkdtempSync(join(tmpdir(), 'dtl-loads-')), 'loads.txt');
  const child = fork(CHILD, [], {
    execArgv: ['--import', 'tsx', '--import', REGISTER],
    env: { ...process.env, NODE_OPTIONS: '', DTL_LOAD_LOG: log },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  const messages: ChildMessage[] = [];
  child.on('message', (m: ChildMessage) => messages.push(m));
  child.send(request);
  return new Promise((resolve) => {
    child.on('exit', () => resolve({ loaded: readFileSync(log, 'utf8').split('\n').filter(Boolean), messages }));
  });
}

describe('the exercise process', () => {
  it("finds each lab's plug-in module by its folder", () => {
    expect(labModulePath(5)).toBe(repoPath('checker/checks/05-elasticache-redis/index.ts'));
    expect(labModulePath(3)).toBe(repoPath('checker/checks/03-aurora-cluster/index.ts'));
    expect(labModulePath(99)).toBeUndefined();
  });

  it("loads Lab 5's checks only: no other lab's folder, not the list of labs", async () => {
    const closed = { host: '127.0.0.1', port: 9 };
    const { loaded, messages } = await runChild({
      labId: 5,
      labModule: labModulePath(5)!,
      exerciseId: '02-cache-aside',
      file: repoPath('solutions/05-elasticache-redis/exercises/02-cache-aside.ts'),
      endpoints: { target: 'local', redis: closed, mysql: { ...closed, user: 'u', password: '', database: 'd' } },
      callTimeoutMs: 1_000,
    });
    // It got as far as opening the session (the engines are not there), so the checks were loaded.
    expect(messages.map((m) => m.type)).toContain('environment');
    expect(loaded.some((url) => url.includes('/checker/checks/05-elasticache-redis/exercises/'))).toBe(true);
    const otherLabs = loaded.filter((url) => /\/(checker\/checks|labs|solutions)\/0[1-46]-/.test(url));
    expect(otherLabs).toEqual([]);
    expect(loaded.filter((url) => url.endsWith('/labs/index.ts'))).toEqual([]);
  }, 60_000);
});
