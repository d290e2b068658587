/**
 * Lab 6, exercise 1: top SQL from the statement digests.
 *
 * Meant to fail until you complete it. The server keeps one row per
 * normalised statement (a "digest": literals replaced by ?) in
 * ctx.digestTable, performance_schema.events_statements_summary_by_digest,
 * with how often it ran and what it cost. Performance Insights ranks its top
 * SQL the same way. Return the `limit` statements with the most total time:
 *   - digestText   DIGEST_TEXT
 *   - calls        COUNT_STAR
 *   - totalMs      SUM_TIMER_WAIT, in milliseconds
 *   - avgMs        AVG_TIMER_WAIT, in milliseconds
 *   - rowsExamined SUM_ROWS_EXAMINED
 *   - rowsSent     SUM_ROWS_SENT
 * The timer columns count picoseconds. Read the table on every call.
 *
 * Run: npm run check -- 6 --exercise 01
 */
import type { TopSqlContext, TopSqlRow } from '../../../checker/exercise-api.js';

export async function topSql(ctx: TopSqlContext, limit: number): Promise<TopSqlRow[]> {
  throw new Error(`TODO: read ${ctx.digestTable}, rank by total time and return the top ${limit} statements`);
}
