/**
 * Exercise 1: top SQL from the statement digests. Each check runs a known
 * workload first (the course's load test with the planted query, on the
 * unindexed table, then one slow statement whose average beats the planted
 * query's but whose total does not), then compares what topSql returns with
 * the checker's own reading of the same table taken right after.
 */
import { DIGEST_TABLE } from '../../../../labs/06-performance-insights/seed.js';
import type { TopSqlRow } from '../../../exercise-api.js';
import { LearnerError } from '../../../runner/learner-call.js';
import { CheckFailed, ensure, type ExerciseCheck } from '../../../runner/harness.js';
import { avgMs, isBookkeeping, isPlantedStatement, isSlowOnce, totalMs, type DigestRow } from '../digests.js';
import type { InsightsHarness } from '../session.js';
import { grouped, msText, quote, sameText, serverRowFor, topSqlRows } from './shared.js';

const id = (name: string) => `06.01.${name}`;

/** A smaller run of the same mix: enough to rank, quick enough to repeat per check. */
const KNOWN = { rounds: 20, hotCalls: 10 } as const;

/** Calls of the planted query the slow statement is measured against: with n calls, sqrt(n) x its average sits between its average and its total. */
const PLANTED_CALLS_AT_LEAST = 4;

async function knownWorkload(h: InsightsHarness): Promise<void> {
  const { run } = await h.measureWorkload({ hotQuery: h.referenceHotQuery, ...KNOWN });
  if (run.summary.errors > 0) throw new Error(`the checker's workload failed: ${run.summary.firstErrors.join('; ')}`);
  let planted = (await h.settledDigests()).find((d) => isPlantedStatement(d.digestText));
  for (let customer = 1; !planted || planted.calls < PLANTED_CALLS_AT_LEAST; customer += 1) {
    await h.referenceHotQuery(h.learnerDb(), customer);
    planted = (await h.settledDigests()).find((d) => isPlantedStatement(d.digestText));
  }
  // Slower per call than the planted query, cheaper in total: ranking by average (or by anything but total time) shows.
  await h.runSlowOnce(Math.sqrt(planted.calls) * avgMs(planted));
  await h.settledDigests();
}

/** A learner error that says topSql tried to change the digest table rather than read it. */
const clearsDigests = (message: string) => /denied/i.test(message) && message.includes(DIGEST_TABLE.split('.')[1]);

async function topSql(h: InsightsHarness, limit: number): Promise<{ rows: TopSqlRow[]; server: DigestRow[] }> {
  const call = `topSql(ctx, ${limit})`;
  let value: unknown;
  try {
    value = await h.call('topSql', h.topSqlContext(), limit);
  } catch (err) {
    if (err instanceof LearnerError && clearsDigests(err.message)) {
      throw new CheckFailed(
        `${err.message}: topSql tried to change ${DIGEST_TABLE} (TRUNCATE?); it may only read it, clearing it destroys the server's totals`,
      );
    }
    throw err;
  }
  const rows = topSqlRows(value, call);
  return { rows, server: await h.digests() };
}

/** The wrong measure a learner's order follows, when it follows one, as the end of a sentence. */
function rankedBy(rows: TopSqlRow[]): string {
  const follows = (key: (r: TopSqlRow) => number) => rows.every((r, i) => i === 0 || key(r) <= key(rows[i - 1]));
  if (follows((r) => r.calls)) return ', not by calls';
  if (follows((r) => r.avgMs)) return ', not by average time (AVG_TIMER_WAIT)';
  const asText = rows.every((r, i) => i === 0 || String(r.totalMs) <= String(rows[i - 1].totalMs));
  if (asText) return ', compared as numbers, not as text (as text "9.5" sorts above "120.3")';
  return '';
}

const workloadOnly = <T extends { digestText: string }>(rows: T[]) => rows.filter((r) => !isBookkeeping(r.digestText));

