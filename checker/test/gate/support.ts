/**
 * Shared by the gate and runner tests: a small pool of real local engines (so
 * several exercise runs can go at once without resetting each other's data),
 * and a way to see whether an exercise child process was left running.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { expect, it } from 'vitest';
import { labDir, labKey, type LabMeta } from '../../core/lab.js';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startLocalEngines, type LocalEngines } from '../../engines/local.js';
import type { Endpoints } from '../../engines/endpoints.js';
import type { CheckResult } from '../../core/result.js';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const repoPath = (relative: string): string => fileURLToPath(new URL(`../../../${relative}`, import.meta.url));

/**
 * Every check resets the lab's keys and rows, so two runs must never share
 * engines at the same time. A pool hands each run a set of its own, so the
 * tests of one file can run concurrently: most of a gate's time is spent
 * waiting on outages and timers, not on the CPU.
 */
export class ResourcePool<T> {
  private readonly items: Array<{ value: T; stop(): Promise<void> }> = [];
  private readonly idle: T[] = [];
  private readonly waiting: Array<(value: T) => void> = [];

  static async start<T>(size: number, start: () => Promise<{ value: T; stop(): Promise<void> }>): Promise<ResourcePool<T>> {
    const pool = new ResourcePool<T>();
    const started = await Promise.allSettled(Array.from({ length: size }, start));
    for (const s of started) if (s.status === 'fulfilled') pool.items.push(s.value);
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) {
      await pool.stop();
      throw failed.reason;
    }
    pool.idle.push(...pool.items.map((item) => item.value));
    return pool;
  }

  /** Runs `task` with a resource nobody else is using meanwhile. */
  async with<R>(task: (value: T) => Promise<R>): Promise<R> {
    const value = this.idle.pop() ?? (await new Promise<T>((resolve) => this.waiting.push(resolve)));
    try {
      return await task(value);
    } finally {
      const next = this.waiting.shift();
      if (next) next(value);
      else this.idle.push(value);
    }
  }

  async stop(): Promise<void> {
    await Promise.allSettled(this.items.map((item) => item.stop()));
  }
}

/** A pool of local Redis + MariaDB pairs, handing out their endpoints. */
export const EnginePool = {
  start: (size: number): Promise<ResourcePool<Endpoints>> =>
    ResourcePool.start<Endpoints>(size, async () => {
      const engines: LocalEngines = await startLocalEngines();
      return { value: engines.endpoints, stop: () => engines.stop() };
    }),
};
export type EnginePool = ResourcePool<Endpoints>;

/** How many engine pairs a test file should start: enough to overlap runs, not to thrash 2 cores. */
export const POOL_SIZE = 2;

/** Pids of the processes running learner code (exercise files, local Lambda environments) this test process started and that still run. */
export function runningExerciseChildren(): number[] {
  // Both run as compiled copies (checker/runner/compile.ts).
  const out = spawnSync('pgrep', ['-P', String(process.pid), '-f', 'data-tier-labs/(learner-host|lambda-env)-[0-9a-f]+\\.mjs'], { encoding: 'utf8' });
  return out.stdout
    .split('\n')
    .map((line) => Number(line.trim()))
    .filter((pid) => pid > 0);
}

/** One line per result, for assertion messages that show the whole run. */
export function describeResults(results: CheckResult[]): string {
  return results.map((r) => `  ${r.status.padEnd(5)} ${r.id}: ${r.message}`).join('\n');
}

/** Where a lab's starting exercise and its reference solution live. */
export const startingFile = (lab: Pick<LabMeta, 'id' | 'slug'>, id: string): string => repoPath(`${labDir(lab)}/exercises/${id}.ts`);
export const solutionFile = (lab: Pick<LabMeta, 'id' | 'slug'>, id: string): string => repoPath(`solutions/${labKey(lab)}/exercises/${id}.ts`);

