/** Reference solution for Lab 6, exercise 1: the digest table ranked by total time, picoseconds to milliseconds. */
import type { TopSqlContext, TopSqlRow } from '../../../checker/exercise-api.js';

const PICOSECONDS_PER_MS = 1e9;

export async function topSql(ctx: TopSqlContext, limit: number): Promise<TopSqlRow[]> {
  const rows = await ctx.db.query<Record<string, unknown>>(
    `SELECT DIGEST_TEXT, COUNT_STAR, SUM_TIMER_WAIT, AVG_TIMER_WAIT, SUM_ROWS_EXAMINED, SUM_ROWS_SENT
     FROM ${ctx.digestTable}
     ORDER BY SUM_TIMER_WAIT DESC
     LIMIT ?`,
    [limit],
  );
  return rows.map((r) => ({
    digestText: String(r.DIGEST_TEXT ?? ''),
    calls: Number(r.COUNT_STAR),
    totalMs: Number(r.SUM_TIMER_WAIT) / PICOSECONDS_PER_MS,
    avgMs: Number(r.AVG_TIMER_WAIT) / PICOSECONDS_PER_MS,
    rowsExamined: Number(r.SUM_ROWS_EXAMINED),
    rowsSent: Number(r.SUM_ROWS_SENT),
  }));
}
