import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../../engines/servers.js';
import type { EndpointContext } from '../../../exercise-api.js';
import { CheckFailed, CheckSkipped, ensure, type ExerciseCheck } from '../../../runner/harness.js';
import type { ReplicationHarness } from '../../replication-session.js';
import { show } from '../../show-value.js';
import { WatchedEndpoint, wireDowntime } from './watched-endpoint.js';

const id = (name: string) => `01.02.${name}`;
type H = ReplicationHarness;

interface ProbeResult {
  ok?: boolean;
  serverId?: number;
  error?: unknown;
}

interface ProbeReport {
  attempts: number;
  failures: number;
  secondsWithoutService: number;
  servers: number[];
}

/** How much longer than its timeoutMs an attempt may take (a loaded machine, closing the connection). */
const SLACK_MS = 1_000;
/** How closely secondsWithoutService must match the attempts seen on the wire. */
const DOWNTIME_TOLERANCE_S = 0.6;

async function requireProbeOnce(h: H): Promise<void> {
  // A few tries with a generous timeout: a loaded machine must not fail a healthy probe here.
  for (let i = 0; i < 3; i += 1) {
    const result = (await h.call('probeOnce', h.endpointContext().connection, 2_000)) as ProbeResult | undefined;
    if (result?.ok) return;
  }
  throw new CheckFailed('cannot be judged yet: probeOnce does not succeed against the live endpoint');
}

function isReport(value: unknown): value is ProbeReport {
  const r = value as ProbeReport | undefined;
  return !!r && typeof r.attempts === 'number' && typeof r.failures === 'number' && typeof r.secondsWithoutService === 'number' && Array.isArray(r.servers);
}

/** The learner's connection settings, pointed at a stand-in endpoint on loopback. */
function via(h: H, endpoint: { port: number }, timeoutMs: number): EndpointContext {
  return { connection: { ...h.endpointContext().connection, host: '127.0.0.1', port: endpoint.port }, timeoutMs };
}

async function withEndpoint<T>(targetPort: number, use: (endpoint: WatchedEndpoint) => Promise<T>): Promise<T> {
  const endpoint = await WatchedEndpoint.start(targetPort);
  try {
    return await use(endpoint);
  } finally {
    await endpoint.close();
  }
}

/**
 * Waits for runProbe's first successful attempt on the wire and returns when
 * it began (about when runProbe started: the learner's process may start it
 * late on a loaded machine, so outages are timed from here).
 */
async function firstSuccess(endpoint: WatchedEndpoint, probe: Promise<unknown>): Promise<number> {
  let settled = false;
  void probe.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (let waited = 0; waited < 5_000 && !settled; waited += 25) {
    const ok = endpoint.connections.find((c) => !c.failed && c.closedAt !== undefined);
    if (ok) return endpoint.connections[0].openedAt;
    await sleep(25);
  }
  await probe;
  throw new CheckFailed('runProbe made no successful attempt against a healthy endpoint in its first 5 s');
}

/** probeOnce must hand back a failure, with a message, within about timeoutMs, and close what it opened. */
async function judgeFailedAttempt(h: H, endpoint: WatchedEndpoint, ctx: EndpointContext, what: string): Promise<{ ms: number; error: string }> {
  const started = Date.now();
  const outcome = await h.attempt<ProbeResult>('probeOnce', ctx.connection, ctx.timeoutMs);
  const ms = Date.now() - started;
  ensure(ms <= ctx.timeoutMs + SLACK_MS, `probeOnce took ${ms} ms ${what}, with timeoutMs ${ctx.timeoutMs}: the whole attempt must end within about timeoutMs`);
  ensure(outcome.ok, `probeOnce threw ${what}: ${outcome.ok ? '' : outcome.error.message}`);
  const result = outcome.value;
  ensure(result?.ok === false, `probeOnce returned ${show(result)} ${what}, expected { ok: false, error }`);
  ensure(
    typeof result.error === 'string' && result.error.trim() !== '' && result.error !== 'undefined',
    `probeOnce returned error ${show(result.error)} ${what}: error must say what went wrong (the error's message)`,
  );
  const open = await endpoint.settle(SLACK_MS);
  ensure(open.length === 0, `probeOnce left its connection open ${what}: close it on every path (destroy() when it failed)`);
  return { ms, error: result.error };
}

