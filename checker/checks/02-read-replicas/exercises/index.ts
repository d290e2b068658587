import type { ExerciseCheck } from '../../../runner/harness.js';
import type { ReplicationHarness } from '../../replication-session.js';
import { readWriteRouterChecks } from './01-read-write-router.js';
import { lagProbeChecks } from './02-lag-probe.js';
import { readYourWritesChecks } from './03-read-your-writes.js';

export const lab02ExerciseChecks: Record<string, ExerciseCheck<ReplicationHarness>[]> = {
  '01-read-write-router': readWriteRouterChecks,
  '02-lag-probe': lagProbeChecks,
  '03-read-your-writes': readYourWritesChecks,
};
