/**
 * Lab 6, exercise 1: top SQL from the statement digests.
 *
 * Meant to fail until you complete it. The server keeps one row per
 * normalised statement (a "digest": literals replaced by ?) in
 * ctx.digestTable, performance_schema.events_statements_summary_by_digest,
 * with how often it ran and what it cost, as totals since the table was last
 * cleared. (Performance Insights ranks its top SQL differently: by load,
 * active sessions sampled over a time window.) Return the `limit` statements
 * with the most total time, SUM_TIMER_WAIT, highest first, whatever their kind:
 *   - digestText   DIGEST_TEXT
 *   - calls        COUNT_STAR
 *   - totalMs      SUM_TIMER_WAIT, in milliseconds
 *   - avgMs        AVG_TIMER_WAIT (or totalMs / calls), in milliseconds
 *   - rowsExamined SUM_ROWS_EXAMINED
 *   - rowsSent     SUM_ROWS_SENT
 * The timer columns count picoseconds; the milliseconds must be within 0.5%
 * of the server's (not rounded to whole ones), and every field a number, not
 * the string mysql2 returns for a DECIMAL. Report the totals the table holds,
 * not what changed since your previous call: read the table on every call,
 * and only read it. Rank the whole table or only the lab's database
 * (SCHEMA_NAME = DATABASE()), as you like: the checker's workload runs there.
 *
 * Run: npm run check -- 6 --exercise 01
 */
import type { TopSqlContext, TopSqlRow } from '../../../checker/exercise-api.js';

export async function topSql(ctx: TopSqlContext, limit: number): Promise<TopSqlRow[]> {
  throw new Error(`TODO: read ${ctx.digestTable}, rank by total time and return the top ${limit} statements`);
}
