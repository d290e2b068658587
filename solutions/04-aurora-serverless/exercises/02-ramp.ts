/** Reference solution for Lab 4, exercise 2: growing steps, one after another, each with the capacity sampled after it. */
import type { RampPlan, ServerlessContext, StepResult } from '../../../checker/exercise-api.js';
import { runStep } from './01-load-step.js';

export async function rampLoad(ctx: ServerlessContext, plan: RampPlan): Promise<StepResult[]> {
  const steps: StepResult[] = [];
  for (let k = 1; k <= plan.steps; k += 1) {
    const step = await runStep(ctx, k * plan.workersPerStep, plan.stepMs);
    steps.push({ ...step, capacity: await ctx.sampleCapacity() });
  }
  return steps;
}
