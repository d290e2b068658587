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
  /** Every statement text learner code sent, in order. */
  readonly sent: string[] = [];
  /** The errors the server or the driver answered, in order. */
  readonly failures: string[] = [];
  /** Statements sent whose answer has not come back yet, by call number. */
  private readonly waiting = new Map<number, string>();

  constructor(private readonly conn: Connection | PoolConnection) {
    exposeOnly(this, ['query']);
  }

  async query<Row = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<Row[]> {
    if (typeof sql !== 'string') throw new TypeError('db.query(sql, params) expects the SQL text as its first argument');
    this.queries += 1;
    this.sent.push(sql);
    const call = this.queries;
    this.waiting.set(call, sql);
    try {
      const [rows] = await this.conn.query(sql, params);
      return (Array.isArray(rows) ? rows : [rows]) as Row[];
    } catch (err) {
      // Rebuilt here so the stack leads back to the learner's call, not into mysql2.
      const rebuilt = new Error(err instanceof Error ? err.message : String(err));
      this.failures.push(rebuilt.message);
      for (const key of ['code', 'errno', 'sqlState', 'sqlMessage'] as const) {
        if (err && typeof err === 'object' && key in err) (rebuilt as unknown as Record<string, unknown>)[key] = (err as Record<string, unknown>)[key];
      }
      throw rebuilt;
    } finally {
      this.waiting.delete(call);
    }
  }

  /** The statements still waiting for their answer. */
  inFlight(): string[] {
    return [...this.waiting.values()];
  }
}
