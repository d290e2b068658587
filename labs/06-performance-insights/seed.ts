/**
 * The Lab 6 data: the course's `items` table (the ORDER BY RAND() read and
 * the insert of the load test) and the planted problem, `orders`, 100,000 rows
 * with no index on customer_id although the hottest query filters on it.
 * Portable SQL, so the same seed runs on local MariaDB and on RDS MySQL.
 *
 * Every value is a formula of the row number, so the checker knows each
 * customer's orders without asking the database (a "fix" that changes the
 * data cannot pass by agreeing with itself).
 */
import type { Connection } from 'mysql2/promise';
import { numberedRows } from '../../checker/core/seed-sql.js';

export const ORDER_COUNT = 100_000;
export const CUSTOMER_COUNT = 5_000;
export const ITEM_COUNT = 1_000;
const ORDER_STEP = 7_919; // coprime with CUSTOMER_COUNT: every customer gets ORDER_COUNT / CUSTOMER_COUNT orders
export const STATUSES = ['placed', 'paid', 'shipped', 'delivered'] as const;
/** The seed's first order is at this time; order n is n minutes later. */
export const SEED_START = '2026-01-01 00:00:00';

/** Where MySQL and MariaDB keep the statement digests (the local stand-in for Performance Insights' top SQL). */
export const DIGEST_TABLE = 'performance_schema.events_statements_summary_by_digest';

/** The hot query exactly as the starting exercise runs it: every customer's orders, newest first. */
export const ORDERS_FOR_CUSTOMER_SQL = 'SELECT id, customer_id, status, total, created_at FROM orders WHERE customer_id = ? ORDER BY created_at DESC, id DESC';

/** The course's load test: a random row (a sort of the whole table per call) and an insert. */
export const RANDOM_ITEM_SQL = 'SELECT id, name, price FROM items ORDER BY RAND() LIMIT 1';
export const INSERT_ITEM_SQL = 'INSERT INTO items (name, price) VALUES (?, ?)';

const SEQUENCE_100K = numberedRows(5);

export const customerOf = (orderId: number) => 1 + ((orderId * ORDER_STEP) % CUSTOMER_COUNT);

/** Order ids of a customer, newest first: what ordersForCustomer must return. */
export function expectedOrderIds(customerId: number): number[] {
  const ids: number[] = [];
  for (let n = ORDER_COUNT; n >= 1; n -= 1) if (customerOf(n) === customerId) ids.push(n);
  return ids;
}

const ORDERS_TABLE = `CREATE TABLE orders (
  id INT NOT NULL PRIMARY KEY,
  customer_id INT NOT NULL,
  status VARCHAR(16) NOT NULL,
  total DECIMAL(10,2) NOT NULL,
  created_at DATETIME NOT NULL
)`;
const ITEMS_TABLE = `CREATE TABLE items (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name VARCHAR(64) NOT NULL,
  price DECIMAL(10,2) NOT NULL
)`;
const ORDER_COLUMNS = 'id,customer_id,status,total,created_at';
const ITEM_COLUMNS = 'id,name,price';

async function rows<Row>(conn: Connection, sql: string, params: unknown[] = []): Promise<Row[]> {
  const [result] = await conn.query(sql, params);
  return result as Row[];
}

async function fillOrders(conn: Connection): Promise<void> {
  await conn.query('DROP TABLE IF EXISTS orders');
  await conn.query(ORDERS_TABLE);
  await conn.query(
    `INSERT INTO orders (id, customer_id, status, total, created_at)
     SELECT n, 1 + MOD(n * ?, ?), ELT(1 + MOD(n, 4), ${STATUSES.map((s) => `'${s}'`).join(', ')}), MOD(n * 37, 50000) / 100,
            TIMESTAMP('${SEED_START}') + INTERVAL n MINUTE
     FROM ${SEQUENCE_100K} WHERE n <= ?`,
    [ORDER_STEP, CUSTOMER_COUNT, ORDER_COUNT],
  );
}

async function fillItems(conn: Connection): Promise<void> {
  await conn.query('DROP TABLE IF EXISTS items');
  await conn.query(ITEMS_TABLE);
  await conn.query(`INSERT INTO items (id, name, price) SELECT n, CONCAT('item ', n), MOD(n * 13, 10000) / 100 FROM ${SEQUENCE_100K} WHERE n <= ?`, [
    ITEM_COUNT,
  ]);
}

/** Sums the seed's formulas give, so a changed row anywhere shows (computed once, in JS). */
let expectedFingerprint: string | undefined;
function seedFingerprint(): string {
  if (expectedFingerprint) return expectedFingerprint;
  let customers = 0;
  let weighted = 0;
  let cents = 0;
  let minutes = 0;
  let statuses = 0;
  for (let n = 1; n <= ORDER_COUNT; n += 1) {
    const customer = customerOf(n);
    customers += customer;
    weighted += n * customer;
    cents += (n * 37) % 50_000;
    minutes += n;
    statuses += n * (1 + (n % 4));
  }
  expectedFingerprint = [ORDER_COUNT, customers, weighted, cents, minutes, statuses].join(':');
  return expectedFingerprint;
}

