/**
 * Lab 4, exercise 1: one load step that counts honestly.
 *
 * Meant to fail until you complete it. Run `workers` workers at the same
 * time for `durationMs` milliseconds: start every worker at once (none waits
 * for another's query), however many are asked for (no cap: the lesson's
 * ramp reaches 70). Each worker loops until the deadline, sending one query
 * at a time, with fresh parameters for every query:
 * await ctx.db.query(ctx.workload.sql, ctx.workload.params()).
 * ctx.db.query always returns a promise; a failed query is a rejection.
 * Count every query sent as an operation (the one in flight at the deadline
 * too), and every query that fails as an error too: do not retry it, do not
 * let it stop the worker. Wait for all workers, then return
 * { workers, operations, errors, elapsedMs } for this call alone (counts
 * start at 0 in every call), elapsedMs running from the start until the last
 * worker has finished.
 *
 * Run: npm run check -- 4 --target local --exercise 01
 */
import type { ServerlessContext, StepResult } from '../../../checker/exercise-api.js';

export async function runStep(ctx: ServerlessContext, workers: number, durationMs: number): Promise<StepResult> {
  throw new Error('TODO: start `workers` workers that query ctx.db until the deadline, counting operations and errors');
}
