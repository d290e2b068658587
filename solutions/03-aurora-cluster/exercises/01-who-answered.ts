/** Reference solution for Lab 3, exercise 1: ask the server who it is. */
import mysql from 'mysql2/promise';
import type { ClusterContext, ConnectionSettings, ServerIdentity } from '../../../checker/exercise-api.js';

export async function identify(settings: ConnectionSettings, ctx: ClusterContext): Promise<ServerIdentity> {
  const conn = await mysql.createConnection({ ...settings, connectTimeout: ctx.timeoutMs });
  try {
    const [rows] = await conn.query<mysql.RowDataPacket[]>(ctx.identitySql);
    return { serverId: String(rows[0].server_id), readOnly: Number(rows[0].read_only) === 1 };
  } finally {
    await conn.end();
  }
}
