/**
 * The MySQL relay in front of a real MariaDB: it sees the statements any
 * client sends (text and prepared), and its faults do on the server what
 * they say - a failed COMMIT leaves nothing committed, a drop after the
 * server ran a statement leaves it run, a stalled statement never arrives, a
 * held reply carries what the server read before another client wrote.
 */
import mysql, { type Connection, type RowDataPacket } from 'mysql2/promise';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EndpointProxy } from '../../engines/endpoint-proxy.js';
import { forLearner, type MysqlEndpoint } from '../../engines/endpoints.js';
import { startLocalDatabase, type LocalDatabase } from '../../engines/local.js';

let db: LocalDatabase | undefined;
let proxy: EndpointProxy;
let root: Connection;
let learner: MysqlEndpoint;
const open: Connection[] = [];

beforeAll(async () => {
  db = await startLocalDatabase();
  const e = db.endpoints.mysql;
  learner = forLearner(e);
  root = await mysql.createConnection({ host: e.host, port: e.port, user: e.user, password: e.password, database: e.database });
  await root.query('CREATE TABLE IF NOT EXISTS relay_rows (id INT PRIMARY KEY, v VARCHAR(20)) ENGINE=InnoDB');
  proxy = await EndpointProxy.start(e.port, '127.0.0.1', { protocol: 'mysql' });
});

afterEach(async () => {
  proxy.clearFaults();
  for (const c of open.splice(0)) c.destroy();
  await root.query('DELETE FROM relay_rows');
});

afterAll(async () => {
  await proxy?.close();
  await root?.end();
  await db?.stop();
});

async function viaProxy(extra: Partial<mysql.ConnectionOptions> = {}): Promise<Connection> {
  const conn = await mysql.createConnection({
    host: '127.0.0.1',
    port: proxy.port,
    user: learner.user,
    password: learner.password,
    database: learner.database,
    ...extra,
  });
  conn.on('error', () => undefined);
  open.push(conn);
  return conn;
}

const rows = async (): Promise<string[]> => {
  const [r] = await root.query<RowDataPacket[]>('SELECT v FROM relay_rows ORDER BY id');
  return r.map((x) => String(x.v));
};

const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (err: { code?: string; errno?: number; message?: string }) => err,
  );

const isCommit = (s: { sql?: string }) => /^\s*COMMIT/i.test(s.sql ?? '');

describe('the relay sees statements', () => {
  it('records text and prepared statements with the connection that sent them', async () => {
    const from = proxy.statements.length;
    const a = await viaProxy();
    const b = await viaProxy();
    await a.query('SELECT 1 AS one');
    await b.execute('SELECT ? AS two', [2]);
    await b.execute('SELECT ? AS two', [3]);
    const seen = proxy.statements.slice(from).filter((s) => s.sql?.includes('AS'));
    expect(seen.map((s) => [s.command, s.sql])).toEqual([
      ['query', 'SELECT 1 AS one'],
      ['prepare', 'SELECT ? AS two'],
      ['execute', 'SELECT ? AS two'],
      ['execute', 'SELECT ? AS two'],
    ]);
    expect(seen[0].connection).not.toBe(seen[1].connection);
  });

  it('a client that asks for compression still talks plain packets the relay reads', async () => {
    const from = proxy.statements.length;
    const conn = await viaProxy({ compress: true });
    const [r] = await conn.query<RowDataPacket[]>("SELECT 'plain' AS p");
    expect(r[0].p).toBe('plain');
    expect(proxy.statements.slice(from).some((s) => s.sql === "SELECT 'plain' AS p")).toBe(true);
  });
});

