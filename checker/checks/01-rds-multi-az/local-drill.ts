/**
 * The local failover drill (Lab 1): the learner's own probe watches the
 * endpoint while the primary is killed, the replica promoted and the endpoint
 * repointed - the same sequence RDS runs for a Multi-AZ failover.
 */
import type { CheckResult } from '../../core/result.js';
import type { ReplicatedMysql } from '../../engines/replicated-mysql.js';
import type { AfterRun, DrillContext } from '../plugin.js';

const DRILL_EXERCISE = '02-failover-probe';
const FAIL_AFTER_MS = 2_000;

interface ProbeReport {
  attempts: number;
  failures: number;
  secondsWithoutService: number;
  servers: number[];
}

export interface DrillData {
  failover?: { killedAt: number; promotedAt: number; repointedAt: number };
  probe?: ProbeReport;
  failoverMs?: number;
  error?: string;
}

/** The drill as `--failover-drill` runs it on the local target: the local engines are a replicating pair. */
export async function localFailoverDrill({ endpoints, run, local }: DrillContext): Promise<AfterRun> {
  const pair = local?.control as Pick<ReplicatedMysql, 'failover'> | undefined;
  if (!pair) throw new Error('the local failover drill needs the replicating pair the local target starts');
  const { check, data } = await judgeLocalDrill(pair, endpoints.replication?.replica.serverId, run);
  return { checks: [check], measurements: { failoverDrill: data } };
}

async function judgeLocalDrill(
  pair: Pick<ReplicatedMysql, 'failover'>,
  replicaServerId: number | undefined,
  run: DrillContext['run'],
): Promise<{ check: CheckResult; data: DrillData }> {
  let failing: Promise<DrillData['failover']> | undefined;
  const measured = (await run(DRILL_EXERCISE, 'failover-drill', {
    onEvent: (name) => {
      if (name === 'probe-started') failing = new Promise((resolve) => setTimeout(() => resolve(pair.failover()), FAIL_AFTER_MS));
    },
  })) as { probe?: ProbeReport; error?: string } | undefined;
  const failover = await failing;
  const data: DrillData = {
    failover,
    probe: measured?.probe,
    error: measured?.error,
    failoverMs: failover ? failover.repointedAt - failover.killedAt : undefined,
  };
  const base = { id: '01.drill.failover', name: 'failover drill: what your probe saw', group: 'drill', durationMs: 0 };
  const probe = data.probe;
  if (!failover) return { data, check: { ...base, status: 'error', message: 'the drill did not start: the probe never began (see the exercise 02 checks)' } };
  if (!probe || typeof probe.secondsWithoutService !== 'number') {
    return {
      data,
      check: {
        ...base,
        status: 'fail',
        message: `your runProbe did not report during the drill${data.error ? `: ${data.error}` : ''}`,
        hint: 'Complete exercise 02 first: npm run check -- 1 --exercise 02',
      },
    };
  }
  const landed = probe.servers.at(-1);
  const message =
    `primary killed, replica promoted and endpoint repointed in ${data.failoverMs} ms; your probe saw ${probe.secondsWithoutService.toFixed(2)} s without service ` +
    `(${probe.failures} of ${probe.attempts} attempts failed) and reconnected to server ${landed ?? '?'} (servers seen: ${probe.servers.join(' -> ')})`;
  const ok = landed === replicaServerId;
  return { data, check: { ...base, status: ok ? 'pass' : 'fail', message: ok ? message : `${message}: it never reached the promoted server` } };
}
