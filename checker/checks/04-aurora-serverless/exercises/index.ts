import type { ExerciseCheck } from '../../../runner/harness.js';
import type { ServerlessHarness } from '../session.js';
import { loadStepChecks } from './01-load-step.js';
import { rampChecks } from './02-ramp.js';
import { resumeLatencyChecks } from './03-resume-latency.js';

export const lab04ExerciseChecks: Record<string, ExerciseCheck<ServerlessHarness>[]> = {
  '01-load-step': loadStepChecks,
  '02-ramp': rampChecks,
  '03-resume-latency': resumeLatencyChecks,
};