describe('faults', () => {
  it('a failed COMMIT leaves nothing committed and the connection usable', async () => {
    const conn = await viaProxy();
    const armed = proxy.inject({ match: isCommit, fault: { type: 'fail', code: 1213, sqlState: '40001', message: 'Deadlock found' } });
    await conn.beginTransaction();
    await conn.query("INSERT INTO relay_rows VALUES (1, 'lost')");
    const err = await failure(conn.commit());
    expect(err?.errno).toBe(1213);
    expect(armed.hits).toHaveLength(1);
    expect(await rows()).toEqual([]);
    await conn.query("INSERT INTO relay_rows VALUES (2, 'kept')");
    expect(await rows()).toEqual(['kept']);
  });

  it('a failed statement never runs, the next one does; a fault is spent after `times`', async () => {
    const conn = await viaProxy();
    proxy.inject({ match: (s) => s.sql?.startsWith('INSERT') ?? false, fault: { type: 'fail', code: 1205 }, times: 2 });
    expect((await failure(conn.query("INSERT INTO relay_rows VALUES (1, 'a')")))?.errno).toBe(1205);
    expect((await failure(conn.execute('INSERT INTO relay_rows VALUES (?, ?)', [2, 'b'])))?.errno).toBe(1205);
    await conn.query("INSERT INTO relay_rows VALUES (3, 'c')");
    expect(await rows()).toEqual(['c']);
  });

  it('a drop before the server leaves the statement unrun; after the server, run but unanswered', async () => {
    const before = await viaProxy();
    proxy.inject({ match: (s) => s.sql?.includes("'before'") ?? false, fault: { type: 'drop' } });
    expect((await failure(before.query("INSERT INTO relay_rows VALUES (1, 'before')")))?.code).toMatch(/PROTOCOL_CONNECTION_LOST|ECONNRESET/);
    const after = await viaProxy();
    proxy.inject({ match: (s) => s.sql?.includes("'after'") ?? false, fault: { type: 'drop', afterServer: true } });
    expect((await failure(after.query("INSERT INTO relay_rows VALUES (2, 'after')")))?.code).toMatch(/PROTOCOL_CONNECTION_LOST|ECONNRESET/);
    expect(await rows()).toEqual(['after']);
  });

  it('a stalled statement never reaches the server until released', async () => {
    const conn = await viaProxy();
    proxy.inject({ match: (s) => s.sql?.startsWith('INSERT') ?? false, fault: { type: 'stall' } });
    const err = await failure(conn.query({ sql: "INSERT INTO relay_rows VALUES (1, 'stalled')", timeout: 300 }));
    expect(err?.code).toBe('PROTOCOL_SEQUENCE_TIMEOUT');
    expect(await rows()).toEqual([]);

    let release!: () => void;
    const other = await viaProxy();
    proxy.inject({ match: (s) => s.sql?.startsWith('INSERT') ?? false, fault: { type: 'stall', until: new Promise<void>((r) => (release = r)) } });
    const pending = other.query("INSERT INTO relay_rows VALUES (2, 'late')");
    await new Promise((r) => setTimeout(r, 100));
    expect(await rows()).toEqual([]);
    release();
    await pending;
    expect(await rows()).toEqual(['late']);
  });

  it('a held reply carries what the server read before another client wrote: a real race', async () => {
    await root.query("INSERT INTO relay_rows VALUES (1, 'old')");
    const reader = await viaProxy();
    let release!: () => void;
    const armed = proxy.inject({
      match: (s) => s.sql?.startsWith('SELECT v') ?? false,
      fault: { type: 'hold-reply', until: new Promise<void>((r) => (release = r)) },
    });
    const read = reader.query<RowDataPacket[]>('SELECT v FROM relay_rows WHERE id = 1');
    await armed.firstHit;
    await new Promise((r) => setTimeout(r, 50));
    await root.query("UPDATE relay_rows SET v = 'new' WHERE id = 1");
    release();
    const [r] = await read;
    expect(r[0].v).toBe('old');
    expect(await rows()).toEqual(['new']);
  });

  it('a client that requires TLS is refused, as by a server without it', async () => {
    const err = await failure(viaProxy({ ssl: { rejectUnauthorized: true } }));
    expect(err?.code).toBe('HANDSHAKE_NO_SSL_SUPPORT');
  });

  it('a plain TCP endpoint refuses statement faults', async () => {
    const tcp = await EndpointProxy.start(db!.endpoints.mysql.port);
    try {
      expect(() => tcp.inject({ match: () => true, fault: { type: 'drop' } })).toThrow(/protocol: mysql/);
    } finally {
      await tcp.close();
    }
  });
});
