/** Reference solution for Lab 4, exercise 1: workers started together, each counting what it sent and what failed. */
import type { ServerlessContext, StepResult } from '../../../checker/exercise-api.js';

export async function runStep(ctx: ServerlessContext, workers: number, durationMs: number): Promise<StepResult> {
  const started = Date.now();
  const deadline = started + durationMs;
  let operations = 0;
  let errors = 0;
  const worker = async () => {
    while (Date.now() < deadline) {
      operations += 1;
      try {
        await ctx.db.query(ctx.workload.sql, ctx.workload.params());
      } catch {
        errors += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: workers }, () => worker()));
  return { workers, operations, errors, elapsedMs: Date.now() - started };
}
