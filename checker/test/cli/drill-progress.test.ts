/**
 * The first passing failover drill: the run is recorded and summarised like
 * any other, and the drill (which has no reference solution) is never looked
 * up as an exercise.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { join } from 'node:path';
import { lab01 } from '../../../labs/01-rds-multi-az/lab.js';
import { lab03 } from '../../../labs/03-aurora-cluster/lab.js';
import { reportProgress } from '../../cli/report-progress.js';
import { loadProgress } from '../../progress/state.js';
import { runDoc, tempDir } from '../progress/helpers.js';

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('progress after a first passing failover drill', () => {
  for (const [lab, slug] of [
    [lab01, 'rds-multi-az'],
    [lab03, 'aurora-cluster'],
  ] as const) {
    it(`lab ${lab.id}: offers the passed exercises' references and records them, without "no exercise drill"`, () => {
      const file = join(tempDir(), 'progress.json');
      vi.stubEnv('DTL_PROGRESS_FILE', file);
      const said: string[] = [];
      vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
        said.push(String(chunk));
        return true;
      });
      const groups = lab.exercises.map((e) => [e.id, 'pass'] as [string, 'pass']);
      const doc = runDoc([...groups, ['drill', 'pass']], { lab: lab.id, slug });

      expect(() => reportProgress(lab, doc)).not.toThrow();

      const state = loadProgress(file).state;
      for (const exercise of lab.exercises) expect(state.labs[String(lab.id)].exercises[exercise.id]?.status).toBe('pass');
      const text = said.join('');
      expect(text).toContain(`compare it with the reference in solutions/${String(lab.id).padStart(2, '0')}-${slug}/exercises/${lab.exercises[0].id}.ts`);
      expect(text).not.toMatch(/no exercise/i);
    });
  }
});