export const topSqlChecks: ExerciseCheck<InsightsHarness>[] = [
  {
    id: id('planted-first'),
    name: "the statement that carries the load comes first, with the server's calls and rows",
    hint: 'SELECT DIGEST_TEXT, COUNT_STAR, SUM_TIMER_WAIT, SUM_ROWS_EXAMINED, SUM_ROWS_SENT FROM ctx.digestTable ORDER BY SUM_TIMER_WAIT DESC LIMIT ?',
    async run(h) {
      await knownWorkload(h);
      const { rows, server } = await topSql(h, 5);
      ensure(rows.length > 0, 'topSql(ctx, 5) returned no rows after a workload of over 200 statements');
      const planted = server.find((d) => isPlantedStatement(d.digestText));
      if (!planted) throw new Error('the checker found no digest of its own hot query');
      const first = rows[0];
      const slow = server.find((d) => isSlowOnce(d.digestText));
      ensure(
        sameText(first.digestText, planted.digestText),
        `topSql put ${quote(first.digestText)} first; the statement with the most total time is ${quote(planted.digestText)} (${msText(totalMs(planted))} over ${planted.calls} calls)` +
          (slow && sameText(first.digestText, slow.digestText)
            ? `, not the one slowest per call (${msText(avgMs(slow))} once): rank by SUM_TIMER_WAIT${rankedBy(rows)}`
            : ''),
      );
      ensure(first.calls === planted.calls, `calls of the top statement: topSql says ${first.calls}, the server counts COUNT_STAR ${planted.calls}`);
      ensure(
        first.rowsExamined === planted.rowsExamined,
        `rowsExamined of the top statement: topSql says ${grouped(first.rowsExamined)}, the server counts SUM_ROWS_EXAMINED ${grouped(planted.rowsExamined)}`,
      );
      ensure(
        first.rowsSent === planted.rowsSent,
        `rowsSent of the top statement: topSql says ${grouped(first.rowsSent)}, the server counts SUM_ROWS_SENT ${grouped(planted.rowsSent)}`,
      );
      return `first: the orders-by-customer query, ${planted.calls} calls examining ${grouped(planted.rowsExamined / planted.calls)} rows each to send ${grouped(planted.rowsSent / planted.calls)}`;
    },
  },
  {
    id: id('ranked-by-total-time'),
    name: 'statements are ranked by total time, as the server ranks them',
    hint: 'ORDER BY SUM_TIMER_WAIT DESC: total time is what a statement costs the server (calls x average), not how often it runs.',
    async run(h) {
      await knownWorkload(h);
      const { rows, server } = await topSql(h, 5);
      for (let i = 1; i < rows.length; i += 1) {
        ensure(
          rows[i].totalMs <= rows[i - 1].totalMs,
          `row ${i + 1} (${quote(rows[i].digestText)}, ${rows[i].calls} calls, ${msText(rows[i].totalMs)}) has more total time than row ${i} (${quote(rows[i - 1].digestText)}, ${rows[i - 1].calls} calls, ${msText(rows[i - 1].totalMs)}): rank by SUM_TIMER_WAIT${rankedBy(rows)}`,
        );
      }
      const mine = workloadOnly(rows);
      const theirs = workloadOnly(server).slice(0, mine.length);
      mine.forEach((row, i) => {
        const expected = theirs[i];
        ensure(
          expected && sameText(row.digestText, expected.digestText),
          `place ${i + 1} (workload statements only): topSql has ${quote(row.digestText)}, the server ranks ${expected ? quote(expected.digestText) : 'nothing'} there by SUM_TIMER_WAIT`,
        );
      });
      ensure(
        mine.length >= 3,
        `topSql(ctx, 5) returned ${mine.length} statements of the workload; it ran at least 3 (the random read, the insert and the orders query)`,
      );
      return `the workload's statements in the server's order: ${mine.map((r) => `${msText(r.totalMs)}`).join(' > ')}`;
    },
  },
  {
    id: id('milliseconds'),
    name: 'total and average time are in milliseconds (the server counts picoseconds)',
    hint: 'SUM_TIMER_WAIT and AVG_TIMER_WAIT are picoseconds: divide by 1e9 for milliseconds (1e12 ps = 1 s).',
    async run(h) {
      await knownWorkload(h);
      const { rows, server } = await topSql(h, 5);
      let compared = 0;
      for (const row of workloadOnly(rows)) {
        const d = serverRowFor(row, server);
        if (!d) throw new CheckFailed(`topSql returned ${quote(row.digestText)}, which is not a DIGEST_TEXT in the digest table`);
        for (const [field, mine, theirs, column] of [
          ['totalMs', row.totalMs, totalMs(d), 'SUM_TIMER_WAIT'],
          ['avgMs', row.avgMs, avgMs(d), 'AVG_TIMER_WAIT'],
        ] as const) {
          const close = Math.abs(mine - theirs) <= 0.01 + theirs * 0.005;
          const factor = theirs > 0 ? mine / theirs : Number.NaN;
          const scale = [1e9, 1e6, 1e3, 1e-3].find((s) => Math.abs(factor / s - 1) < 0.02);
          ensure(
            close,
            `${field} of ${quote(row.digestText)} is ${mine}, but ${column} says ${msText(theirs)}` +
              (scale ? ` - off by a factor of ${scale.toExponential(0)}: the timer columns count picoseconds, divide by 1e9` : ''),
          );
        }
        compared += 1;
      }
      ensure(compared > 0, 'topSql returned no statement of the workload to compare');
      return `${compared} statements, total and average time within 0.5% of the server's picoseconds / 1e9`;
    },
  },
  {
    id: id('limit'),
    name: 'topSql(ctx, limit) returns at most limit rows, the top ones',
    hint: 'Pass limit to the query (LIMIT ?), do not cut a fixed number of rows.',
    async run(h) {
      await knownWorkload(h);
      for (const limit of [1, 3]) {
        const { rows, server } = await topSql(h, limit);
        ensure(rows.length === limit, `topSql(ctx, ${limit}) returned ${rows.length} rows; the digest table has ${server.length}, so expected ${limit}`);
      }
      const { rows } = await topSql(h, 1);
      const planted = (await h.digests()).find((d) => isPlantedStatement(d.digestText));
      ensure(planted && sameText(rows[0].digestText, planted.digestText), `topSql(ctx, 1) returned ${quote(rows[0].digestText)}, not the top statement`);
      return 'limit 1 gave 1 row (the top statement), limit 3 gave 3';
    },
  },
  {
    id: id('reads-the-server'),
    name: "every call reads the server's totals afresh",
    hint: 'Query ctx.digestTable each time topSql is called and report its totals (since the digests were last cleared): keep nothing between calls.',
    async run(h) {
      await knownWorkload(h);
      const { rows, server } = await topSql(h, 5);
      const planted = server.find((d) => isPlantedStatement(d.digestText));
      if (!planted) throw new Error('the checker found no digest of its own hot query');
      const first = rows.find((r) => isPlantedStatement(r.digestText));
      const kept =
        first && first.calls > planted.calls
          ? 'is the result kept from an earlier call?'
          : 'is the result kept from an earlier call, or only what changed since one?';
      ensure(
        first && first.calls === planted.calls,
        `topSql(ctx, 5) reported ${first ? `${first.calls} calls of` : 'no row for'} the orders query, which the table holds with ${planted.calls} calls: ${kept}`,
      );
      const more = 4;
      const db = h.learnerDb();
      for (const customer of [1, 2, 3, 4].slice(0, more)) await h.referenceHotQuery(db, customer);
      await h.settledDigests();
      const again = await topSql(h, 5);
      const second = again.rows.find((r) => isPlantedStatement(r.digestText));
      const expected = first.calls + more;
      const why =
        second?.calls === first.calls
          ? 'is the result kept from an earlier call?'
          : second && second.calls === more
            ? 'it reports what changed since its previous call, not the totals the table holds'
            : 'is the result kept from an earlier call, or only what changed since one?';
      ensure(
        second && second.calls === expected,
        `after ${more} more calls of the orders query, topSql reported ${second ? second.calls : 'no such statement with'} calls instead of ${expected}: ${why}`,
      );
      return `calls went from ${first.calls} to ${second.calls} with the server`;
    },
  },
];
