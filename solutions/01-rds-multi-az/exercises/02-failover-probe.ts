/** Reference solution for Lab 1, exercise 2: a probe that measures downtime from the client. */
import mysql from 'mysql2/promise';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ConnectionSettings, EndpointContext } from '../../../checker/exercise-api.js';

export interface ProbeResult {
  ok: boolean;
  serverId?: number;
  error?: string;
}

export interface ProbeReport {
  attempts: number;
  failures: number;
  secondsWithoutService: number;
  servers: number[];
}

export async function probeOnce(connection: ConnectionSettings, timeoutMs: number): Promise<ProbeResult> {
  let conn: mysql.Connection | undefined;
  const deadline = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs).unref());
  try {
    // connectTimeout covers the handshake; the deadline also covers a server that accepts and never answers the query.
    conn = await Promise.race([mysql.createConnection({ ...connection, connectTimeout: timeoutMs } as mysql.ConnectionOptions), deadline]);
    const [rows] = await Promise.race([conn.query('SELECT @@server_id AS id'), deadline]);
    return { ok: true, serverId: Number((rows as Array<{ id: number }>)[0].id) };
  } catch (err) {
    // Some errors (a refused connection to a name with two addresses) carry only a code.
    const { message, code } = err as { message?: string; code?: string };
    return { ok: false, error: message || code || String(err) };
  } finally {
    conn?.destroy();
  }
}

export async function runProbe(ctx: EndpointContext, options: { durationMs: number; intervalMs: number }): Promise<ProbeReport> {
  const report: ProbeReport = { attempts: 0, failures: 0, secondsWithoutService: 0, servers: [] };
  const end = Date.now() + options.durationMs;
  let downSince: number | undefined;
  while (Date.now() < end) {
    const startedAt = Date.now();
    const result = await probeOnce(ctx.connection, ctx.timeoutMs);
    report.attempts += 1;
    if (result.ok) {
      if (downSince !== undefined) report.secondsWithoutService += (startedAt - downSince) / 1000;
      downSince = undefined;
      if (result.serverId !== undefined && report.servers.at(-1) !== result.serverId) report.servers.push(result.serverId);
    } else {
      report.failures += 1;
      downSince ??= startedAt;
    }
    await sleep(Math.max(0, startedAt + options.intervalMs - Date.now()));
  }
  if (downSince !== undefined) report.secondsWithoutService += (Date.now() - downSince) / 1000;
  return report;
}
