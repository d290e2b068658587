/**
 * The prepared-statement fast path against a real mariadbd: one server-side
 * prepare per connection, rows as execute returns them, SQL errors with their
 * code, and a fresh prepare on a new connection.
 */
import mysql, { type Connection, type Pool } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalDatabase, type LocalDatabase } from '../../engines/local.js';
import { plain, prepared } from '../prepared.js';

let database: LocalDatabase;
let admin: Connection;
let pool: Pool;

beforeAll(async () => {
  database = await startLocalDatabase();
  const m = database.endpoints.mysql;
  const settings = { host: m.host, port: m.port, user: m.user, password: m.password, database: m.database };
  admin = await mysql.createConnection(settings);
  await admin.query('CREATE TABLE fast (id INT PRIMARY KEY, c VARCHAR(20) NOT NULL)');
  await admin.query("INSERT INTO fast VALUES (1, 'one'), (2, 'two'), (3, 'three')");
  pool = mysql.createPool({ ...settings, connectionLimit: 2 });
});

afterAll(async () => {
  await pool?.end();
  await admin?.end();
  await database?.stop();
});

async function serverPrepares(): Promise<number> {
  const [rows] = await admin.query("SHOW GLOBAL STATUS LIKE 'Com_stmt_prepare'");
  return Number((rows as Array<{ Value: string }>)[0].Value);
}

describe('prepared', () => {
  it('prepares once per connection and returns the rows execute would', async () => {
    const select = prepared('SELECT c FROM fast WHERE id=?');
    const conn = await pool.getConnection();
    try {
      const before = await serverPrepares();
      const results = [];
      for (const id of [1, 2, 3, 2]) results.push(await select(conn, [id]));
      expect(await serverPrepares()).toBe(before + 1);
      expect(results).toEqual([[{ c: 'one' }], [{ c: 'two' }], [{ c: 'three' }], [{ c: 'two' }]]);
      const [viaExecute] = await conn.execute('SELECT c FROM fast WHERE id=?', [3]);
      expect(results[2]).toEqual(viaExecute);
    } finally {
      conn.release();
    }
  });

  it('prepares again on another connection', async () => {
    // Text the first test did not use: mysql2's own per-connection cache would answer a repeat without the server.
    const select = prepared('SELECT id FROM fast WHERE c=?');
    const [a, b] = [await pool.getConnection(), await pool.getConnection()];
    try {
      const before = await serverPrepares();
      expect(await select(a, ['one'])).toEqual([{ id: 1 }]);
      expect(await select(b, ['two'])).toEqual([{ id: 2 }]);
      await select(a, ['three']);
      expect(await serverPrepares()).toBe(before + 2);
    } finally {
      a.release();
      b.release();
    }
  });

  it('rejects with the server error, at prepare and at execute', async () => {
    const conn = await pool.getConnection();
    try {
      await expect(prepared('SELECT c FROM missing WHERE id=?')(conn, [1])).rejects.toMatchObject({ code: 'ER_NO_SUCH_TABLE' });
      const insert = prepared('INSERT INTO fast VALUES (?, ?)');
      await expect(insert(conn, [1, 'again'])).rejects.toMatchObject({ code: 'ER_DUP_ENTRY' });
      await expect(plain('SELEC 1')(conn)).rejects.toMatchObject({ code: 'ER_PARSE_ERROR' });
    } finally {
      conn.release();
    }
  });
});
