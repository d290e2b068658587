/**
 * Lab 3, exercise 2: writes to the cluster endpoint, reads to the reader endpoint.
 *
 * Meant to fail until you complete it. Aurora gives a cluster two DNS names:
 * the cluster endpoint (always the writer) and the reader endpoint (spread
 * over the readers). Readers refuse writes; reads sent to the writer waste
 * the readers you pay for.
 *
 * createClusterClient(ctx) returns:
 *   write(sql, params) - runs on a connection to ctx.writer
 *   read(sql, params)  - runs on a connection to ctx.reader
 *   close()            - ends every connection the client opened
 * Both resolve to the rows (the first element of mysql2's [rows, fields]),
 * asked of the server on every call. One connection per endpoint, a pool or a
 * connection per statement are all fine; two calls at once must not open a
 * connection that close() misses. Every wait ends after ctx.timeoutMs:
 * connectTimeout on each connection and a `timeout` on each statement (a
 * connection whose statement timed out is still busy with it: destroy it).
 * When a connection is lost (the writer restarts in a failover), while idle
 * or during a call, the next call runs on a new one to the same endpoint and
 * succeeds: listen for the connection's 'error' and 'end' events, and forget
 * a connection whose call failed (that call itself may fail). A connection
 * attempt that failed is not kept either: the next call tries again. Nothing
 * more: this is the "DNS-only" client the failover drill compares with
 * exercise 3 (it does not look for the writer, nor treat error 1290 apart).
 *
 * Run: npm run check -- 3 --exercise 02
 */
import mysql from 'mysql2/promise';
import type { ClusterContext } from '../../../checker/exercise-api.js';

export interface ClusterClient {
  write(sql: string, params?: unknown[]): Promise<unknown>;
  read(sql: string, params?: unknown[]): Promise<unknown>;
  close(): Promise<void>;
}

export function createClusterClient(ctx: ClusterContext): ClusterClient {
  void mysql;
  return {
    async write(sql, params) {
      throw new Error('TODO: run the statement on a connection to ctx.writer');
    },
    async read(sql, params) {
      throw new Error('TODO: run the statement on a connection to ctx.reader');
    },
    async close() {},
  };
}
