/**
 * What a lab's checks need around them in the checker's process: connections
 * to its engines, a harness for each learner file, a way back to the seed
 * state between checks, and the figures it measures once everything passes.
 */
import type { Connection } from 'mysql2/promise';
import type { Endpoints } from '../engines/endpoints.js';
import type { ExerciseCheck, LearnerCalls } from './harness.js';

export interface LabSession<H extends LearnerCalls> {
  harness(module: Record<string, unknown>, file: string, callTimeoutMs: number): H;
  /** Puts the lab's data back to its seed state, so every check starts alike. */
  reset(): Promise<void>;
  /** Runs a named measurement with the learner's code (after the checks). */
  measure?(harness: H, name: string, signal: (event: string) => Promise<void>): Promise<unknown>;
  close(): Promise<void>;
}

export class EnginesUnreachable extends Error {}

/**
 * A measurement reports how far it is with events named PROGRESS_EVENT + a
 * line of text (a bar, a step count); the CLI shows the line on its progress
 * display, so long measurements never look stuck.
 */
export const PROGRESS_EVENT = 'progress:';

/** A progress line as a fixed-width bar, e.g. "[#####...............]  25% step 2 of 7". */
export function progressBar(fraction: number, label: string, width = 20): string {
  const done = Math.min(1, Math.max(0, fraction));
  const filled = Math.round(done * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.floor(done * 100)).padStart(3)}% ${label}`;
}

/** Why a session opens: for the checks, or only for one measurement (which may need the engines untouched until it starts). */
export interface SessionPurpose {
  measure?: string;
}

export interface LabChecks<H extends LearnerCalls = LearnerCalls> {
  exercises: Record<string, ExerciseCheck<H>[]>;
  /** Connects to the target's engines; throws EnginesUnreachable with a sentence when it cannot. */
  open(endpoints: Endpoints, purpose?: SessionPurpose): Promise<LabSession<H>>;
  /** The measurement `npm run check` runs when every exercise passes, and the exercise file it uses. */
  measurement?: {
    exercise: string;
    name: string;
    /** How long the measurement may run on each target (default: the runner's per-check limit). */
    timeoutMs?: { local: number; aws: number };
    /** What a person waits for meanwhile, for the progress line. */
    waitingFor?: string;
  };
  /** Puts the lab's sample data on a fresh local database (for `npm run lab N -- --shell`); labs whose exercises bring their own tables have none. */
  seed?: (sql: Connection) => Promise<void>;
}

/** A lab's checks as the generic runner holds them: it never looks inside a lab's harness. */
export function labChecks<H extends LearnerCalls>(checks: LabChecks<H>): LabChecks {
  return checks as unknown as LabChecks;
}
