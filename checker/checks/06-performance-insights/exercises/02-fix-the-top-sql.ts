/**
 * Exercise 2: fix the statement that carries the load, and prove it by what
 * the database reports. Every check runs the learner's migrate on the seed
 * schema (no index), then judges from the server: rows examined per call
 * against the baseline this server measured for the unindexed table, the
 * rows ordersForCustomer returns against the seed's own formula, and the
 * calls the digests saw against the calls the workload made.
 */
import { CUSTOMER_COUNT, expectedOrderIds, secondaryIndexes } from '../../../../labs/06-performance-insights/seed.js';
import { CheckFailed, ensure, type ExerciseCheck } from '../../../runner/harness.js';
import { avgMs } from '../digests.js';
import type { InsightsHarness, MeasuredWorkload } from '../session.js';
import { grouped, msText, quote } from './shared.js';
import { show } from '../../show-value.js';

const id = (name: string) => `06.02.${name}`;

/** The fix must cut rows examined per call by at least this factor (an index lookup does by thousands). */
export const REQUIRED_FACTOR = 100;

async function migrated(h: InsightsHarness, what: string): Promise<void> {
  const outcome = await h.migrate();
  if (!outcome.ok) throw new CheckFailed(`${outcome.error.message}: ${what} can only be judged once migrate(db) runs`);
}

/** Why the table is still scanned, in the terms of the indexes orders now has. */
async function indexDiagnosis(h: InsightsHarness): Promise<string> {
  const indexes = await secondaryIndexes(h.sql, 'orders');
  if (indexes.length === 0) return 'orders has no index but its primary key: migrate(db) created none';
  const list = indexes.map((i) => `${i.name} (${i.columns.join(', ')})`).join(', ');
  if (indexes.some((i) => i.columns[0] === 'customer_id')) {
    return `orders has ${list}, which leads with customer_id, but the query does not use it (IGNORE INDEX, or a function or cast around customer_id?)`;
  }
  return `orders has ${list}, none leading with customer_id, the column the query filters on`;
}

function hotRunOk(m: MeasuredWorkload): void {
  if (m.run.hotFailures > 0) {
    throw new CheckFailed(
      `ordersForCustomer failed ${m.run.hotFailures} of ${m.run.hotFailures + m.run.hotCalls} calls during the workload: ${m.run.firstHotError}`,
    );
  }
  if (m.run.summary.errors > 0) throw new Error(`the course's statements failed during the workload: ${m.run.summary.firstErrors.join('; ')}`);
}

/** Customers the results are compared for: a few with 20 orders each, and one with none. */
const SAMPLE_CUSTOMERS = [1, 17, 2_500, CUSTOMER_COUNT, CUSTOMER_COUNT + 123];

