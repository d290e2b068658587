/** Reference solution for Lab 3, exercise 2: one connection per endpoint, reopened when lost. */
import mysql from 'mysql2/promise';
import type { ClusterContext, ConnectionSettings } from '../../../checker/exercise-api.js';

export interface ClusterClient {
  write(sql: string, params?: unknown[]): Promise<unknown>;
  read(sql: string, params?: unknown[]): Promise<unknown>;
  close(): Promise<void>;
}

function endpointConnection(settings: ConnectionSettings, timeoutMs: number) {
  let conn: mysql.Connection | undefined;
  return {
    async run(sql: string, params?: unknown[]) {
      if (!conn) {
        const fresh = await mysql.createConnection({ ...settings, connectTimeout: timeoutMs });
        // A connection the server or the network dropped is forgotten, so the next call reconnects.
        fresh.on('error', () => {
          if (conn === fresh) conn = undefined;
        });
        conn = fresh;
      }
      const current = conn;
      try {
        const [rows] = await current.query(sql, params);
        return rows;
      } catch (err) {
        if (conn === current) conn = undefined;
        current.destroy();
        throw err;
      }
    },
    async close() {
      await conn?.end().catch(() => {});
      conn = undefined;
    },
  };
}

export function createClusterClient(ctx: ClusterContext): ClusterClient {
  const writer = endpointConnection(ctx.writer, ctx.timeoutMs);
  const reader = endpointConnection(ctx.reader, ctx.timeoutMs);
  return {
    write: (sql, params) => writer.run(sql, params),
    read: (sql, params) => reader.run(sql, params),
    async close() {
      await Promise.all([writer.close(), reader.close()]);
    },
  };
}
