/**
 * The kit gate (like rustlings' maintainer check): for every exercise the lab
 * metadata lists, the learner's starting file must FAIL every one of its
 * checks (none passes by accident, none errors), and the reference solution
 * must PASS every one - both against real redis-server and mariadbd.
 *
 * The cases are generated from labs/05-elasticache-redis/lab.ts, so a new
 * exercise is gated without editing this file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checksFor } from '../../../labs/index.js';
import { runExercise } from '../../runner/run-exercise.js';
import { lab05 } from '../../../labs/05-elasticache-redis/lab.js';
import {
  describeResults,
  EnginePool,
  itAgreesWithMetadata,
  POOL_SIZE,
  runningExerciseChildren,
  solutionFile as solutionOf,
  startingFile as startingOf,
} from './support.js';

const lab = lab05;
const registered = (await checksFor(lab.id))?.exercises ?? {};
const startingFile = (exerciseId: string) => startingOf(lab, exerciseId);
const solutionFile = (exerciseId: string) => solutionOf(lab, exerciseId);

describe(`lab ${lab.id} metadata, registry and files agree`, () => {
  it('lists at least one exercise and the registry knows the lab', async () => {
    expect(lab.exercises.length).toBeGreaterThan(0);
    expect(await checksFor(lab.id)).toBeDefined();
  });

  itAgreesWithMetadata(lab, registered);

  for (const exercise of lab.exercises) {
    it(`${exercise.id}: has checks`, () => {
      expect(registered[exercise.id]?.length ?? 0, `no checks registered for ${exercise.id}`).toBeGreaterThan(0);
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
      const { results } = await pool.with((endpoints) => runExercise({ labId: lab.id, exerciseId: exercise.id, file: startingFile(exercise.id), endpoints }));
      const all = describeResults(results);
      expect(
        results.map((r) => r.id),
        `checks run:\n${all}`,
      ).toEqual(expectedIds());
      for (const r of results) {
        expect(r.status, `${r.id} should fail on the starting file:\n${all}`).toBe('fail');
        expect(r.message.trim(), `${r.id} failed without a message`).not.toBe('');
      }
    });

    it(`${exercise.id}: the solution passes every check`, async ({ expect }) => {
      const { results } = await pool.with((endpoints) => runExercise({ labId: lab.id, exerciseId: exercise.id, file: solutionFile(exercise.id), endpoints }));
      const all = describeResults(results);
      expect(
        results.map((r) => r.id),
        `checks run:\n${all}`,
      ).toEqual(expectedIds());
      for (const r of results) {
        expect(r.status, `${r.id} should pass on the solution:\n${all}`).toBe('pass');
        expect(r.message.trim()).not.toBe('');
      }
    });
  }
});
