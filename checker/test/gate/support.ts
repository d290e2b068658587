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
 * Every check resets the lab's keys and rows, so two runs must never share a
 * pair of engines at the same time. The pool hands each run its own pair.
 */
export class EnginePool {
  private readonly engines: LocalEngines[] = [];
  private readonly idle: LocalEngines[] = [];
  private readonly waiting: Array<(engines: LocalEngines) => void> = [];

  static async start(size: number): Promise<EnginePool> {
    const pool = new EnginePool();
    const started = await Promise.allSettled(Array.from({ length: size }, () => startLocalEngines()));
    for (const s of started) if (s.status === 'fulfilled') pool.engines.push(s.value);
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) {
      await pool.stop();
      throw failed.reason;
    }
    pool.idle.push(...pool.engines);
    return pool;
  }

  /** Runs `task` with a pair of engines nobody else is using meanwhile. */
  async with<T>(task: (endpoints: Endpoints) => Promise<T>): Promise<T> {
    const engines = this.idle.pop() ?? (await new Promise<LocalEngines>((resolve) => this.waiting.push(resolve)));
    try {
      return await task(engines.endpoints);
    } finally {
      const next = this.waiting.shift();
      if (next) next(engines);
      else this.idle.push(engines);
    }
  }

  async stop(): Promise<void> {
    await Promise.allSettled(this.engines.map((e) => e.stop()));
  }
}

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
