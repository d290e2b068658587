/**
 * The kit gate (like rustlings' maintainer check): for every exercise the lab
 * metadata lists, the learner's starting file must FAIL every one of its
 * checks (none passes by accident, none errors), and the reference solution
 * must PASS every one - both against real redis-server and mariadbd.
 *
 * The cases are generated from labs/05-elasticache-redis/lab.ts, so a new
 * exercise is gated without editing this file.
 */
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labDir } from '../../core/lab.js';
import { checksFor } from '../../../labs/index.js';
import { runExercise } from '../../runner/run-exercise.js';
import { lab05 } from '../../../labs/05-elasticache-redis/lab.js';
import { describeResults, EnginePool, POOL_SIZE, repoPath, runningExerciseChildren } from './support.js';

const lab = lab05;
const registered = (await checksFor(lab.id))?.exercises ?? {};
const startingFile = (exerciseId: string) => repoPath(`${labDir(lab)}/exercises/${exerciseId}.ts`);
const solutionFile = (exerciseId: string) => repoPath(`solutions/${labDir(lab).replace(/^labs\//, '')}/exercises/${exerciseId}.ts`);

describe(`lab ${lab.id} metadata, registry and files agree`, () => {
  it('lists at least one exercise and the registry knows the lab', async () => {
    expect(lab.exercises.length).toBeGreaterThan(0);
    expect(await checksFor(lab.id)).toBeDefined();
  });

  it('registers checks for exactly the exercises the metadata lists', () => {
    expect(Object.keys(registered).sort()).toEqual(lab.exercises.map((e) => e.id).sort());
  });

  it('uses every check id once across the lab', () => {
    const ids = Object.values(registered).flatMap((checks) => checks.map((c) => c.id));
    expect(new Set(ids).size).toBe(ids.length);
  });

  for (const exercise of lab.exercises) {
    describe(exercise.id, () => {
      it('has checks, each with an id, a name and a hint', () => {
        const checks = registered[exercise.id] ?? [];
        expect(checks.length, `no checks registered for ${exercise.id}`).toBeGreaterThan(0);
        for (const check of checks) {
          expect(check.id).toMatch(/\S/);
          expect(check.name).toMatch(/\S/);
          expect(check.hint).toMatch(/\S/);
        }
      });

      it('has a starting file and a solution file exporting every function the metadata names', async () => {
        for (const file of [startingFile(exercise.id), solutionFile(exercise.id)]) {
          expect(existsSync(file), `${file} is missing`).toBe(true);
          const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
          for (const name of exercise.exports) {
            expect(typeof module[name], `${file} does not export a function ${name}`).toBe('function');
          }
        }
      });
    });
  }
});

describe.concurrent(`lab ${lab.id} gate: starting files fail, solutions pass (real engines)`, () => {
  let pool: EnginePool;

  beforeAll(async () => {
    pool = await EnginePool.start(POOL_SIZE);
  });

  afterAll(async () => {
    await pool?.stop();
    expect(runningExerciseChildren()).toEqual([]);
  });

  for (const exercise of lab.exercises) {
    const expectedIds = () => (registered[exercise.id] ?? []).map((c) => c.id);

    it(`${exercise.id}: the starting file fails every check, with a message`, async ({ expect }) => {
      const { results } = await pool.with((endpoints) =>
        runExercise({ labId: lab.id, exerciseId: exercise.id, file: startingFile(exercise.id), endpoints }),
      );
      const all = describeResults(results);
      expect(results.map((r) => r.id), `checks run:\n${all}`).toEqual(expectedIds());
      for (const r of results) {
        expect(r.status, `${r.id} should fail on the starting file:\n${all}`).toBe('fail');
        expect(r.message.trim(), `${r.id} failed without a message`).not.toBe('');
      }
    });

    it(`${exercise.id}: the solution passes every check`, async ({ expect }) => {
      const { results } = await pool.with((endpoints) =>
        runExercise({ labId: lab.id, exerciseId: exercise.id, file: solutionFile(exercise.id), endpoints }),
      );
      const all = describeResults(results);
      expect(results.map((r) => r.id), `checks run:\n${all}`).toEqual(expectedIds());
      for (const r of results) {
        expect(r.status, `${r.id} should pass on the solution:\n${all}`).toBe('pass');
        expect(r.message.trim()).not.toBe('');
      }
    });
  }
});