export const failoverProbeChecks: ExerciseCheck<H>[] = [
  {
    id: id('probe-live'),
    name: 'probeOnce reaches the endpoint and says which server answered',
    hint: 'SELECT @@server_id AS id on a new connection; return { ok: true, serverId } with the id as a number.',
    async run(h) {
      const ctx = h.endpointContext();
      const result = (await h.call('probeOnce', ctx.connection, 2_000)) as ProbeResult | undefined;
      ensure(result?.ok === true, `probeOnce against the live endpoint returned ${show(result)}`);
      ensure(
        result.serverId === h.primary.serverId,
        `probeOnce reported server ${show(result.serverId)}, but the primary behind the endpoint is server ${h.primary.serverId} (@@server_id, as a number)`,
      );
      return `ok, answered by server ${result.serverId}`;
    },
  },
  {
    id: id('new-connection'),
    name: 'probeOnce opens a new connection on every attempt and closes it',
    hint: 'mysql.createConnection inside probeOnce, and end() or destroy() it before returning; never keep a connection between attempts.',
    async run(h) {
      await requireProbeOnce(h);
      return withEndpoint(h.primary.port, async (endpoint) => {
        const ctx = via(h, endpoint, 2_000);
        for (let i = 0; i < 2; i += 1) {
          const result = (await h.call('probeOnce', ctx.connection, ctx.timeoutMs)) as ProbeResult | undefined;
          ensure(result?.ok === true, `probeOnce returned ${show(result)} on a healthy endpoint`);
        }
        const opened = endpoint.connections.length;
        ensure(opened >= 2, `two probeOnce calls opened ${opened} connection(s): a probe must open a new connection on every attempt`);
        const open = await endpoint.settle(SLACK_MS);
        ensure(open.length === 0, `${open.length} connection(s) probeOnce opened were still open a second after it returned: close each one`);
        return `two attempts, two connections, both closed`;
      });
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
      const result = outcome.value as ProbeResult | undefined;
      ensure(result?.ok === false, `probeOnce against a closed port returned ${show(result)}, expected { ok: false, ... }`);
      ensure(ms < 1_500, `probeOnce took ${ms} ms to notice a refused connection`);
      ensure(
        typeof result.error === 'string' && result.error.trim() !== '' && result.error !== 'undefined',
        `probeOnce returned error ${show(result.error)} for a refused connection: error must say what went wrong (the message, or the code when the message is empty)`,
      );
      return `{ ok: false } in ${ms} ms (${result.error})`;
    },
  },
  {
    id: id('probe-timeout'),
    name: 'probeOnce gives up after its timeout when the server never answers',
    hint: 'Pass connectTimeout: timeoutMs to mysql.createConnection (a server that accepts but never speaks is what a failing host looks like).',
    async run(h) {
      await requireProbeOnce(h);
      return withEndpoint(h.primary.port, async (endpoint) => {
        endpoint.outage('silent');
        const { ms } = await judgeFailedAttempt(h, endpoint, via(h, endpoint, 400), 'on a server that accepts the connection and never answers');
        return `gave up after ${ms} ms with a 400 ms timeout`;
      });
    },
  },
  {
    id: id('probe-stalled-query'),
    name: 'probeOnce gives up after its timeout when a connected server never answers the query',
    hint: 'Bound the whole attempt by timeoutMs, not only the connect: race connect + query against one timer (or give the query a timeout), then destroy() the connection - end() waits for the query that never ends.',
    async run(h) {
      await requireProbeOnce(h);
      const proxy = await h.proxyToPrimary();
      // Released once judged, so a probe that hangs on it can still finish and the next checks run.
      let release = () => {};
      const released = new Promise<void>((resolve) => (release = resolve));
      proxy.inject({ match: (s) => /@@server_id/i.test(s.sql ?? ''), fault: { type: 'stall', until: released }, times: Infinity });
      try {
        return await withEndpoint(proxy.port, async (endpoint) => {
          const { ms } = await judgeFailedAttempt(
            h,
            endpoint,
            via(h, endpoint, 400),
            'when the server completed the handshake and never answered SELECT @@server_id',
          );
          return `gave up after ${ms} ms with a 400 ms timeout, and closed the connection`;
        });
      } finally {
        release();
      }
    },
  },
  {
    id: id('probe-query-error'),
    name: 'probeOnce reports a failed query as a failure with its message, and closes the connection',
    hint: 'Catch every error (not only the connection errors) and return { ok: false, error: err.message }, closing the connection on that path too.',
    async run(h) {
      await requireProbeOnce(h);
      const proxy = await h.proxyToPrimary();
      const message = 'Server shutdown in progress';
      proxy.inject({ match: (s) => /@@server_id/i.test(s.sql ?? ''), fault: { type: 'fail', code: 1053, sqlState: '08S01', message }, times: Infinity });
      return withEndpoint(proxy.port, async (endpoint) => {
        const { error } = await judgeFailedAttempt(h, endpoint, via(h, endpoint, 1_000), 'when SELECT @@server_id failed with error 1053');
        ensure(error.includes(message), `probeOnce returned error ${show(error)} for a query that failed with "${message}": keep the error's message`);
        return `{ ok: false, error: ${show(error)} }, connection closed`;
      });
    },
  },
  {
    id: id('measures-outage'),
    name: 'runProbe counts its attempts and measures two known outages',
    hint: 'Probe every intervalMs until durationMs, one probeOnce (one connection) per attempt; downtime runs from the start of the first failed attempt to the start of the next successful one, for every outage.',
    async run(h) {
      await requireProbeOnce(h);
      const durationMs = 6_000;
      const intervalMs = 500;
      const timeoutMs = 1_500;
      return withEndpoint(h.primary.port, async (endpoint) => {
        const called = Date.now();
        let returnedAt = 0;
        const probe = h
          .callFor<ProbeReport>(10_000, 'runProbe', via(h, endpoint, timeoutMs), { durationMs, intervalMs })
          .finally(() => (returnedAt = Date.now()));
        probe.catch(() => {});
        const started = await firstSuccess(endpoint, probe);
        // A host that vanished (attempts hang until their timeout), then one that refuses connections.
        await sleep(Math.max(0, started + 1_000 - Date.now()));
        endpoint.outage('silent');
        await sleep(1_500);
        endpoint.restore();
        await sleep(1_500);
        endpoint.outage('refuse');
        await sleep(1_000);
        endpoint.restore();
        const report = await probe;
        const wire = [...endpoint.connections];
        await sleep(3 * intervalMs + 100);
        ensure(isReport(report), `runProbe returned ${show(report)}, not { attempts, failures, secondsWithoutService, servers }`);
        const ranMs = returnedAt - started;
        ensure(
          returnedAt - called >= durationMs - intervalMs - 150,
          `runProbe returned after ${returnedAt - called} ms of a ${durationMs} ms run at a ${intervalMs} ms interval: it must keep probing for durationMs (every outage in the run counts)`,
        );
        ensure(
          ranMs <= durationMs + timeoutMs + SLACK_MS,
          `runProbe returned ${ranMs - durationMs} ms after durationMs (${durationMs} ms) with timeoutMs ${timeoutMs}: stop starting attempts at durationMs`,
        );
        ensure(
          endpoint.connections.length === wire.length,
          `runProbe returned, but ${endpoint.connections.length - wire.length} connection(s) were opened after it returned: stop the attempts (clear the timer) before returning`,
        );
        ensure(
          report.attempts >= durationMs / intervalMs / 2,
          `runProbe made ${report.attempts} attempts in ${durationMs / 1000} s at a ${intervalMs} ms interval: it should probe about every intervalMs`,
        );
        ensure(
          report.attempts === wire.length,
          `runProbe reported ${report.attempts} attempts but opened ${wire.length} connections: one probeOnce per attempt, and every attempt counted`,
        );
        const failed = wire.filter((c) => c.failed).length;
        ensure(
          report.failures >= failed && report.failures <= failed + 2,
          `runProbe reported ${report.failures} failures, but ${failed} of its attempts met an outage: count every failed attempt`,
        );
        ensure(
          JSON.stringify(report.servers) === JSON.stringify([h.primary.serverId]),
          `runProbe reported servers ${show(report.servers)}, but only server ${h.primary.serverId} answered: record the id of each successful attempt, each change once`,
        );
        const expected = wireDowntime(wire, returnedAt);
        const off = Math.abs(report.secondsWithoutService - expected);
        ensure(
          off <= DOWNTIME_TOLERANCE_S,
          `runProbe reported ${report.secondsWithoutService.toFixed(2)} s without service; its attempts show ${expected.toFixed(2)} s (two outages, each from the start of the first failed attempt to the start of the next successful one; off by ${off.toFixed(2)} s)`,
        );
        return `reported ${report.secondsWithoutService.toFixed(2)} s for ${expected.toFixed(2)} s seen on the wire (${report.attempts} attempts, ${report.failures} failed)`;
      });
    },
  },
  {
    id: id('open-outage'),
    name: 'runProbe counts an outage that has not ended when the run ends, and still stops on time',
    hint: 'At the end of the run, an outage still open counts up to the end; every attempt gives up after ctx.timeoutMs, so the run ends soon after durationMs.',
    async run(h) {
      await requireProbeOnce(h);
      const durationMs = 3_000;
      const intervalMs = 300;
      const timeoutMs = 1_000;
      return withEndpoint(h.primary.port, async (endpoint) => {
        let returnedAt = 0;
        const probe = h
          .callFor<ProbeReport>(10_000, 'runProbe', via(h, endpoint, timeoutMs), { durationMs, intervalMs })
          .finally(() => (returnedAt = Date.now()));
        probe.catch(() => {});
        const started = await firstSuccess(endpoint, probe);
        await sleep(Math.max(0, started + 1_200 - Date.now()));
        endpoint.outage('silent');
        const report = await probe;
        ensure(isReport(report), `runProbe returned ${show(report)}, not { attempts, failures, secondsWithoutService, servers }`);
        const ranMs = returnedAt - started;
        ensure(
          ranMs <= durationMs + timeoutMs + SLACK_MS,
          `runProbe returned ${ranMs - durationMs} ms after durationMs (${durationMs} ms) while every attempt hung, with ctx.timeoutMs ${timeoutMs}: give up on each attempt after ctx.timeoutMs, and start none after durationMs`,
        );
        const low = wireDowntime(endpoint.connections, started + durationMs) - DOWNTIME_TOLERANCE_S;
        const high = wireDowntime(endpoint.connections, returnedAt) + DOWNTIME_TOLERANCE_S;
        ensure(
          report.secondsWithoutService >= low && report.secondsWithoutService <= high,
          `runProbe reported ${report.secondsWithoutService.toFixed(2)} s without service for an outage that began ${((returnedAt - started - 1_200) / 1000).toFixed(2)} s before it returned and never ended: count an outage still open at the end up to the end of the run`,
        );
        return `reported ${report.secondsWithoutService.toFixed(2)} s for an outage still open at the end; returned ${ranMs - durationMs} ms after durationMs`;
      });
    },
  },
  {
    id: id('reconnects'),
    name: 'runProbe follows the endpoint to the new primary and back, and reports each change',
    hint: 'Open a new connection on every attempt (a connection kept from before a failover still points at the old host), and push a server id only when it differs from the last one.',
    async run(h) {
      await requireProbeOnce(h);
      if (h.endpoints.target === 'aws')
        throw new CheckSkipped('needs a second server behind the endpoint: judged on --target local; on AWS run the failover drill');
      const proxy = await h.proxyToPrimary();
      return withEndpoint(proxy.port, async (endpoint) => {
        const durationMs = 4_000;
        const intervalMs = 150;
        const probe = h.callFor<ProbeReport>(9_000, 'runProbe', via(h, endpoint, 1_000), { durationMs, intervalMs });
        probe.catch(() => {});
        const started = await firstSuccess(endpoint, probe);
        await sleep(Math.max(0, started + 800 - Date.now()));
        endpoint.outage('refuse');
        await sleep(500);
        proxy.repoint(h.replica.port);
        endpoint.restore();
        await sleep(1_200);
        proxy.repoint(h.primary.port);
        const report = await probe;
        ensure(isReport(report), `runProbe returned ${show(report)}`);
        // A quarter of the slots: attempts slowed by a loaded machine still count, one a second does not.
        ensure(
          report.attempts >= durationMs / intervalMs / 4,
          `runProbe made ${report.attempts} attempts in ${durationMs / 1000} s at a ${intervalMs} ms interval: it should probe about every intervalMs`,
        );
        const expected = [h.primary.serverId, h.replica.serverId, h.primary.serverId];
        ensure(
          report.servers.includes(h.replica.serverId),
          `after the endpoint moved to server ${h.replica.serverId}, runProbe's servers are ${show(report.servers)}: it never reconnected (or does not record server ids)`,
        );
        ensure(
          JSON.stringify(report.servers) === JSON.stringify(expected),
          `runProbe reported servers ${show(report.servers)} for a failover and a failback, expected ${show(expected)}: record the id of each successful attempt when it differs from the last one`,
        );
        return `saw server ${expected[0]}, then ${expected[1]} after the failover, then ${expected[2]} after the failback`;
      });
    },
  },
];
