/**
 * Exercise 2: fix the statement that carries the load, and prove it by what
 * the database reports. Every check runs the learner's migrate on the seed
 * schema (no index), then judges from the server and from the Db it handed
 * over: rows examined per call against the baseline this server measured for
 * the unindexed table; the rows ordersForCustomer returns against the seed's
 * formula plus orders the checker adds (more than 20 for one customer, some
 * back-dated, some at the same minute); the calls the digests saw against the
 * calls made; what migrate sent and whether it was still running when it
 * returned; the data after migrate; and ordersForCustomer's answer when its
 * query fails.
 */
import { CUSTOMER_COUNT, expectedOrderIds, ORDER_COUNT, ordersChange, secondaryIndexes, SEED_START } from '../../../../labs/06-performance-insights/seed.js';
import { CheckFailed, ensure, type ExerciseCheck } from '../../../runner/harness.js';
import { avgMs, isBookkeeping } from '../digests.js';
import type { InsightsHarness, MeasuredWorkload } from '../session.js';
import type { TextProtocolDb as InsightsDb } from '../text-db.js';
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

/** The customer the checker adds orders for after migrate: 15 more than the seed's 20, so 35 in all. */
const BUSY_CUSTOMER = 17;
/** Customers the results are compared for: the busy one, a few with the seed's 20 orders, and one with none. */
const SAMPLE_CUSTOMERS = [BUSY_CUSTOMER, 1, 2_500, CUSTOMER_COUNT, CUSTOMER_COUNT + 123];

interface PlannedOrder {
  id: number;
  /** Minutes after SEED_START (negative: before it). */
  minute: number;
}

/**
 * The checker's own orders for BUSY_CUSTOMER, ids above the seed's: five newer
 * than any, five back-dated before the seed began (a larger id on an older
 * order), and five at the very minute of one of the customer's seed orders
 * (the larger id first).
 */
function extraOrders(): PlannedOrder[] {
  const seedIds = expectedOrderIds(BUSY_CUSTOMER);
  return [
    ...[1, 2, 3, 4, 5].map((k) => ({ id: ORDER_COUNT + k, minute: ORDER_COUNT + 1_000 + k * 10 })),
    ...[6, 7, 8, 9, 10].map((k) => ({ id: ORDER_COUNT + k, minute: -60 * k })),
    ...[11, 12, 13, 14, 15].map((k, i) => ({ id: ORDER_COUNT + k, minute: seedIds[i * 4] })),
  ];
}

/** Ids of a customer's orders, newest first (by created_at, then the larger id), the checker's extra orders included. */
function expectedIds(customerId: number): number[] {
  const planned: PlannedOrder[] = expectedOrderIds(customerId).map((n) => ({ id: n, minute: n }));
  if (customerId === BUSY_CUSTOMER) planned.push(...extraOrders());
  return planned.sort((x, y) => y.minute - x.minute || y.id - x.id).map((o) => o.id);
}

const minuteOf = (orderId: number) => (orderId <= ORDER_COUNT ? orderId : (extraOrders().find((o) => o.id === orderId)?.minute ?? Number.NaN));

async function addExtraOrders(h: InsightsHarness): Promise<void> {
  const extra = extraOrders();
  try {
    await h.sql.query(
      `INSERT INTO orders (id, customer_id, status, total, created_at) VALUES ${extra.map(() => '(?, ?, ?, ?, TIMESTAMP(?) + INTERVAL ? MINUTE)').join(', ')}`,
      extra.flatMap((o) => [o.id, BUSY_CUSTOMER, 'paid', (o.id % 1000) / 10, SEED_START, o.minute]),
    );
  } catch (err) {
    throw new CheckFailed(
      `after migrate(db) the checker could not add orders of its own (${(err as Error).message}): a fix may add indexes, not change what an order row is`,
    );
  }
}

const removeExtraOrders = (h: InsightsHarness) => h.sql.query('DELETE FROM orders WHERE id > ?', [ORDER_COUNT]).then(() => undefined);

const COLUMNS = ['id', 'customer_id', 'status', 'total', 'created_at'] as const;
const timeOf = (v: unknown) => (v instanceof Date ? v.getTime() : typeof v === 'string' || typeof v === 'number' ? new Date(v).getTime() : Number.NaN);
const SAME: Record<(typeof COLUMNS)[number], (mine: unknown, table: unknown) => boolean> = {
  id: (a, b) => Number(a) === Number(b),
  customer_id: (a, b) => Number(a) === Number(b),
  status: (a, b) => a === b,
  total: (a, b) => (typeof a === 'string' || typeof a === 'number') && Number(a) === Number(b),
  created_at: (a, b) => timeOf(a) === timeOf(b),
};

