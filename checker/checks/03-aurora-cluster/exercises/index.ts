import type { ExerciseCheck } from '../../../runner/harness.js';
import type { ClusterHarness } from '../session.js';
import { whoAnsweredChecks } from './01-who-answered.js';
import { readWriteSplitChecks } from './02-read-write-split.js';
import { topologyAwareChecks } from './03-topology-aware.js';

export const lab03ExerciseChecks: Record<string, ExerciseCheck<ClusterHarness>[]> = {
  '01-who-answered': whoAnsweredChecks,
  '02-read-write-split': readWriteSplitChecks,
  '03-topology-aware': topologyAwareChecks,
};
