/**
 * Lab 1, exercise 2: a failover probe.
 *
 * Meant to fail until you complete it. During a failover the endpoint's DNS
 * name moves to the standby; clients that keep an old connection never see
 * the new primary. A probe therefore opens a NEW connection on every attempt,
 * with a short timeout, asks which server answered, and closes it again.
 *   - probeOnce: one attempt. Never throws: a failure is { ok: false, error }.
 *     MySQL client errors 2003 (can't connect), 2005 (unknown host), 2006
 *     (server gone), 2013 (lost connection) and timeouts all mean "no service".
 *   - runProbe: attempts every intervalMs for durationMs; the time from the
 *     first failed attempt to the next successful one is downtime.
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
  throw new Error('TODO: connect with connectTimeout = timeoutMs, SELECT @@server_id, close; on any error return { ok: false, error }');
}

export async function runProbe(ctx: EndpointContext, options: { durationMs: number; intervalMs: number }): Promise<ProbeReport> {
  throw new Error('TODO: call probeOnce every intervalMs until durationMs has passed, and add up the time without service');
}
