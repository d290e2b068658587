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
 *   close()            - ends both connections
 * Both resolve to the rows. When a connection is lost (the writer restarts in
 * a failover), the next call opens a new one to the same endpoint: this is the
 * "DNS-only" client the failover drill compares with exercise 3.
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
