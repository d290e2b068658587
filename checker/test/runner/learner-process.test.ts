/**
 * The process that runs the learner's file holds none of the checker: it runs
 * the compiled host (the few kit modules that answer calls) and the compiled
 * learner file, never a lab's checks, the list of labs or a solution. And a
 * lab's plug-in module is still found by its folder, for the checker's side.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileKitScript, compileLearnerFile } from '../../runner/compile.js';
import { labModulePath } from '../../runner/lab-module.js';
import { repoPath } from '../gate/support.js';

const REGISTER = repoPath('checker/test/fixtures/load-log/register.mjs');

/** Kit sources esbuild inlined into a compiled file (it marks each with a "// path" line). */
const inlined = (compiled: string) => [...readFileSync(compiled, 'utf8').matchAll(/^\/\/ (\S+\.(?:ts|mjs|js))$/gm)].map((m) => m[1]);

/** Runs the compiled host with a load log, has it load the compiled `file`, and resolves to every module it loaded. */
async function loadsOf(file: string): Promise<{ loaded: string[]; reply: string; host: string; learner: string }> {
  const [host, learner] = await Promise.all([compileKitScript(repoPath('checker/runner/learner-host.ts'), 'learner-host'), compileLearnerFile(file)]);
  const log = join(mkdtempSync(join(tmpdir(), 'dtl-loads-')), 'loads.txt');
  const child = fork(host, [], {
    execArgv: ['--import', REGISTER],
    env: { ...process.env, NODE_OPTIONS: '', DTL_LOAD_LOG: log },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    serialization: 'advanced',
  });
  return new Promise((resolve) => {
    let reply = '';
    child.on('message', (m: { type: string }) => {
      if (m.type === 'ready') return;
      reply = m.type;
      child.kill('SIGKILL');
    });
    child.on('exit', () => resolve({ loaded: readFileSync(log, 'utf8').split('\n').filter(Boolean), reply, host, learner }));
    child.send({ type: 'load', file: learner, source: file });
  });
}

describe("the learner's process", () => {
  it("finds each lab's plug-in module by its folder", () => {
    expect(labModulePath(5)).toBe(repoPath('checker/checks/05-elasticache-redis/index.ts'));
    expect(labModulePath(3)).toBe(repoPath('checker/checks/03-aurora-cluster/index.ts'));
    expect(labModulePath(99)).toBeUndefined();
  });

  it('loads the learner file and no check, no lab list, no other solution', async () => {
    const file = repoPath('solutions/05-elasticache-redis/exercises/02-cache-aside.ts');
    const { loaded, reply, host, learner } = await loadsOf(file);
    expect(reply).toBe('loaded');
    expect(loaded).toContain(`file://${learner}`);
    // Everything else it loads is a package or Node's own: no .ts file of the kit is imported at run time.
    expect(loaded.filter((url) => url.startsWith('file://') && !url.includes('/node_modules/'))).toEqual([]);
    const kit = [...inlined(host), ...inlined(learner)];
    expect(kit).toContain('checker/runner/learner-host.ts');
    expect(kit.filter((path) => /^checker\/(checks|report|render|cli|progress)\//.test(path))).toEqual([]);
    expect(kit.filter((path) => path === 'labs/index.ts' || (path.startsWith('solutions/') && !path.endsWith('/02-cache-aside.ts')))).toEqual([]);
  }, 60_000);
});

describe('a learner process killed by a stop signal', () => {
  it('answers a drain sent just after (EPIPE) with "gone", not an unhandled error that ends the checker', async () => {
    const { LearnerProcess } = await import('../../runner/learner-process.js');
    const errors: unknown[] = [];
    const onError = (err: unknown) => errors.push(err);
    process.on('uncaughtException', onError);
    try {
      for (let round = 0; round < 5; round += 1) {
        const host = await LearnerProcess.start();
        expect(await host.ready()).toBe(true);
        host.stopNow();
        // Block this thread while the process dies, so the checker has not yet seen the pipe close: the send meets EPIPE.
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
        expect(await host.drain(500)).toBeUndefined();
        await host.stop();
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(errors).toEqual([]);
    } finally {
      process.off('uncaughtException', onError);
    }
  });
});
