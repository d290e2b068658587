/** What the Lab 3 checks share: reading an identity the learner's code returned, and naming servers. */
import type { ServerIdentity } from '../../../exercise-api.js';
import { createServer, type Socket } from 'node:net';
import type { EndpointProxy } from '../../../engines/endpoint-proxy.js';
import { CheckFailed, type LearnerCalls } from '../../../runner/harness.js';
import { callWithTimeout } from '../../../runner/learner-call.js';
import { show } from '../../show-value.js';

export function learnerIdentity(value: unknown, what: string): ServerIdentity {
  const v = value as Partial<ServerIdentity> | undefined;
  if (!v || typeof v.serverId !== 'string' || typeof v.readOnly !== 'boolean') {
    throw new CheckFailed(`${what} returned ${show(value)}, not { serverId: string, readOnly: boolean }`);
  }
  return { serverId: v.serverId, readOnly: v.readOnly };
}

export const role = (readOnly: boolean): string => (readOnly ? 'a reader (read_only = 1)' : 'the writer (read_only = 0)');

/**
 * A port that accepts connections and never says a word, like an endpoint
 * whose host went away without refusing: only a connect timeout ends the wait.
 */
export async function silentPort(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type Timed<T> = { ok: true; value: T; ms: number } | { ok: false; error: string; ms: number; hung: boolean };

/** Calls learner code with its own limit, and says how it ended and how long it took. */
export async function timed<T>(h: LearnerCalls, label: string, thunk: () => Promise<T> | T, limitMs: number): Promise<Timed<T>> {
  const started = performance.now();
  try {
    const value = await callWithTimeout(label, thunk, h.file, limitMs);
    return { ok: true, value, ms: Math.round(performance.now() - started) };
  } catch (err) {
    const ms = Math.round(performance.now() - started);
    const message = (err as Error).message.split('\n')[0];
    // Hung: the checker stopped waiting (the call had not settled), not the learner's code giving up.
    return { ok: false, error: message, ms, hung: ms >= limitMs - 5 || /did not return within/.test(message) };
  }
}

/** The rows a client's statement resolved to (write, read, query resolve to the rows, not mysql2's [rows, fields]). */
export function rowsOf(value: unknown, what: string): unknown[] {
  if (Array.isArray(value) && value.length === 2 && Array.isArray(value[0]) && (value[1] === undefined || value[1] === null || Array.isArray(value[1])))
    throw new CheckFailed(`${what} resolved to mysql2's [rows, fields] pair, not the rows: return the first element`);
  if (!Array.isArray(value)) throw new CheckFailed(`${what} resolved to ${show(value)}, not the rows`);
  return value;
}

/** The statements the learner's code sent through an endpoint since `from` (an index into its statements). */
export function sentSince(proxy: EndpointProxy, from: number): string[] {
  return proxy.statements
    .slice(from)
    .filter((s) => s.sql !== undefined && (s.command === 'query' || s.command === 'prepare'))
    .map((s) => s.sql!.trim());
}
