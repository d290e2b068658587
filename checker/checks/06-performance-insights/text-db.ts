/**
 * The `Db` Lab 6 hands to learner code. Unlike the other labs' CountingDb it
 * never uses server-side prepared statements: MariaDB 10.11 leaves statements
 * run through the binary protocol (COM_STMT_EXECUTE) out of
 * events_statements_summary_by_digest, and this lab is about that table. The
 * text protocol is what most clients send, and the digest replaces literals
 * with `?` either way.
 */
import type { Connection, PoolConnection } from 'mysql2/promise';
import type { Db } from '../../exercise-api.js';
import { exposeOnly } from '../../runner/peer.js';

export class TextProtocolDb implements Db {
  queries = 0;

  constructor(private readonly conn: Connection | PoolConnection) {
    exposeOnly(this, ['query']);
  }

  async query<Row = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<Row[]> {
    if (typeof sql !== 'string') throw new TypeError('db.query(sql, params) expects the SQL text as its first argument');
    this.queries += 1;
    try {
      const [rows] = await this.conn.query(sql, params);
      return (Array.isArray(rows) ? rows : [rows]) as Row[];
    } catch (err) {
      // Rebuilt here so the stack leads back to the learner's call, not into mysql2.
      const rebuilt = new Error(err instanceof Error ? err.message : String(err));
      for (const key of ['code', 'errno', 'sqlState', 'sqlMessage'] as const) {
        if (err && typeof err === 'object' && key in err) (rebuilt as unknown as Record<string, unknown>)[key] = (err as Record<string, unknown>)[key];
      }
      throw rebuilt;
    }
  }
}
