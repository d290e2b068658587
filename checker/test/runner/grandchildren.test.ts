/**
 * Learner code that starts a process of its own: the exercise process runs in
 * its own process group, which is killed when the run ends, and its output
 * pipes are closed, so nothing the learner started outlives the run or keeps
 * the checker from exiting.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalEngines, type LocalEngines } from '../../engines/local.js';
import { runExercise } from '../../runner/run-exercise.js';
import { repoPath, runningExerciseChildren } from '../gate/support.js';

const FIXTURE = repoPath('checker/test/fixtures/05-broken/starts-a-process.ts');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z');
  } catch {
    return false;
  }
}

function pidsFile(): string {
  return join(mkdtempSync(join(tmpdir(), 'dtl-grandchild-')), 'pids');
}

const pidsIn = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean).map(Number);

/** Kills what a failing run left behind (pids the fixture reported, so only ours). */
function cleanUp(pids: number[]): void {
  for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
}

let engines: LocalEngines | undefined;
beforeAll(async () => {
  engines = await startLocalEngines();
});
afterAll(async () => {
  await engines?.stop();
});

describe('a process started by learner code', () => {
  for (const mode of ['inherit', 'unref', 'busy', 'detached'] as const) {
    it(`(${mode}) is killed when the run ends, and the run is judged as usual`, async () => {
      const file = pidsFile();
      process.env.DTL_TEST_GRANDCHILD = mode;
      process.env.DTL_TEST_GRANDCHILD_PIDS = file;
      let pids: number[] = [];
      try {
        const run = runExercise({ labId: 5, exerciseId: '01-redis-basics', file: FIXTURE, endpoints: engines!.endpoints });
        const outcome = await Promise.race([run, sleep(60_000).then(() => 'hung' as const)]);
        pids = pidsIn(file);
        expect(outcome, 'runExercise never returned').not.toBe('hung');
        if (outcome !== 'hung') expect(outcome.results.map((r) => r.status)).toEqual(outcome.results.map(() => 'pass'));
        expect(pids.length).toBeGreaterThan(0);
        await sleep(200);
        expect(pids.filter(alive), "the learner's process outlived the run").toEqual([]);
        expect(runningExerciseChildren()).toEqual([]);
      } finally {
        delete process.env.DTL_TEST_GRANDCHILD;
        delete process.env.DTL_TEST_GRANDCHILD_PIDS;
        cleanUp(pids.length > 0 ? pids : pidsIn(file));
      }
    });
  }

  it('that inherited the output pipes does not keep the checker process from exiting', async () => {
    const file = pidsFile();
    const scratch = mkdtempSync(join(tmpdir(), 'dtl-grandchild-run-'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'checker/test/fixtures/run-exercise-then-exit.ts', FIXTURE], {
      cwd: repoPath(''),
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, TMPDIR: scratch, DTL_TEST_GRANDCHILD: 'inherit', DTL_TEST_GRANDCHILD_PIDS: file },
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const code = await Promise.race([exited, sleep(30_000).then(() => 'still running' as const)]);
    if (code === 'still running') child.kill('SIGKILL');
    const pids = pidsIn(file);
    cleanUp(pids);
    expect(code, `the checker process did not exit:\n${output}`).toBe(0);
    expect(output).toMatch(/\["pass"/);
    expect(pids.filter(alive)).toEqual([]);
  });
});
