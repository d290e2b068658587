/**
 * The local failover drill of Lab 3: the learner's DNS-only client (exercise
 * 02) and topology-aware client (exercise 03) probe side by side while the
 * exercise process moves the writer - with a stale cluster endpoint, as a
 * cached DNS answer would give after a real FailoverDBCluster.
 */
import type { CheckResult } from '../../core/result.js';
import type { AfterRun, DrillContext } from '../plugin.js';
import { asDrillComparison, judgeDrill } from './drill-report.js';

const DRILL_EXERCISE = '03-topology-aware';

export async function localClusterDrill({ run, io }: DrillContext): Promise<AfterRun> {
  const progress = io.progress('Failover drill: your two clients probe while the writer moves');
  const started = Date.now();
  const measurement = await run(DRILL_EXERCISE, 'failover-drill', { timeoutMs: 30_000 });
  const base = { id: '03.drill.failover', name: 'failover drill: DNS-only and topology-aware clients', group: 'drill', durationMs: Date.now() - started };
  const comparison = asDrillComparison(measurement);
  const measured = measurement as { error?: string } | undefined;
  let check: CheckResult;
  if (!comparison) {
    check = {
      ...base,
      status: 'fail',
      message: `the drill could not run your clients${measured?.error ? `: ${measured.error}` : ''}`,
      hint: 'Complete exercises 02 and 03 first: npm run check -- 3',
    };
  } else {
    check = { ...base, ...judgeDrill(comparison) };
  }
  progress.succeed(`Failover drill finished: ${check.status}`);
  return { checks: [check], measurements: { failoverDrill: measurement } };
}
