/**
 * Lab 4, exercise 1: one load step that counts honestly.
 *
 * Meant to fail until you complete it. Run `workers` workers at the same
 * time for `durationMs`. Each worker loops until the deadline, sending one
 * query at a time: await ctx.db.query(ctx.workload.sql, ctx.workload.params()).
 * Count every query sent as an operation, and every query that fails as an
 * error too: do not retry it, do not let it stop the worker. Wait for all
 * workers, then return { workers, operations, errors, elapsedMs }.
 *
 * Run: npm run check -- 4 --exercise 01
 */
import type { ServerlessContext, StepResult } from '../../../checker/exercise-api.js';

export async function runStep(ctx: ServerlessContext, workers: number, durationMs: number): Promise<StepResult> {
  throw new Error('TODO: start `workers` workers that query ctx.db until the deadline, counting operations and errors');
}