/** Differences between the learner's rows and the table's own rows of the same ids, as one phrase (undefined if none). */
function rowDifference(mine: Array<Record<string, unknown>>, table: Map<number, Record<string, unknown>>): string | undefined {
  for (const row of mine) {
    const missing = COLUMNS.filter((c) => !(c in row));
    if (missing.length > 0) return `order ${show(row.id)} has no ${missing.join(', ')}: return each order with ${COLUMNS.join(', ')}`;
    const theirs = table.get(Number(row.id));
    if (!theirs) continue;
    const wrong = COLUMNS.find((c) => !SAME[c](row[c], theirs[c]));
    if (wrong) return `order ${show(row.id)} has ${wrong} ${show(row[wrong])} where the table holds ${show(theirs[wrong])}`;
  }
  return undefined;
}

/** Statements the digests saw that read the orders table (the learner's, whatever their text). */
const ordersReads = (digests: Array<{ digestText: string; calls: number }>) =>
  digests.filter((d) => /`orders`/i.test(d.digestText) && !isBookkeeping(d.digestText)).reduce((sum, d) => sum + d.calls, 0);

/**
 * Index and column forms MariaDB accepts and RDS for MySQL 8.4 answers with a
 * syntax error: IF [NOT] EXISTS on an index, key, column, constraint or
 * partition, and CREATE OR REPLACE for a table or index.
 */
