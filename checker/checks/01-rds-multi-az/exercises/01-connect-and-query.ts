import mysql from 'mysql2/promise';
import { CheckFailed, ensure, type ExerciseCheck } from '../../../runner/harness.js';
import type { ReplicationHarness } from '../../replication-session.js';
import { show } from '../../show-value.js';

const id = (name: string) => `01.01.${name}`;
const USERS = [
  { name: 'Ada Lovelace', email: 'ada@example.com' },
  { name: 'Grace Hopper', email: 'grace@example.com' },
  { name: 'Alan Turing', email: 'alan@example.com' },
];

type H = ReplicationHarness;

/** A connection the checker made, so each step can be judged on its own. */
async function checkerConnection(h: H): Promise<mysql.Connection> {
  const ctx = h.endpointContext();
  return mysql.createConnection({ ...ctx.connection, connectTimeout: 3_000 } as mysql.ConnectionOptions);
}

async function columns(h: H): Promise<Array<{ name: string; key: string; extra: string }>> {
  const [rows] = await h.primarySql.query(
    `SELECT COLUMN_NAME AS name, COLUMN_KEY AS \`key\`, EXTRA AS extra FROM information_schema.COLUMNS
     WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'users' ORDER BY ORDINAL_POSITION`,
  );
  return rows as Array<{ name: string; key: string; extra: string }>;
}

async function requireTable(h: H): Promise<void> {
  const names = (await columns(h)).map((c) => c.name.toLowerCase());
  if (!['id', 'name', 'email'].every((c) => names.includes(c))) {
    const conn = await checkerConnection(h);
    try {
      await h.call('createUsersTable', conn);
    } finally {
      await conn.end();
    }
    const after = (await columns(h)).map((c) => c.name.toLowerCase());
    if (!['id', 'name', 'email'].every((c) => after.includes(c)))
      throw new CheckFailed('cannot be judged yet: createUsersTable does not create the users table');
  }
}

export const connectAndQueryChecks: ExerciseCheck<H>[] = [
  {
    id: id('connects'),
    name: 'connect() opens a working connection to the endpoint (over TLS on AWS)',
    hint: 'mysql.createConnection({ ...ctx.connection, connectTimeout: ctx.timeoutMs }) - ctx.connection carries host, port, user, password, database and, on AWS, ssl.',
    async run(h) {
      const conn = (await h.call('connect', h.endpointContext())) as mysql.Connection | undefined;
      ensure(conn && typeof (conn as mysql.Connection).query === 'function', `connect() returned ${show(conn)}, not a mysql2 connection`);
      try {
        const [rows] = await conn.query('SELECT @@server_id AS id');
        const serverId = Number((rows as Array<{ id: number }>)[0]?.id);
        ensure(Number.isFinite(serverId), 'the connection from connect() could not run SELECT @@server_id');
        const [status] = await conn.query("SHOW SESSION STATUS LIKE 'Ssl_cipher'");
        const cipher = String((status as Array<{ Value: string }>)[0]?.Value ?? '');
        if (h.endpoints.target === 'aws') {
          ensure(cipher !== '', 'the connection is not encrypted: keep the ssl options from ctx.connection (the endpoint requires TLS)');
          return `connected over TLS (${cipher}) to server ${serverId}`;
        }
        return `connected to server ${serverId} (TLS is checked on --target aws; the local engines run without certificates)`;
      } finally {
        await conn.end().catch(() => {});
      }
    },
  },
  {
    id: id('table-created'),
    name: 'createUsersTable creates users (id primary key, name, email), and can run twice',
    hint: 'CREATE TABLE IF NOT EXISTS users (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(100) NOT NULL, email VARCHAR(200) NOT NULL UNIQUE)',
    async run(h) {
      const conn = await checkerConnection(h);
      try {
        await h.call('createUsersTable', conn);
        const cols = await columns(h);
        const byName = new Map(cols.map((c) => [c.name.toLowerCase(), c]));
        ensure(cols.length > 0, 'after createUsersTable there is no users table');
        for (const column of ['id', 'name', 'email'])
          ensure(byName.has(column), `the users table has no ${column} column (it has ${cols.map((c) => c.name).join(', ')})`);
        ensure(byName.get('id')?.key === 'PRI', 'users.id is not the primary key');
        await h.call('createUsersTable', conn);
        return `users has ${cols.map((c) => c.name).join(', ')}; a second call changed nothing`;
      } finally {
        await conn.end();
      }
    },
  },
  {
    id: id('users-inserted'),
    name: 'insertUsers stores exactly the users given',
    hint: "conn.execute('INSERT INTO users (name, email) VALUES (?, ?)', [user.name, user.email]) for each user.",
    async run(h) {
      await requireTable(h);
      const conn = await checkerConnection(h);
      try {
        await h.call('insertUsers', conn, USERS);
      } finally {
        await conn.end();
      }
      const [rows] = await h.primarySql.query('SELECT name, email FROM users ORDER BY id');
      const stored = rows as Array<{ name: string; email: string }>;
      ensure(stored.length === USERS.length, `after insertUsers with 3 users the table holds ${stored.length} rows`);
      ensure(JSON.stringify(stored) === JSON.stringify(USERS), `the table holds ${show(stored)}, expected ${show(USERS)}`);
      const tricky = [{ name: "Dara O'Brien", email: 'dara@example.com' }];
      const again = await checkerConnection(h);
      try {
        await h.call('insertUsers', again, tricky);
      } finally {
        await again.end();
      }
      const last = await h.rowOnPrimary<{ name: string }>('SELECT name FROM users ORDER BY id DESC LIMIT 1');
      ensure(last?.name === "Dara O'Brien", `a name with an apostrophe was stored as ${show(last?.name)}: use placeholders (?), not string concatenation`);
      return '3 users stored as given (and a name with a quote survives: placeholders)';
    },
  },
  {
    id: id('users-listed'),
    name: 'listUsers returns every user with id, name and email, in id order',
    hint: 'SELECT id, name, email FROM users ORDER BY id - and return the rows.',
    async run(h) {
      await requireTable(h);
      for (const user of [...USERS].reverse()) await h.primarySql.query('INSERT INTO users (name, email) VALUES (?, ?)', [user.name, user.email]);
      const conn = await checkerConnection(h);
      let listed: unknown;
      try {
        listed = await h.call('listUsers', conn);
      } finally {
        await conn.end();
      }
      const [rows] = await h.primarySql.query('SELECT id, name, email FROM users ORDER BY id');
      const expected = (rows as Array<{ id: number; name: string; email: string }>).map((r) => ({ id: Number(r.id), name: r.name, email: r.email }));
      const got = Array.isArray(listed)
        ? listed.map((r: { id: number; name: string; email: string }) => ({ id: Number(r.id), name: r.name, email: r.email }))
        : listed;
      ensure(JSON.stringify(got) === JSON.stringify(expected), `listUsers returned ${show(listed)}, expected ${show(expected)}`);
      return `${expected.length} users, in id order`;
    },
  },
];