async function ordersFingerprint(conn: Connection): Promise<string> {
  const [f] = await rows<Record<string, unknown>>(
    conn,
    `SELECT COUNT(*) AS c, SUM(customer_id) AS customers, SUM(id * customer_id) AS weighted, SUM(ROUND(total * 100)) AS cents,
            SUM(TIMESTAMPDIFF(MINUTE, '${SEED_START}', created_at)) AS minutes,
            SUM(id * FIELD(status, ${STATUSES.map((s) => `'${s}'`).join(', ')})) AS statuses
     FROM orders`,
  );
  return [f.c, f.customers, f.weighted, f.cents, f.minutes, f.statuses].map((v) => String(Number(v ?? 0))).join(':');
}

/** Undefined while orders holds exactly the seed's rows; otherwise what changed, in a few words. */
export async function ordersChange(conn: Connection): Promise<string | undefined> {
  const now = await ordersFingerprint(conn);
  if (now === seedFingerprint()) return undefined;
  const count = Number(now.split(':')[0]);
  return count === ORDER_COUNT
    ? `orders still holds ${ORDER_COUNT.toLocaleString('en-US')} rows, but their values are not the seed's`
    : `orders holds ${count.toLocaleString('en-US')} rows instead of the seed's ${ORDER_COUNT.toLocaleString('en-US')}`;
}

async function primaryKeyOf(conn: Connection, table: string): Promise<string> {
  const found = await rows<{ col: string }>(
    conn,
    `SELECT COLUMN_NAME AS col FROM information_schema.STATISTICS
     WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND INDEX_NAME = 'PRIMARY' ORDER BY SEQ_IN_INDEX`,
    [table],
  );
  return found.map((r) => r.col).join(',');
}

async function columnsOf(conn: Connection, table: string): Promise<string> {
  const found = await rows<{ name: string }>(
    conn,
    'SELECT COLUMN_NAME AS name FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION',
    [table],
  );
  return found.map((c) => c.name).join(',');
}

/** Secondary indexes on a table, e.g. [{ name: 'idx_customer', columns: ['customer_id'] }]. */
export async function secondaryIndexes(conn: Connection, table: string): Promise<Array<{ name: string; columns: string[] }>> {
  const found = await rows<{ name: string; col: string }>(
    conn,
    `SELECT INDEX_NAME AS name, COLUMN_NAME AS col FROM information_schema.STATISTICS
     WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND INDEX_NAME <> 'PRIMARY' ORDER BY INDEX_NAME, SEQ_IN_INDEX`,
    [table],
  );
  const byName = new Map<string, string[]>();
  for (const r of found) byName.set(r.name, [...(byName.get(r.name) ?? []), r.col]);
  return [...byName].map(([name, columns]) => ({ name, columns }));
}

/**
 * Puts the lab's tables back to the seed state: no index but the primary
 * keys, the seed rows, nothing else in the schema. Cheap when nothing changed
 * (one aggregate over orders), a rebuild when something did.
 */
export async function resetDatabase(conn: Connection): Promise<void> {
  const tables = await rows<{ name: string; type: string }>(
    conn,
    'SELECT TABLE_NAME AS name, TABLE_TYPE AS type FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()',
  );
  for (const t of tables) {
    if (t.name === 'orders' || t.name === 'items') continue;
    await conn.query(`DROP ${t.type === 'VIEW' ? 'VIEW' : 'TABLE'} IF EXISTS \`${t.name.replace(/`/g, '``')}\``);
  }
  const has = new Set(tables.filter((t) => t.type !== 'VIEW').map((t) => t.name));

  // A fix may have changed the primary key too (say to customer_id, id): that is rebuilt, not kept for the next run.
  if (!has.has('orders') || (await columnsOf(conn, 'orders')) !== ORDER_COLUMNS || (await primaryKeyOf(conn, 'orders')) !== 'id') {
    await fillOrders(conn);
  } else {
    for (const index of await secondaryIndexes(conn, 'orders')) await conn.query(`ALTER TABLE orders DROP INDEX \`${index.name.replace(/`/g, '``')}\``);
    if ((await ordersFingerprint(conn)) !== seedFingerprint()) await fillOrders(conn);
  }

  if (!has.has('items') || (await columnsOf(conn, 'items')) !== ITEM_COLUMNS || (await primaryKeyOf(conn, 'items')) !== 'id') {
    await fillItems(conn);
  } else {
    for (const index of await secondaryIndexes(conn, 'items')) await conn.query(`ALTER TABLE items DROP INDEX \`${index.name.replace(/`/g, '``')}\``);
    await conn.query('DELETE FROM items WHERE id > ?', [ITEM_COUNT]);
    const [count] = await rows<{ c: number }>(conn, 'SELECT COUNT(*) AS c FROM items');
    if (Number(count.c) !== ITEM_COUNT) await fillItems(conn);
    else await conn.query(`ALTER TABLE items AUTO_INCREMENT = ${ITEM_COUNT + 1}`);
  }
}
