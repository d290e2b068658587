/**
 * Runs a lab's checks on a target and gathers one results document. Used by
 * `npm run check`, the lab menu and watch mode alike.
 */
import { isAbsolute, join } from 'node:path';
import { existsSync } from 'node:fs';
import { labKey, type LabMeta } from '../core/lab.js';
import { overallStatus, summarise, type CheckResult, type ResultsDocument } from '../core/result.js';
import { UsageError } from '../core/errors.js';
import type { Endpoints } from '../engines/endpoints.js';
import { REPO_ROOT, runExercise } from '../runner/run-exercise.js';
import { findPlugin } from '../../labs/index.js';
import type { AfterRun, RunMeasurement } from '../checks/plugin.js';
import { PROGRESS_EVENT } from '../checks/session.js';

export interface LabRunOptions {
  target: 'local' | 'aws';
  endpoints: Endpoints;
  /** Only this exercise id. */
  exercise?: string;
  /** Check the reference solutions instead of the learner's files. */
  solutions?: boolean;
  /** Read the exercise files from this folder instead (tests, and copies of a lab). */
  exercisesDir?: string;
  /** Measure the cache speed-up when every exercise passes. */
  measure?: boolean;
  onResult?: (result: CheckResult) => void;
  onExerciseStart?: (exerciseId: string) => void;
  /** Checks that ran elsewhere (AWS resources), added to the document. */
  extraChecks?: CheckResult[];
  /** Only the extra checks: no exercises (checking deployed resources alone). */
  skipExercises?: boolean;
  /** Told when the after-checks measurement starts and ends (it can take minutes on AWS). */
  onMeasurement?: (phase: 'start' | 'progress' | 'end', what: string) => void;
  /** Figures measured elsewhere (a failover drill), added to the document. */
  extraMeasurements?: Record<string, unknown>;
}

export function exerciseFile(lab: LabMeta, exerciseId: string, solutions = false, exercisesDir?: string): string {
  if (exercisesDir) return join(exercisesDir, `${exerciseId}.ts`);
  return join(REPO_ROOT, solutions ? 'solutions' : 'labs', labKey(lab), 'exercises', `${exerciseId}.ts`);
}

export async function runLabExercises(lab: LabMeta, options: LabRunOptions): Promise<ResultsDocument> {
  const started = Date.now();
  const startedAt = new Date(started).toISOString();
  const exercises = options.skipExercises ? [] : options.exercise ? lab.exercises.filter((e) => e.id === options.exercise) : lab.exercises;
  const checks: CheckResult[] = [];
  for (const exercise of exercises) {
    const file = exerciseFile(lab, exercise.id, options.solutions, options.exercisesDir);
    if (!existsSync(file)) {
      throw new UsageError(
        `The exercise file ${isAbsolute(file) ? file.replace(REPO_ROOT, '') : file} is missing.`,
        `Restore it with \`git checkout -- ${file.replace(REPO_ROOT, '')}\`.`,
      );
    }
    options.onExerciseStart?.(exercise.id);
    const run = await runExercise({ labId: lab.id, exerciseId: exercise.id, file, endpoints: options.endpoints, onResult: options.onResult });
    checks.push(...run.results);
  }
  const measurements: Record<string, unknown> = { ...options.extraMeasurements };
  const allPass = checks.length > 0 && checks.every((c) => c.status === 'pass');
  const measurement = (await findPlugin(lab.id)?.checks())?.measurement;
  if (options.measure && measurement && allPass && !options.exercise) {
    const file = exerciseFile(lab, measurement.exercise, options.solutions, options.exercisesDir);
    options.onMeasurement?.('start', measurement.waitingFor ?? `measuring ${measurement.name.replace(/-/g, ' ')} with your code`);
    const run = await runExercise({
      labId: lab.id,
      exerciseId: measurement.exercise,
      file,
      endpoints: options.endpoints,
      only: [],
      measure: measurement.name,
      checkTimeoutMs: measurement.timeoutMs?.[options.target],
      onEvent: (name) => {
        if (name.startsWith(PROGRESS_EVENT)) options.onMeasurement?.('progress', name.slice(PROGRESS_EVENT.length));
      },
    });
    options.onMeasurement?.('end', measurement.name);
    if (run.measurement) measurements[camel(measurement.name)] = run.measurement;
  }
  checks.push(...(options.extraChecks ?? []));
  return {
    schema: 'data-tier-labs/results@1',
    lab: lab.id,
    slug: lab.slug,
    target: options.target,
    status: overallStatus(checks),
    summary: summarise(checks),
    startedAt,
    durationMs: Date.now() - started,
    checks,
    ...(Object.keys(measurements).length > 0 ? { measurements } : {}),
  };
}

const camel = (name: string) => name.replace(/-(\w)/g, (_, ch: string) => ch.toUpperCase());

/** The deployed-resource checks, as they appear on the local target: skipped, never passed. */
export function awsChecksSkipped(lab: LabMeta): CheckResult[] {
  if (!lab.stack) return [];
  return [
    {
      id: `${String(lab.id).padStart(2, '0')}.aws.resources`,
      name: 'your deployed AWS resources',
      status: 'skipped',
      message: 'needs AWS: deploy the stack (npm run deploy ' + lab.id + ') and run with --target aws',
      group: 'aws',
      durationMs: 0,
    },
  ];
}

/**
 * The same, one line per deployed-resource check when the lab names them (so a
 * learner sees what the AWS target will judge), else one line for them all.
 */
export async function awsChecksSkippedFor(lab: LabMeta): Promise<CheckResult[]> {
  const named = await findPlugin(lab.id)?.awsCheckNames?.();
  if (!named || !lab.stack) return awsChecksSkipped(lab);
  const why = `needs AWS: deploy the stack (npm run deploy ${lab.id}) and run with --target aws`;
  return named.map(({ id, name }) => ({ id, name, status: 'skipped' as const, message: why, group: 'aws', durationMs: 0 }));
}

/** Runs one of the lab's exercise files for a named measurement (what drills use): resolves to what it measured. */
export function measurementRunner(lab: LabMeta, endpoints: Endpoints, solutions?: boolean): RunMeasurement {
  return async (exerciseId, measure, options = {}) => {
    const run = await runExercise({
      labId: lab.id,
      exerciseId,
      file: exerciseFile(lab, exerciseId, solutions),
      endpoints,
      only: [],
      measure,
      checkTimeoutMs: options.timeoutMs,
      onEvent: options.onEvent,
    });
    return run.measurement;
  };
}

/** Adds what ran after the exercises (a drill, a skipped drill) to the results document, as if it had run with them. */
export function addAfterRun(doc: ResultsDocument, after: AfterRun, onResult?: (result: CheckResult) => void): ResultsDocument {
  for (const check of after.checks) onResult?.(check);
  doc.checks.push(...after.checks);
  if (after.measurements) doc.measurements = { ...doc.measurements, ...after.measurements };
  doc.summary = summarise(doc.checks);
  doc.status = overallStatus(doc.checks);
  return doc;
}