export const fixTopSqlChecks: ExerciseCheck<InsightsHarness>[] = [
  {
    id: id('rows-examined'),
    name: `after migrate, the hot query examines at least ${REQUIRED_FACTOR}x fewer rows per call`,
    hint: 'WHERE customer_id = ? on a table without an index on customer_id reads every row: CREATE INDEX ... ON orders (customer_id) in migrate(db).',
    async run(h) {
      const baseline = h.baseline();
      const scanned = `the hot query examines ${grouped(baseline.rowsExaminedPerCall)} rows per call to send ${grouped(baseline.rowsSentPerCall)}: the table is scanned`;
      const outcome = await h.migrate();
      if (!outcome.ok) throw new CheckFailed(`${outcome.error.message}; without a fix ${scanned}`);
      const m = await h.measureWorkload({ hotQuery: h.learnerHotQuery });
      hotRunOk(m);
      ensure(
        m.hot.calls > 0,
        `ordersForCustomer ran ${m.run.hotCalls} times during the workload but the digests recorded no statement of it: a query that never runs hides the problem, it does not fix it`,
      );
      const perCall = m.hot.rowsExamined / Math.max(1, m.run.hotCalls);
      const factor = perCall > 0 ? baseline.rowsExaminedPerCall / perCall : Number.POSITIVE_INFINITY;
      ensure(
        perCall * REQUIRED_FACTOR <= baseline.rowsExaminedPerCall,
        `rows examined per call still ${grouped(perCall)} (before the fix ${grouped(baseline.rowsExaminedPerCall)}; at most ${grouped(baseline.rowsExaminedPerCall / REQUIRED_FACTOR)} needed): the table is scanned - ${await indexDiagnosis(h)}`,
      );
      return `rows examined per call ${grouped(baseline.rowsExaminedPerCall)} -> ${grouped(perCall)} (${Number.isFinite(factor) ? `${grouped(factor)}x` : 'all'} fewer); avg latency ${msText(baseline.avgMs)} -> ${msText(avgMs(m.hot))}`;
    },
  },
  {
    id: id('same-rows'),
    name: 'ordersForCustomer still returns every order of the customer, newest first',
    hint: 'A fix changes how the rows are found, not which rows come back: no LIMIT, same ORDER BY created_at DESC, id DESC.',
    async run(h) {
      await migrated(h, 'the rows ordersForCustomer returns');
      const db = h.learnerDb();
      for (const customer of SAMPLE_CUSTOMERS) {
        const expected = expectedOrderIds(customer);
        const value = await h.call('ordersForCustomer', db, customer);
        ensure(Array.isArray(value), `ordersForCustomer(db, ${customer}) returned ${show(value)}, expected an array of order rows`);
        const ids = (value as Array<Record<string, unknown> | null>).map((row) => Number(row?.id));
        const call = `ordersForCustomer(db, ${customer})`;
        ensure(
          ids.length === expected.length,
          expected.length === 0
            ? `${call} returned ${ids.length} orders for a customer who has none`
            : `${call} returned ${ids.length} orders; customer ${customer} has ${expected.length}${ids.length < expected.length ? ': rows are lost (a LIMIT, or a filter that drops some?)' : ''}`,
        );
        const sorted = [...ids].sort((a, b) => b - a);
        const missing = expected.filter((x) => !ids.includes(x));
        ensure(
          missing.length === 0,
          `${call} returned orders ${show(ids.slice(0, 6))}... that are not customer ${customer}'s (missing ${show(missing.slice(0, 5))})`,
        );
        ensure(
          ids.every((x, i) => x === sorted[i]),
          `${call} returned customer ${customer}'s orders in the order ${show(ids.slice(0, 6))}...; keep ORDER BY created_at DESC, id DESC (newest first)`,
        );
      }
      return `the same orders as the seed for customers ${SAMPLE_CUSTOMERS.join(', ')} (20 each, none for ${SAMPLE_CUSTOMERS.at(-1)}), newest first`;
    },
  },
  {
    id: id('every-call-reaches-db'),
    name: 'every call of ordersForCustomer reaches the database (the digests count them)',
    hint: 'Fix the statement, do not hide it: no in-process cache of the results, no skipped calls. The digests must see a call for every call.',
    async run(h) {
      await migrated(h, 'the calls the database sees');
      const m = await h.measureWorkload({ hotQuery: h.learnerHotQuery });
      hotRunOk(m);
      const reading = m.hotStatements.filter((d) => /`orders`/i.test(d.digestText));
      const seen = reading.reduce((sum, d) => sum + d.calls, 0);
      ensure(
        seen >= m.run.hotCalls,
        `the workload called ordersForCustomer ${m.run.hotCalls} times and the digests saw ${seen} calls of a statement reading orders: ` +
          'answers that never reach the database (an in-process cache?) hide the statement instead of fixing it',
      );
      const main = reading.sort((a, b) => b.calls - a.calls)[0];
      return `${m.run.hotCalls} calls of ordersForCustomer, ${seen} in the digests (${quote(main.digestText)})`;
    },
  },
];
