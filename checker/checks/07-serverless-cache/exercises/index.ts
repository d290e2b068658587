import type { ExerciseCheck } from '../../../runner/harness.js';
import type { FunctionHarness } from '../function-harness.js';
import { clientReuseChecks } from './01-client-reuse.js';
import { readThroughChecks } from './02-read-through.js';
import { writeThroughChecks } from './03-write-through.js';
import { herdProtectionChecks } from './04-herd-protection.js';

/** Checks per exercise id, in the order the learner meets them. */
export const lab07ExerciseChecks: Record<string, ExerciseCheck<FunctionHarness>[]> = {
  '01-client-reuse': clientReuseChecks,
  '02-read-through': readThroughChecks,
  '03-write-through': writeThroughChecks,
  '04-herd-protection': herdProtectionChecks,
};
