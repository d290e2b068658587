/** Reference solution for Lab 3, exercise 3: find the writer in the topology and follow it. */
import mysql from 'mysql2/promise';
import type { ClusterContext } from '../../../checker/exercise-api.js';

export interface TopologyAwareClient {
  query(sql: string, params?: unknown[]): Promise<unknown>;
  close(): Promise<void>;
}

async function connect(ctx: ClusterContext, serverId: string): Promise<mysql.Connection> {
  const conn = await mysql.createConnection({ ...ctx.instance(serverId), connectTimeout: ctx.timeoutMs });
  conn.on('error', () => {});
  return conn;
}

export async function findWriter(ctx: ClusterContext): Promise<string> {
  let lastError: unknown;
  // Any instance can answer; the first one may be the one that just went away.
  for (const id of ctx.instanceIds) {
    let conn: mysql.Connection | undefined;
    try {
      conn = await connect(ctx, id);
      const [rows] = await conn.query<mysql.RowDataPacket[]>({
        sql: `SELECT SERVER_ID AS id FROM ${ctx.topologyTable} WHERE SESSION_ID = 'MASTER_SESSION_ID'`,
        timeout: ctx.timeoutMs,
      });
      if (rows.length > 0) return String(rows[0].id);
    } catch (err) {
      lastError = err;
    } finally {
      conn?.destroy();
    }
  }
  throw new Error(`no instance could name the writer: ${(lastError as Error | undefined)?.message ?? 'no writer row'}`);
}

export function createTopologyAwareClient(ctx: ClusterContext): TopologyAwareClient {
  let conn: mysql.Connection | undefined;

  async function writerConnection(): Promise<mysql.Connection> {
    if (conn) return conn;
    const fresh = await connect(ctx, await findWriter(ctx));
    let readOnly: boolean;
    try {
      const [rows] = await fresh.query<mysql.RowDataPacket[]>({ sql: ctx.identitySql, timeout: ctx.timeoutMs });
      readOnly = Number(rows[0].read_only) === 1;
    } catch (err) {
      fresh.destroy();
      throw err;
    }
    if (readOnly) {
      // The topology has not caught up yet: this instance is no longer the writer.
      fresh.destroy();
      throw new Error('the instance the topology names is read-only: the writer is moving');
    }
    conn = fresh;
    return fresh;
  }

  return {
    async query(sql, params) {
      const current = await writerConnection();
      try {
        const [rows] = await current.query({ sql, values: params, timeout: ctx.timeoutMs });
        return rows;
      } catch (err) {
        // Lost, timed out or refused as read-only (1290, 1836): this connection is done; the next call finds the writer again.
        conn = undefined;
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
