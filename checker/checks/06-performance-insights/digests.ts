/**
 * The checker's own reading of the statement digests: the ranked table the
 * exercises are judged against, snapshot differences (what one workload
 * added, without relying on TRUNCATE), and which digests are whose.
 */
import type { Connection } from 'mysql2/promise';
import { DIGEST_TABLE } from '../../../labs/06-performance-insights/seed.js';

export interface DigestRow {
  schema: string | null;
  digest: string | null;
  digestText: string;
  calls: number;
  /** SUM_TIMER_WAIT, in picoseconds as the server keeps it. */
  totalPs: number;
  rowsExamined: number;
  rowsSent: number;
}

export const PICOSECONDS_PER_MS = 1e9;
export const totalMs = (d: DigestRow) => d.totalPs / PICOSECONDS_PER_MS;
export const avgMs = (d: DigestRow) => (d.calls > 0 ? d.totalPs / d.calls / PICOSECONDS_PER_MS : 0);
export const perCall = (value: number, calls: number) => (calls > 0 ? value / calls : 0);

export async function readDigests(conn: Connection): Promise<DigestRow[]> {
  const [rows] = await conn.query(
    `SELECT SCHEMA_NAME AS s, DIGEST AS d, DIGEST_TEXT AS t, COUNT_STAR AS calls, SUM_TIMER_WAIT AS ps,
            SUM_ROWS_EXAMINED AS examined, SUM_ROWS_SENT AS sent
     FROM ${DIGEST_TABLE} ORDER BY SUM_TIMER_WAIT DESC`,
  );
  return (rows as Array<Record<string, unknown>>).map((r) => ({
    schema: (r.s as string | null) ?? null,
    digest: (r.d as string | null) ?? null,
    digestText: String(r.t ?? ''),
    calls: Number(r.calls),
    totalPs: Number(r.ps),
    rowsExamined: Number(r.examined),
    rowsSent: Number(r.sent),
  }));
}

/** Empties the digest table where the account may (locally always); a snapshot difference works either way. */
export async function clearDigests(conn: Connection): Promise<void> {
  await conn.query(`TRUNCATE TABLE ${DIGEST_TABLE}`).catch(() => {});
}

const key = (d: DigestRow) => `${d.schema ?? ''}\u0000${d.digest ?? d.digestText}`;

/** What happened between two readings, ranked by total time. */
export function digestsSince(before: DigestRow[], after: DigestRow[]): DigestRow[] {
  const earlier = new Map(before.map((d) => [key(d), d]));
  return after
    .map((d) => {
      const was = earlier.get(key(d));
      if (!was) return d;
      return {
        ...d,
        calls: d.calls - was.calls,
        totalPs: d.totalPs - was.totalPs,
        rowsExamined: d.rowsExamined - was.rowsExamined,
        rowsSent: d.rowsSent - was.rowsSent,
      };
    })
    .filter((d) => d.calls > 0)
    .sort((a, b) => b.totalPs - a.totalPs);
}

/** Statements of the course's load test (the items table). */
export const isCourseStatement = (text: string) => /`items`/i.test(text);
/** Reads of the server's own bookkeeping: the checker's (and the learner's) digest readings, resets, metadata. */
export const isBookkeeping = (text: string) =>
  /performance_schema|information_schema|^\s*(TRUNCATE|SET|SHOW|COMMIT|ROLLBACK|BEGIN|START)\b|^\s*$/i.test(text) || /^SELECT \?\s*$/i.test(text.trim());
/** The checker's one slow statement of exercise 1 (slowest per call, not in total). */
export const SLOW_ONCE_SQL = 'SELECT SLEEP(?) AS slow_report';
export const isSlowOnce = (text: string) => /slow_report/i.test(text);
/** The planted statement as the starting code sends it. */
export const isPlantedStatement = (text: string) => /FROM `orders` WHERE `customer_id` = \?/i.test(text);

/** Sums a set of digests into one: several statements that together answer one call. */
export function combine(rows: DigestRow[]): DigestRow {
  return rows.reduce<DigestRow>(
    (sum, d) => ({
      ...sum,
      digestText: sum.digestText ? `${sum.digestText} + ${d.digestText}` : d.digestText,
      calls: sum.calls + d.calls,
      totalPs: sum.totalPs + d.totalPs,
      rowsExamined: sum.rowsExamined + d.rowsExamined,
      rowsSent: sum.rowsSent + d.rowsSent,
    }),
    { schema: null, digest: null, digestText: '', calls: 0, totalPs: 0, rowsExamined: 0, rowsSent: 0 },
  );
}

/** Shortens a digest text for a message. */
export function brief(text: string, max = 90): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 3)}...` : flat;
}
