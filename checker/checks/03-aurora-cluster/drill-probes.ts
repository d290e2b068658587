/**
 * The failover drill as the learner's clients live it: the DNS-only client
 * (exercise 02, through the cluster endpoint) and the topology-aware client
 * (exercise 03) each ask "who are you?" every interval while the writer
 * moves. A probe counts as service only when the writer answers: an error,
 * a hang or a read-only server (a stale DNS answer) is time without service.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ClusterContext } from '../../exercise-api.js';
import { outageWindows, type ProbeRecord } from '../outage.js';
import { identityOf, type ClusterHarness } from './session.js';

export interface ClientReport {
  attempts: number;
  failures: number;
  secondsWithoutService: number;
  /** Probes a read-only server answered although the client meant the writer. */
  landedOnReader: number;
  /** Who answered, in order, repeats folded. */
  servers: string[];
  /** Set when the client could not even be created. */
  error?: string;
}

export interface DrillProbeResult {
  dnsOnly: ClientReport;
  topologyAware: ClientReport;
  failover?: { from: string; to: string; promotedAfterMs: number; endpointRepointedAfterMs?: number };
}

type Probe = (sql: string) => Promise<unknown>;

export const LOCAL_DRILL = { durationMs: 7_000, intervalMs: 100, failAfterMs: 1_500, restartMs: 1_000, staleMs: 2_500 };
export const AWS_DRILL = { durationMs: 90_000, intervalMs: 500 };

async function withLimit<T>(ms: number, work: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

async function probeLoop(probe: Probe | undefined, ctx: ClusterContext, durationMs: number, intervalMs: number, createError?: string): Promise<ClientReport> {
  const records: ProbeRecord[] = [];
  const servers: string[] = [];
  let landedOnReader = 0;
  const started = Date.now();
  if (!probe) return { attempts: 0, failures: 0, secondsWithoutService: durationMs / 1000, landedOnReader: 0, servers: [], error: createError };
  while (Date.now() - started < durationMs) {
    const at = Date.now();
    let ok: boolean;
    try {
      const identity = identityOf(await withLimit(Math.max(ctx.timeoutMs * 2, 1_000), () => probe(ctx.identitySql)));
      if (servers.at(-1) !== identity.serverId) servers.push(identity.serverId);
      if (identity.readOnly) landedOnReader += 1;
      ok = !identity.readOnly;
    } catch {
      ok = false;
    }
    records.push({ at, ok });
    await sleep(Math.max(0, intervalMs - (Date.now() - at)));
  }
  const { withoutMs } = outageWindows(records, Date.now(), intervalMs);
  return { attempts: records.length, failures: records.filter((r) => !r.ok).length, secondsWithoutService: withoutMs / 1000, landedOnReader, servers };
}

async function makeClient(create: () => Promise<unknown>, method: string): Promise<{ probe?: Probe; close?: () => Promise<unknown>; error?: string }> {
  try {
    const client = (await create()) as Record<string, unknown> | undefined;
    const fn = client?.[method];
    if (typeof fn !== 'function') return { error: `the client has no ${method}(sql) method` };
    const close = typeof client!.close === 'function' ? () => (client!.close as () => Promise<unknown>)() : undefined;
    return { probe: (sql) => (fn as (s: string) => Promise<unknown>).call(client, sql), close };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

export async function runDrillProbes(
  harness: ClusterHarness,
  dnsOnlyModule: Record<string, unknown>,
  signal: (event: string) => Promise<void>,
): Promise<DrillProbeResult> {
  const local = harness.target === 'local';
  const plan = local ? LOCAL_DRILL : { ...AWS_DRILL, failAfterMs: 0, restartMs: 0, staleMs: 0 };
  const dnsCtx = harness.context();
  const topoCtx = harness.context();
  const createDns = dnsOnlyModule.createClusterClient;
  const dns = await makeClient(async () => {
    if (typeof createDns !== 'function') throw new Error('exercise 02 does not export createClusterClient');
    return createDns(dnsCtx);
  }, 'write');
  const topo = await makeClient(() => harness.call('createTopologyAwareClient', topoCtx), 'query');
  await signal('probe-started');
  const probes = Promise.all([
    probeLoop(dns.probe, dnsCtx, plan.durationMs, plan.intervalMs, dns.error),
    probeLoop(topo.probe, topoCtx, plan.durationMs, plan.intervalMs, topo.error),
  ]);
  let failover: DrillProbeResult['failover'];
  if (local) {
    await sleep(plan.failAfterMs);
    const report = await harness.failover({ restartMs: plan.restartMs, staleMs: plan.staleMs });
    await report.settled;
    failover = {
      from: report.from,
      to: report.to,
      promotedAfterMs: report.promotedAt - report.startedAt,
      endpointRepointedAfterMs: report.endpointRepointedAt - report.startedAt,
    };
  }
  const [dnsOnly, topologyAware] = await probes;
  await Promise.allSettled([dns.close?.(), topo.close?.()]);
  return { dnsOnly, topologyAware, ...(failover ? { failover } : {}) };
}
