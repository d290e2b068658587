import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../../engines/servers.js';
import { CheckFailed, CheckSkipped, ensure, type ExerciseCheck } from '../../../runner/harness.js';
import type { ReplicationHarness } from '../../replication-session.js';
import { show } from '../../show-value.js';

const id = (name: string) => `01.02.${name}`;
type H = ReplicationHarness;

interface ProbeReport {
  attempts: number;
  failures: number;
  secondsWithoutService: number;
  servers: number[];
}

async function requireProbeOnce(h: H): Promise<void> {
  const result = (await h.call('probeOnce', h.endpointContext().connection, 1_000)) as { ok?: boolean } | undefined;
  if (!result?.ok) throw new CheckFailed('cannot be judged yet: probeOnce does not succeed against the live endpoint');
}

function isReport(value: unknown): value is ProbeReport {
  const r = value as ProbeReport | undefined;
  return !!r && typeof r.attempts === 'number' && typeof r.failures === 'number' && typeof r.secondsWithoutService === 'number' && Array.isArray(r.servers);
}

export const failoverProbeChecks: ExerciseCheck<H>[] = [
  {
    id: id('probe-live'),
    name: 'probeOnce reaches the endpoint and says which server answered',
    hint: 'SELECT @@server_id AS id on a new connection; return { ok: true, serverId }.',
    async run(h) {
      const ctx = h.endpointContext();
      const result = (await h.call('probeOnce', ctx.connection, 1_000)) as { ok?: boolean; serverId?: number } | undefined;
      ensure(result?.ok === true, `probeOnce against the live endpoint returned ${show(result)}`);
      ensure(
        result.serverId === h.primary.serverId,
        `probeOnce reported server ${show(result.serverId)}, but the primary behind the endpoint is server ${h.primary.serverId}`,
      );
      return `ok, answered by server ${result.serverId}`;
    },
  },
  {
    id: id('probe-down'),
    name: 'probeOnce reports a refused connection as a failure, quickly, without throwing',
    hint: 'Catch every error and return { ok: false, error: message }; a probe that throws stops the measurement.',
    async run(h) {
      await requireProbeOnce(h);
      const closed = { ...h.endpointContext().connection, host: '127.0.0.1', port: await freePort() };
      const started = Date.now();
      const outcome = await h.attempt('probeOnce', closed, 500);
      const ms = Date.now() - started;
      ensure(outcome.ok, `probeOnce threw when nothing listened: ${outcome.ok ? '' : outcome.error.message}`);
      const result = outcome.value as { ok?: boolean; error?: string } | undefined;
      ensure(result?.ok === false, `probeOnce against a closed port returned ${show(result)}, expected { ok: false, ... }`);
      ensure(ms < 1_500, `probeOnce took ${ms} ms to notice a refused connection`);
      return `{ ok: false } in ${ms} ms (${result.error ?? 'no message'})`;
    },
  },
  {
    id: id('probe-timeout'),
    name: 'probeOnce gives up after its timeout when the server never answers',
    hint: 'Pass connectTimeout: timeoutMs to mysql.createConnection (a server that accepts but never speaks is what a failing host looks like).',
    async run(h) {
      await requireProbeOnce(h);
      const silent = createServer(() => {});
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', () => resolve()));
      const port = (silent.address() as { port: number }).port;
      try {
        const started = Date.now();
        const outcome = await h.attempt('probeOnce', { ...h.endpointContext().connection, host: '127.0.0.1', port }, 400);
        const ms = Date.now() - started;
        ensure(outcome.ok, `probeOnce threw on a silent server: ${outcome.ok ? '' : outcome.error.message}`);
        ensure((outcome.value as { ok?: boolean })?.ok === false, `probeOnce against a silent server returned ${show(outcome.value)}`);
        ensure(ms < 1_400, `probeOnce waited ${ms} ms for a server that never answers, with a 400 ms timeout`);
        return `gave up after ${ms} ms with a 400 ms timeout`;
      } finally {
        silent.close();
      }
    },
  },
  {
    id: id('measures-outage'),
    name: 'runProbe measures a known outage within 0.5 s',
    hint: 'Downtime runs from the first failed attempt to the next successful one; probe about every intervalMs, each attempt on a new connection.',
    async run(h) {
      await requireProbeOnce(h);
      const proxy = await h.proxyToPrimary();
      const ctx = h.endpointContext({ via: proxy, timeoutMs: 300 });
      const probe = h.callFor<ProbeReport>(12_000, 'runProbe', ctx, { durationMs: 4_500, intervalMs: 150 });
      await sleep(1_000);
      const down = Date.now();
      proxy.outage();
      await sleep(2_000);
      proxy.restore();
      const measured = (Date.now() - down) / 1000;
      const report = await probe;
      ensure(isReport(report), `runProbe returned ${show(report)}, not { attempts, failures, secondsWithoutService, servers }`);
      ensure(report.attempts >= 10, `runProbe made ${report.attempts} attempts in 4.5 s at a 150 ms interval: it should probe about every intervalMs`);
      ensure(report.failures > 0, 'runProbe counted no failure during a 2 s outage');
      const error = Math.abs(report.secondsWithoutService - measured);
      ensure(
        error <= 0.5,
        `runProbe reported ${report.secondsWithoutService.toFixed(2)} s without service; the outage lasted ${measured.toFixed(2)} s (off by ${error.toFixed(2)} s, more than 0.5 s)`,
      );
      return `reported ${report.secondsWithoutService.toFixed(2)} s for a ${measured.toFixed(2)} s outage (${report.attempts} attempts, ${report.failures} failed)`;
    },
  },
  {
    id: id('reconnects'),
    name: 'runProbe follows the endpoint to the new primary and reports it',
    hint: 'Open a new connection on every attempt: a connection kept from before a failover still points at the old host.',
    async run(h) {
      await requireProbeOnce(h);
      if (h.endpoints.target === 'aws')
        throw new CheckSkipped('needs a second server behind the endpoint: judged on --target local; on AWS run the failover drill');
      const proxy = await h.proxyToPrimary();
      const ctx = h.endpointContext({ via: proxy, timeoutMs: 300 });
      const probe = h.callFor<ProbeReport>(12_000, 'runProbe', ctx, { durationMs: 3_000, intervalMs: 150 });
      await sleep(800);
      proxy.outage();
      await sleep(600);
      proxy.repoint(h.replica.port);
      proxy.restore();
      const report = await probe;
      ensure(isReport(report), `runProbe returned ${show(report)}`);
      const expected = [h.primary.serverId, h.replica.serverId];
      ensure(
        report.servers.at(-1) === h.replica.serverId,
        `after the endpoint moved to server ${h.replica.serverId}, runProbe's servers are ${show(report.servers)}: it never reconnected (or does not record server ids)`,
      );
      ensure(
        JSON.stringify(report.servers) === JSON.stringify(expected),
        `runProbe reported servers ${show(report.servers)}, expected ${show(expected)} (each change once)`,
      );
      return `saw server ${expected[0]}, then ${expected[1]} after the endpoint moved`;
    },
  },
];
