/**
 * Learner code that starts a process of its own. The process that runs the
 * learner's file is confined (checker/runner/confinement.ts): starting a
 * process is refused, so nothing the learner starts can outlive the run,
 * keep the checker from exiting, or do what the confinement forbids. The
 * refusal is the reason the run gives; the fixture's process never exists.
 * (The run's process group and tag, which kill whatever is left, stay as a
 * second line: see learner-process.ts.)
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalEngines, type LocalEngines } from '../../engines/local.js';
import { runExercise } from '../../runner/run-exercise.js';
import { describeResults, repoPath, runningExerciseChildren } from '../gate/support.js';

const FIXTURE = repoPath('checker/test/fixtures/05-broken/starts-a-process.ts');

let engines: LocalEngines | undefined;
beforeAll(async () => {
  engines = await startLocalEngines();
});
afterAll(async () => {
  await engines?.stop();
});

describe('a process started by learner code', () => {
  for (const mode of ['inherit', 'unref', 'busy', 'detached'] as const) {
    it(`(${mode}) is refused: the file fails to load with that reason, and nothing is left running`, async () => {
      const file = join(mkdtempSync(join(tmpdir(), 'dtl-grandchild-')), 'pids');
      process.env.DTL_TEST_GRANDCHILD = mode;
      process.env.DTL_TEST_GRANDCHILD_PIDS = file;
      try {
        const run = runExercise({ labId: 5, exerciseId: '01-redis-basics', file: FIXTURE, endpoints: engines!.endpoints });
        const outcome = await Promise.race([run, sleep(60_000).then(() => 'hung' as const)]);
        expect(outcome, 'runExercise never returned').not.toBe('hung');
        if (outcome === 'hung') return;
        const all = describeResults(outcome.results);
        for (const r of outcome.results) expect(r.status, all).toBe('fail');
        expect(outcome.results[0].message, all).toMatch(
          /starts-a-process\.ts failed while loading: the module tried to start a process, which exercise code may not do: .* \(at checker\/test\/fixtures\/05-broken\/starts-a-process\.ts:\d+\)$/,
        );
        expect(existsSync(file), 'the fixture got as far as writing its pid').toBe(false);
        expect(runningExerciseChildren()).toEqual([]);
      } finally {
        delete process.env.DTL_TEST_GRANDCHILD;
        delete process.env.DTL_TEST_GRANDCHILD_PIDS;
      }
    });
  }
});
