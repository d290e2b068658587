/**
 * Runs one exercise's checks against a learner's file and turns whatever
 * happens (results, a crash, a hang, a file that does not compile) into
 * results. The checks run here, in the checker's process; the file runs in a
 * confined process of its own (run-in-checker.ts).
 */
import type { CheckResult } from '../core/result.js';
import type { Endpoints } from '../engines/endpoints.js';
import { labModulePath, loadLabChecks } from './lab-module.js';
import { runChecksInChecker } from './run-in-checker.js';

export { REPO_ROOT } from './learner-process.js';
export { LOAD_HINT } from './not-run.js';

export interface RunExerciseOptions {
  labId: number;
  /** The lab's plug-in module (default: the checker/checks folder whose name starts with the lab's number). */
  labModule?: string;
  exerciseId: string;
  /** Absolute path of the file to check (learner's, solution or a test fixture). */
  file: string;
  endpoints: Endpoints;
  callTimeoutMs?: number;
  /** How long one check may take before the runner stops it (and the learner's process, when that is what hangs). */
  checkTimeoutMs?: number;
  only?: string[];
  /** A measurement to run with the learner's code after the checks (see LabSession.measure). */
  measure?: string;
  onResult?: (result: CheckResult) => void;
  /** Events a measurement announces (e.g. "probe-started"). */
  onEvent?: (name: string) => void;
}

export interface ExerciseRun {
  results: CheckResult[];
  measurement?: unknown;
}

export async function runExercise(options: RunExerciseOptions): Promise<ExerciseRun> {
  const labModule = options.labModule ?? labModulePath(options.labId);
  const labChecks = labModule ? await loadLabChecks(labModule) : undefined;
  const checks = (labChecks?.exercises[options.exerciseId] ?? []).filter((c) => !options.only || options.only.includes(c.id));
  const callTimeoutMs = options.callTimeoutMs ?? 3_000;
  const checkTimeoutMs = options.checkTimeoutMs ?? callTimeoutMs + 12_000;
  if (!labChecks) return { results: [] };
  return runChecksInChecker(labChecks, checks, { ...options, callTimeoutMs, checkTimeoutMs });
}