const MARIADB_ONLY = [/\b(INDEX|KEY|COLUMN|CONSTRAINT|PARTITION|ADD|DROP)\s+IF\s+(NOT\s+)?EXISTS\b/i, /\bCREATE\s+OR\s+REPLACE\s+(TABLE|INDEX)\b/i];

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
    name: 'ordersForCustomer still returns every order of the customer, whole, newest first',
    hint: 'A fix changes how the rows are found, not which rows come back: no LIMIT, every column, ORDER BY created_at DESC, id DESC.',
    async run(h) {
      await migrated(h, 'the rows ordersForCustomer returns');
      await addExtraOrders(h);
      try {
        const db = h.learnerDb();
        for (const customer of SAMPLE_CUSTOMERS) {
          const expected = expectedIds(customer);
          const call = `ordersForCustomer(db, ${customer})`;
          const value = await h.call('ordersForCustomer', db, customer);
          ensure(Array.isArray(value), `${call} returned ${show(value)}, expected an array of order rows`);
          const rows = (value as unknown[]).map((row) => (row && typeof row === 'object' ? (row as Record<string, unknown>) : {}));
          const ids = rows.map((row) => Number(row.id));
          const extra = customer === BUSY_CUSTOMER ? ` (the seed's 20 and ${expected.length - 20} the checker added after migrate)` : '';
          ensure(
            ids.length === expected.length,
            expected.length === 0
              ? `${call} returned ${ids.length} orders for a customer who has none`
              : `${call} returned ${ids.length} orders; customer ${customer} has ${expected.length}${extra}${ids.length < expected.length ? ': rows are lost (a LIMIT, a copy of the table, or a filter that drops some?)' : ''}`,
          );
          const missing = expected.filter((x) => !ids.includes(x));
          ensure(
            missing.length === 0,
            `${call} returned orders ${show(ids.slice(0, 6))}... that are not customer ${customer}'s (missing ${show(missing.slice(0, 5))})`,
          );
          const at = ids.findIndex((x, i) => x !== expected[i]);
          if (at >= 0) {
            const [given, due] = [ids[at], expected[at]];
            throw new CheckFailed(
              `${call} put order ${given} (created at minute ${minuteOf(given)} of the seed) at place ${at + 1}, where order ${due} (minute ${minuteOf(due)}) belongs: ` +
                'newest first means by created_at, and the larger id first where two orders share a created_at',
            );
          }
          if (rows.length === 0) continue;
          const [table] = await h.sql.query('SELECT id, customer_id, status, total, created_at FROM orders WHERE customer_id = ?', [customer]);
          const byId = new Map((table as Array<Record<string, unknown>>).map((r) => [Number(r.id), r]));
          const difference = rowDifference(rows, byId);
          ensure(!difference, `${call}: ${difference}`);
        }
      } finally {
        await removeExtraOrders(h);
      }
      return `the seed's orders for customers ${SAMPLE_CUSTOMERS.slice(1).join(', ')} (20 each, none for ${SAMPLE_CUSTOMERS.at(-1)}) and customer ${BUSY_CUSTOMER}'s 35 with the checker's, whole, newest first`;
    },
  },
  {
    id: id('every-call-reaches-db'),
    name: 'every call of ordersForCustomer reaches the database (the digests count them)',
    hint: 'Fix the statement, do not hide it: no in-process cache of the results, no skipped calls. The digests must see a call for every call.',
    async run(h) {
      await migrated(h, 'the calls the database sees');
      const repeats = 3;
      const before = await h.settledDigests();
      const db = h.learnerDb();
      for (let i = 0; i < repeats; i += 1) await h.call('ordersForCustomer', db, 42);
      const after = await h.settledDigests();
      const reached = ordersReads(after) - ordersReads(before);
      ensure(
        reached >= repeats,
        `${repeats} calls of ordersForCustomer(db, 42) in a row reached the orders table ${reached} times: ` +
          'answers that never reach the database (an in-process cache?) hide the statement instead of fixing it',
      );
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
      return `${repeats} repeated calls and ${m.run.hotCalls} calls in the workload all reached the database (${quote(main.digestText)})`;
    },
  },
  {
    id: id('migrate-awaits'),
    name: 'migrate(db) returns only once its schema change is done',
    hint: 'await every db.query in migrate: the workload starts as soon as migrate returns.',
    async run(h) {
      const { outcome, inFlight } = await h.migrateWatched();
      if (!outcome.ok) throw new CheckFailed(`${outcome.error.message}: whether migrate(db) waits for its statements can only be judged once it runs`);
      ensure(
        inFlight.length === 0,
        `migrate(db) returned while ${quote(inFlight[0] ?? '')} was still running on the server: the workload would start before the change exists (and a failure would go unseen)`,
      );
      const indexes = await secondaryIndexes(h.sql, 'orders');
      return `every statement had answered when migrate returned; orders has ${indexes.map((i) => `${i.name} (${i.columns.join(', ')})`).join(', ') || 'no secondary index'}`;
    },
  },
  {
    id: id('portable-sql'),
    name: 'migrate(db) sends SQL that RDS for MySQL 8.4 accepts as well as MariaDB',
    hint: 'CREATE INDEX name ON orders (...) or ALTER TABLE orders ADD INDEX name (...): both engines take them; IF NOT EXISTS on an index is MariaDB only.',
    async run(h) {
      const { outcome, sent } = await h.migrateWatched();
      if (!outcome.ok) throw new CheckFailed(`${outcome.error.message}: the SQL migrate(db) sends can only be judged once it runs`);
      const mariadbOnly = sent.find((sql) => MARIADB_ONLY.some((form) => form.test(sql)));
      ensure(
        !mariadbOnly,
        `migrate(db) sent ${quote(mariadbOnly ?? '')}, which MariaDB accepts but RDS for MySQL 8.4 rejects as a syntax error (IF [NOT] EXISTS on an index or column, CREATE OR REPLACE): the same fix must run on the AWS target`,
      );
      return `${sent.length} statement${sent.length === 1 ? '' : 's'}, none in a MariaDB-only form`;
    },
  },
  {
    id: id('keeps-the-data'),
    name: 'migrate(db) changes the schema, not the data',
    hint: 'Add an index; do not delete, update or copy orders.',
    async run(h) {
      await migrated(h, 'the data after migrate');
      const change = await ordersChange(h.sql).catch((err: Error) => `orders can no longer be read as the seed made it (${err.message})`);
      ensure(!change, `after migrate(db) ${change}: a fix changes how rows are found, never which rows there are`);
      return `orders still holds the seed's ${grouped(ORDER_COUNT)} rows, unchanged`;
    },
  },
  {
    id: id('errors-reach-the-caller'),
    name: 'when its query fails, ordersForCustomer fails too (it does not answer "no orders")',
    hint: 'Let the error of db.query reach the caller: an empty list would tell it the customer has no orders.',
    async run(h) {
      await migrated(h, 'what ordersForCustomer does when its query fails');
      // A connection that is gone: the driver refuses the query.
      const closed = await h.separateDb();
      await closed.end();
      await expectFailure(h, closed.db, 1, 'on a closed connection');
      // A table locked by another session: the server gives up after lock_wait_timeout.
      const locked = await h.separateDb();
      try {
        await locked.conn.query('SET SESSION lock_wait_timeout = 1');
        await h.sql.query('LOCK TABLES orders WRITE');
        await expectFailure(h, locked.db, 2, 'while another session held a lock on orders');
      } finally {
        await h.sql.query('UNLOCK TABLES');
        await locked.end();
      }
      return 'ordersForCustomer failed with the driver error on a closed connection and with the lock wait timeout on a locked table';
    },
  },
];

async function expectFailure(h: InsightsHarness, db: InsightsDb, customer: number, when: string): Promise<void> {
  const outcome = await h.attempt('ordersForCustomer', db, customer);
  const failure = db.failures[0];
  if (outcome.ok && failure) {
    throw new CheckFailed(
      `ordersForCustomer(db, ${customer}) returned ${show(outcome.value)} although its query failed ${when} (${failure}): let the error reach the caller, an empty list says the customer has no orders`,
    );
  }
}
