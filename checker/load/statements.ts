/**
 * Ready-made statements over sysbench's table shape (sbtest1: id, k, c, pad,
 * as `sysbench oltp_* prepare` creates it), so our figures and sysbench's
 * describe the same work on the same rows.
 */
import type { PoolConnection } from 'mysql2/promise';
import type { LoadStatement } from './load-generator.js';
import { plain, prepared } from './prepared.js';
import { randomInt } from './random.js';

export const SBTEST_TABLE = 'sbtest1';
export const SBTEST_ROWS = 10_000;
/** sysbench's default range size for range SELECTs. */
const RANGE = 100;

const DIGITS = '0123456789';
/** A string shaped like sysbench's c (10 groups of 11 digits, 119 characters) or pad (5 groups) values. */
export function sysbenchText(rand: () => number, groups: number): string {
  const parts: string[] = [];
  for (let g = 0; g < groups; g += 1) {
    let part = '';
    for (let i = 0; i < 11; i += 1) part += DIGITS[Math.floor(rand() * 10)];
    parts.push(part);
  }
  return parts.join('-');
}

/** sysbench oltp_point_select: one primary-key lookup. */
export function pointSelect(table = SBTEST_TABLE, rows = SBTEST_ROWS): LoadStatement {
  const select = prepared(`SELECT c FROM ${table} WHERE id=?`);
  return { name: 'point-select', kind: 'read', run: (conn, rand) => select(conn, [randomInt(rand, 1, rows)]) };
}

/** One write by primary key (sysbench's index update). */
export function indexUpdate(table = SBTEST_TABLE, rows = SBTEST_ROWS): LoadStatement {
  const update = prepared(`UPDATE ${table} SET k=k+1 WHERE id=?`);
  return { name: 'index-update', kind: 'write', run: (conn, rand) => update(conn, [randomInt(rand, 1, rows)]) };
}

/**
 * sysbench oltp_read_write's transaction, query for query: BEGIN, 10 point
 * selects, 4 range selects, 2 updates, a delete and an insert of the same id,
 * COMMIT (20 queries). A failed transaction is rolled back and counts once.
 */
export function readWriteTransaction(table = SBTEST_TABLE, rows = SBTEST_ROWS): LoadStatement {
  const q = {
    point: prepared(`SELECT c FROM ${table} WHERE id=?`),
    simple: prepared(`SELECT c FROM ${table} WHERE id BETWEEN ? AND ?`),
    sum: prepared(`SELECT SUM(k) FROM ${table} WHERE id BETWEEN ? AND ?`),
    order: prepared(`SELECT c FROM ${table} WHERE id BETWEEN ? AND ? ORDER BY c`),
    distinct: prepared(`SELECT DISTINCT c FROM ${table} WHERE id BETWEEN ? AND ? ORDER BY c`),
    indexUpdate: prepared(`UPDATE ${table} SET k=k+1 WHERE id=?`),
    nonIndexUpdate: prepared(`UPDATE ${table} SET c=? WHERE id=?`),
    delete: prepared(`DELETE FROM ${table} WHERE id=?`),
    insert: prepared(`INSERT INTO ${table} (id, k, c, pad) VALUES (?, ?, ?, ?)`),
    begin: plain('BEGIN'),
    commit: plain('COMMIT'),
    rollback: plain('ROLLBACK'),
  };
  const ranges = [q.simple, q.sum, q.order, q.distinct];
  const id = (rand: () => number) => randomInt(rand, 1, rows);
  async function transaction(conn: PoolConnection, rand: () => number): Promise<void> {
    await q.begin(conn);
    try {
      for (let i = 0; i < 10; i += 1) await q.point(conn, [id(rand)]);
      for (const range of ranges) {
        const from = id(rand);
        await range(conn, [from, from + RANGE - 1]);
      }
      await q.indexUpdate(conn, [id(rand)]);
      await q.nonIndexUpdate(conn, [sysbenchText(rand, 10), id(rand)]);
      const gone = id(rand);
      await q.delete(conn, [gone]);
      await q.insert(conn, [gone, id(rand), sysbenchText(rand, 10), sysbenchText(rand, 5)]);
      await q.commit(conn);
    } catch (err) {
      await q.rollback(conn).catch(() => {});
      throw err;
    }
  }
  return { name: 'read-write-transaction', kind: 'write', queries: 20, run: transaction };
}

/** Point selects and single-row updates in a chosen proportion (writePercent of the operations write). */
export function readWriteMix(writePercent: number, table = SBTEST_TABLE, rows = SBTEST_ROWS): LoadStatement[] {
  if (writePercent <= 0) return [pointSelect(table, rows)];
  if (writePercent >= 100) return [indexUpdate(table, rows)];
  return [
    { ...pointSelect(table, rows), weight: 100 - writePercent },
    { ...indexUpdate(table, rows), weight: writePercent },
  ];
}

/** Any SQL text; each `?` gets a random id between 1 and `rows`. */
export function customStatement(sql: string, name: string, rows = SBTEST_ROWS): LoadStatement {
  const params = (sql.match(/\?/g) ?? []).length;
  const write = /^\s*(insert|update|delete|replace)\b/i.test(sql);
  return {
    name,
    kind: write ? 'write' : 'read',
    run: (conn, rand) =>
      params === 0
        ? conn.query(sql)
        : conn.execute(
            sql,
            Array.from({ length: params }, () => randomInt(rand, 1, rows)),
          ),
  };
}
