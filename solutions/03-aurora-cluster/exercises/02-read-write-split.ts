/** Reference solution for Lab 3, exercise 2: one connection per endpoint, reopened when lost, every wait bounded by ctx.timeoutMs. */
import mysql from 'mysql2/promise';
import type { ClusterContext, ConnectionSettings } from '../../../checker/exercise-api.js';

export interface ClusterClient {
  write(sql: string, params?: unknown[]): Promise<unknown>;
  read(sql: string, params?: unknown[]): Promise<unknown>;
  close(): Promise<void>;
}

function endpointConnection(settings: ConnectionSettings, timeoutMs: number) {
  // The promise, not the connection: two calls at once before it is open share one connection.
  let conn: Promise<mysql.Connection> | undefined;
  function connection(): Promise<mysql.Connection> {
    if (!conn) {
      const opening = mysql.createConnection({ ...settings, connectTimeout: timeoutMs }).then((fresh) => {
        // A connection the server or the network dropped is forgotten, so the next call reconnects.
        fresh.on('error', () => forget(opening));
        fresh.on('end', () => forget(opening));
        return fresh;
      });
      // A failed attempt is not kept either: the next call tries the endpoint again.
      opening.catch(() => forget(opening));
      conn = opening;
    }
    return conn;
  }
  function forget(which: Promise<mysql.Connection>) {
    if (conn === which) conn = undefined;
  }
  return {
    async run(sql: string, params?: unknown[]) {
      const opening = connection();
      const current = await opening;
      try {
        // A statement that never answers is given up; its connection is still busy with it, so it is destroyed below.
        const [rows] = await current.query({ sql, values: params, timeout: timeoutMs });
        return rows;
      } catch (err) {
        forget(opening);
        current.destroy();
        throw err;
      }
    },
    async close() {
      const closing = conn;
      conn = undefined;
      await closing?.then((c) => c.end()).catch(() => {});
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
