/**
 * Lab 4, exercise 2: ramp the connections in steps.
 *
 * Meant to fail until you complete it. A serverless cluster scales with the
 * load, so grow it in steps: step k (from 1 to plan.steps) runs
 * k x plan.workersPerStep workers for plan.stepMs, one step after another,
 * whatever the numbers (no cap). Your runStep does one step (the checks judge
 * what reaches the database, so code that behaves the same passes too).
 * A step with errors is still a step: run them all. Right after each step,
 * without waiting, read the capacity with ctx.sampleCapacity() and keep it on
 * that step's result as `capacity`; when it resolves to undefined (nothing to
 * read, as on the local target) keep it undefined or leave it out, never a
 * made-up figure. Return this call's steps' results in order (a new list in
 * every call).
 *
 * Run: npm run check -- 4 --target local --exercise 02
 */
import type { RampPlan, ServerlessContext, StepResult } from '../../../checker/exercise-api.js';
import { runStep } from './01-load-step.js';

export async function rampLoad(ctx: ServerlessContext, plan: RampPlan): Promise<StepResult[]> {
  void runStep;
  throw new Error('TODO: run the steps one after another with growing worker counts, sampling the capacity after each');
}
