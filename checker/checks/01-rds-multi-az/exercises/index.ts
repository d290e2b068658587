import type { ExerciseCheck } from '../../../runner/harness.js';
import type { ReplicationHarness } from '../../replication-session.js';
import { connectAndQueryChecks } from './01-connect-and-query.js';
import { failoverProbeChecks } from './02-failover-probe.js';

export const lab01ExerciseChecks: Record<string, ExerciseCheck<ReplicationHarness>[]> = {
  '01-connect-and-query': connectAndQueryChecks,
  '02-failover-probe': failoverProbeChecks,
};
