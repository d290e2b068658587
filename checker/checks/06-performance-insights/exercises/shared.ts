/** What the Lab 6 checks share: the learner's top-SQL rows, read and matched against the server's digests. */
import type { TopSqlRow } from '../../../exercise-api.js';
import { CheckFailed } from '../../../runner/harness.js';
import { show } from '../../show-value.js';
import { brief, type DigestRow } from '../digests.js';

export const grouped = (n: number) => Math.round(n).toLocaleString('en-US');
export const msText = (v: number) => `${v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(1) : v.toFixed(3)} ms`;

/** Digest texts compared as the server writes them, give or take whitespace. */
export const sameText = (a: string, b: string) => a.replace(/\s+/g, ' ').trim() === b.replace(/\s+/g, ' ').trim();

const NUMERIC = ['calls', 'totalMs', 'avgMs', 'rowsExamined', 'rowsSent'] as const;

/** The learner's rows, with every field checked for type: numbers as numbers, the text as a string. */
export function topSqlRows(value: unknown, call: string): TopSqlRow[] {
  if (!Array.isArray(value)) throw new CheckFailed(`${call} returned ${show(value)}, expected an array of rows`);
  return value.map((row, i) => {
    if (!row || typeof row !== 'object') throw new CheckFailed(`${call} returned ${show(row)} as row ${i + 1}, expected an object`);
    const r = row as Record<string, unknown>;
    if (typeof r.digestText !== 'string') throw new CheckFailed(`row ${i + 1} of ${call} has digestText ${show(r.digestText)}: return DIGEST_TEXT as a string`);
    for (const field of NUMERIC) {
      if (typeof r[field] !== 'number' || !Number.isFinite(r[field])) {
        const hint = typeof r[field] === 'string' ? ' (mysql2 returns big sums as strings: wrap them in Number())' : '';
        throw new CheckFailed(`row ${i + 1} of ${call} has ${field} ${show(r[field])}, expected a number${hint}`);
      }
    }
    return r as unknown as TopSqlRow;
  });
}

/** The server's digest for a learner row, by text. */
export function serverRowFor(row: TopSqlRow, server: DigestRow[]): DigestRow | undefined {
  return server.find((d) => sameText(d.digestText, row.digestText));
}

export const quote = (text: string) => `"${brief(text, 80)}"`;
