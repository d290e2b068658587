/**
 * The local failover drill of Lab 3: the learner's DNS-only client (exercise
 * 02) and topology-aware client (exercise 03) probe side by side while the
 * exercise process moves the writer - with a stale cluster endpoint, as a
 * cached DNS answer would give after a real FailoverDBCluster.
 */
import { asDrillComparison, judgeDrill } from '../checks/03-aurora-cluster/drill-report.js';
import type { LabMeta } from '../core/lab.js';
import type { CheckResult } from '../core/result.js';
import type { Endpoints } from '../engines/endpoints.js';
import { runExercise } from '../runner/run-exercise.js';
import { exerciseFile } from './run-lab.js';

const DRILL_EXERCISE = '03-topology-aware';

export async function localClusterDrill(lab: LabMeta, endpoints: Endpoints, solutions?: boolean): Promise<{ check: CheckResult; data: unknown }> {
  const started = Date.now();
  const run = await runExercise({
    labId: lab.id,
    exerciseId: DRILL_EXERCISE,
    file: exerciseFile(lab, DRILL_EXERCISE, solutions),
    endpoints,
    only: [],
    measure: 'failover-drill',
    checkTimeoutMs: 30_000,
  });
  const base = { id: '03.drill.failover', name: 'failover drill: DNS-only and topology-aware clients', group: 'drill', durationMs: Date.now() - started };
  const comparison = asDrillComparison(run.measurement);
  const measured = run.measurement as { error?: string } | undefined;
  if (!comparison) {
    return {
      data: run.measurement,
      check: { ...base, status: 'fail', message: `the drill could not run your clients${measured?.error ? `: ${measured.error}` : ''}`, hint: 'Complete exercises 02 and 03 first: npm run check -- 3' },
    };
  }
  const verdict = judgeDrill(comparison);
  return { data: run.measurement, check: { ...base, ...verdict } };
}
