/**
 * Creates sysbench's table (sbtest1) from Node, for runs without sysbench
 * installed: same columns, keys and value shapes as `sysbench oltp_* prepare`.
 */
import type { Connection } from 'mysql2/promise';
import { seededRandom, randomInt } from './random.js';
import { SBTEST_ROWS, SBTEST_TABLE, sysbenchText } from './statements.js';

export async function prepareSbtest(conn: Connection, rows = SBTEST_ROWS, table = SBTEST_TABLE): Promise<void> {
  await conn.query(`DROP TABLE IF EXISTS ${table}`);
  await conn.query(`CREATE TABLE ${table} (
    id INTEGER NOT NULL AUTO_INCREMENT,
    k INTEGER DEFAULT '0' NOT NULL,
    c CHAR(120) DEFAULT '' NOT NULL,
    pad CHAR(60) DEFAULT '' NOT NULL,
    PRIMARY KEY (id)
  ) ENGINE = InnoDB`);
  const rand = seededRandom(1);
  const batch = 1_000;
  for (let start = 0; start < rows; start += batch) {
    const values: unknown[][] = [];
    for (let i = start; i < Math.min(rows, start + batch); i += 1) values.push([randomInt(rand, 1, rows), sysbenchText(rand, 10), sysbenchText(rand, 5)]);
    await conn.query(`INSERT INTO ${table} (k, c, pad) VALUES ?`, [values]);
  }
  await conn.query(`CREATE INDEX k_1 ON ${table}(k)`);
}
