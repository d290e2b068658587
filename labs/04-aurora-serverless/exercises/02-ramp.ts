/**
 * Lab 4, exercise 2: ramp the connections in steps.
 *
 * Meant to fail until you complete it. A serverless cluster scales with the
 * load, so grow it in steps: step k (from 1 to plan.steps) runs
 * k x plan.workersPerStep workers for plan.stepMs, one step after another
 * (reuse your runStep). Right after each step, read the capacity with
 * ctx.sampleCapacity() and keep it on that step's result as `capacity`.
 * Return the steps' results in order.
 *
 * Run: npm run check -- 4 --exercise 02
 */
import type { RampPlan, ServerlessContext, StepResult } from '../../../checker/exercise-api.js';
import { runStep } from './01-load-step.js';

export async function rampLoad(ctx: ServerlessContext, plan: RampPlan): Promise<StepResult[]> {
  void runStep;
  throw new Error('TODO: run the steps one after another with growing worker counts, sampling the capacity after each');
}
