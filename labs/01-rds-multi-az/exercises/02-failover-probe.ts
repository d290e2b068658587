/**
 * Lab 1, exercise 2: a failover probe.
 *
 * Meant to fail until you complete it. During a failover the endpoint's DNS
 * name moves to the standby; clients that keep an old connection never see
 * the new primary. A probe therefore opens a NEW connection on every attempt,
 * with a short timeout, asks which server answered, and closes it again.
 *   - probeOnce: one attempt. Never throws: any failure (MySQL client errors
 *     2003 can't connect, 2005 unknown host, 2006 server gone, 2013 lost
 *     connection, timeouts, and every other error too) is { ok: false, error }
 *     with the error's message (its code if the message is empty, your own
 *     words for your own timeout). The whole attempt, connect and query, ends
 *     within about timeoutMs, also when the server accepts the connection but
 *     never answers, before or after the handshake. The connection is closed on
 *     every path before probeOnce returns (destroy() after a failure: end()
 *     waits behind a query that never ends).
 *   - runProbe: starts an attempt about every intervalMs (start to start, or a
 *     pause of intervalMs after each: both are fine) until durationMs has
 *     passed, starts none after that, and returns when its last attempt has
 *     ended, leaving nothing running. attempts counts probeOnce calls, failures
 *     the failed ones. Downtime runs from the start of an outage's first failed
 *     attempt to the start of the next successful one, added up over every
 *     outage; an outage still open at the end counts up to the end of the run.
 *     The checks compare it with the attempts they see on the wire (within
 *     0.6 s). servers gets the id of each successful attempt that differs from
 *     the last one: [1, 2, 1] after a failover and a failback.
 *
 * Run: npm run check -- 1 --exercise 02   (the drill: npm run check -- 1 --failover-drill)
 */
import type { ConnectionSettings, EndpointContext } from '../../../checker/exercise-api.js';

export interface ProbeResult {
  ok: boolean;
  /** @@server_id of the server that answered. */
  serverId?: number;
  error?: string;
}

export interface ProbeReport {
  attempts: number;
  failures: number;
  /** Total time without service, in seconds. */
  secondsWithoutService: number;
  /** Server ids that answered, in order, each change recorded once. */
  servers: number[];
}

export async function probeOnce(connection: ConnectionSettings, timeoutMs: number): Promise<ProbeResult> {
  throw new Error(
    'TODO: a new connection (connectTimeout = timeoutMs) and SELECT @@server_id, both within timeoutMs; close it on every path; on any error return { ok: false, error }',
  );
}

export async function runProbe(ctx: EndpointContext, options: { durationMs: number; intervalMs: number }): Promise<ProbeReport> {
  throw new Error('TODO: call probeOnce every intervalMs until durationMs has passed, and add up the time without service');
}