/**
 * The tests every lab's gate starts with: the registry has checks for exactly
 * the exercises the metadata lists (ids unique, each named and hinted), and
 * both files of every exercise export the functions the metadata names.
 */
export function itAgreesWithMetadata(lab: LabMeta, registered: Record<string, Array<{ id: string; name: string; hint: string }>>): void {
  it('registers checks for exactly the exercises the metadata lists, ids unique, each with a name and a hint', () => {
    expect(Object.keys(registered).sort()).toEqual(lab.exercises.map((e) => e.id).sort());
    const checks = Object.values(registered).flat();
    expect(new Set(checks.map((c) => c.id)).size).toBe(checks.length);
    for (const c of checks) expect(c.name && c.hint).toMatch(/\S/);
  });

  for (const exercise of lab.exercises) {
    it(`${exercise.id}: starting file and solution export every function the metadata names`, async () => {
      for (const file of [startingFile(lab, exercise.id), solutionFile(lab, exercise.id)]) {
        expect(existsSync(file), `${file} is missing`).toBe(true);
        const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
        for (const name of exercise.exports) expect(typeof module[name], `${file}: ${name}`).toBe('function');
      }
    });
  }
}

/** The starting file of an exercise: every check ran, in order, and failed with a message matching `message`. */
export function expectEveryCheckFails(results: CheckResult[], ids: string[], message: RegExp = /\S/): void {
  const all = describeResults(results);
  expect(results.map((r) => r.id)).toEqual(ids);
  for (const r of results) {
    expect(r.status, all).toBe('fail');
    expect(r.message, all).toMatch(message);
  }
}

/** The reference solution of an exercise: every check ran, in order, and passed. */
export function expectEveryCheckPasses(results: CheckResult[], ids: string[]): void {
  const all = describeResults(results);
  expect(results.map((r) => r.id)).toEqual(ids);
  for (const r of results) expect(r.status, all).toBe('pass');
}

export interface WrongImplementation {
  check: string;
  message: RegExp;
  /** The defect shows in every check of the exercise (each message says so). */
  failsEverywhere?: boolean;
  /** A check this implementation passes, when it is not its exercise's usual one (see checksToRun). */
  passing?: string;
}

/**
 * Per exercise (`NN.XX`), a check wrong implementations usually pass, and the
 * one to use instead when the usual one is what rejects them.
 */
export type PassingChecks = Record<string, [usual: string, instead: string]>;

/**
 * What a wrong implementation's gate run needs: the check that rejects it and
 * one it passes, so the defect is singled out. Every check still runs in full
 * for the starting files, the solutions and the right variants; running two
 * here is what keeps the gates' time (and CI's) down. A defect that shows
 * everywhere is run against every check.
 */
export function checksToRun(wrong: WrongImplementation, passing: PassingChecks): string[] | undefined {
  if (wrong.failsEverywhere) return undefined;
  const choice = passing[wrong.check.slice(0, 5)];
  if (!choice) throw new Error(`no passing check is named for exercise ${wrong.check.slice(0, 5)}`);
  const [usual, instead] = choice;
  return [wrong.check, wrong.passing ?? (wrong.check === usual ? instead : usual)];
}

/**
 * A wrong implementation is rejected by the check that names its defect,
 * with that check's message; unless the defect shows everywhere, another
 * check passes (so the defect is singled out); nothing errors.
 */
export function expectRejectedPrecisely(results: CheckResult[], wrong: WrongImplementation): void {
  const all = describeResults(results);
  const target = results.find((r) => r.id === wrong.check);
  expect(target?.status, all).toBe('fail');
  expect(target?.message, all).toMatch(wrong.message);
  if (!wrong.failsEverywhere)
    expect(
      results.some((r) => r.status === 'pass'),
      `every check failed, so the defect is not singled out:\n${all}`,
    ).toBe(true);
  expect(
    results.filter((r) => r.status === 'error'),
    all,
  ).toEqual([]);
}
