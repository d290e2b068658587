import mysql from 'mysql2/promise';
import type { EndpointContext } from '../../../exercise-api.js';
import { CheckFailed, ensure, type ExerciseCheck } from '../../../runner/harness.js';
import type { ReplicationHarness } from '../../replication-session.js';
import { show } from '../../show-value.js';
import { WatchedEndpoint } from './watched-endpoint.js';

const id = (name: string) => `01.01.${name}`;
const USERS = [
  { name: 'Ada Lovelace', email: 'ada@example.com' },
  { name: 'Grace Hopper', email: 'grace@example.com' },
  { name: 'Alan Turing', email: 'alan@example.com' },
];
/** How much longer than timeoutMs connect() may take to give up (a loaded machine). */
const SLACK_MS = 1_000;

type H = ReplicationHarness;
type Stored = { name: string; email: string };

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

/** Whether some unique index (or the primary key) of users has email as its only column. */
async function emailIsUnique(h: H): Promise<boolean> {
  const [rows] = await h.primarySql.query(
    `SELECT INDEX_NAME AS name, GROUP_CONCAT(LOWER(COLUMN_NAME)) AS cols FROM information_schema.STATISTICS
     WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'users' AND NON_UNIQUE = 0 GROUP BY INDEX_NAME`,
  );
  return (rows as Array<{ cols: string }>).some((r) => r.cols === 'email');
}

async function storedUsers(h: H): Promise<Stored[]> {
  const [rows] = await h.primarySql.query('SELECT name, email FROM users ORDER BY id');
  return (rows as Stored[]).map((r) => ({ name: r.name, email: r.email }));
}

/** Adds users the way the exercise does; a table that refuses them is the learner's table, so the check fails. */
async function addUsers(h: H, users: Stored[]): Promise<void> {
  try {
    await h.primarySql.query('INSERT INTO users (name, email) VALUES ?', [users.map((u) => [u.name, u.email])]);
  } catch (err) {
    throw new CheckFailed(
      `cannot be judged yet: the users table refused INSERT INTO users (name, email) VALUES (?, ?) (${(err as Error).message}); other columns need defaults`,
    );
  }
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
  }
  const after = await columns(h);
  if (!['id', 'name', 'email'].every((c) => after.some((a) => a.name.toLowerCase() === c)))
    throw new CheckFailed('cannot be judged yet: createUsersTable does not create the users table');
  if (!after.some((c) => c.name.toLowerCase() === 'id' && /auto_increment/i.test(c.extra)))
    throw new CheckFailed('cannot be judged yet: users.id is not AUTO_INCREMENT, so the server does not number the users');
}

interface Sent {
  sql: string;
  settled: boolean;
}

/**
 * The checker's connection, handed to insertUsers, noting each statement the
 * learner's code asks it to run (its SQL text) and whether it has finished.
 */
function noting(conn: mysql.Connection): { conn: mysql.Connection; sent: Sent[] } {
  const sent: Sent[] = [];
  const wrapped = new Proxy(conn, {
    get(target, key) {
      const value = Reflect.get(target, key, target) as unknown;
      if (typeof value !== 'function') return value;
      if (key !== 'query' && key !== 'execute') return value.bind(target);
      return (...args: unknown[]) => {
        const first = args[0] as string | { sql?: string };
        const entry: Sent = { sql: typeof first === 'string' ? first : String(first?.sql ?? ''), settled: false };
        sent.push(entry);
        const result = (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        void Promise.resolve(result).then(
          () => (entry.settled = true),
          () => (entry.settled = true),
        );
        return result;
      };
    },
  });
  return { conn: wrapped, sent };
}

/** Calls insertUsers on a noting connection and judges how it talked to the server. */
async function insertAndJudge(h: H, users: Stored[]): Promise<void> {
  const own = await checkerConnection(h);
  const { conn, sent } = noting(own);
  try {
    await h.call('insertUsers', conn, users);
    // The settle marks run before the learner's own continuations, so anything unsettled now was never awaited.
    const pending = sent.filter((s) => !s.settled).length;
    ensure(pending === 0, `insertUsers returned while ${pending} of its statements were still running: await each one before returning`);
    const inline = sent.find((s) => users.some((u) => s.sql.includes(u.email) || s.sql.includes(u.name)));
    ensure(
      !inline,
      `insertUsers put the users' values into the SQL text (${show(inline?.sql)}): send them as parameters with ? placeholders, never built into the string`,
    );
    const [seen] = await own.query('SELECT COUNT(*) AS n FROM users');
    const onOwn = Number((seen as Array<{ n: number }>)[0].n);
    const stored = await storedUsers(h);
    ensure(
      !(onOwn > stored.length),
      `insertUsers' rows are visible on its own connection only (${onOwn} there, ${stored.length} for everyone else): commit the transaction`,
    );
  } finally {
    await own.end().catch(() => own.destroy());
  }
}

export const connectAndQueryChecks: ExerciseCheck<H>[] = [
  {
    id: id('connects'),
    name: 'connect() opens a working connection to the endpoint (over TLS on AWS), which end() closes',
    hint: 'return mysql.createConnection({ ...ctx.connection, connectTimeout: ctx.timeoutMs }) - ctx.connection carries host, port, user, password, database and, on AWS, ssl.',
    async run(h) {
      const endpoint = await WatchedEndpoint.start(h.primary.port);
      try {
        const ctx: EndpointContext = { connection: { ...h.endpointContext().connection, host: '127.0.0.1', port: endpoint.port }, timeoutMs: 1_000 };
        const conn = (await h.call('connect', ctx)) as mysql.Connection | undefined;
        ensure(conn && typeof (conn as mysql.Connection).query === 'function', `connect() returned ${show(conn)}, not a mysql2 connection`);
        let summary: string;
        try {
          const [rows] = await conn.query('SELECT @@server_id AS id');
          const serverId = Number((rows as Array<{ id: number }>)[0]?.id);
          ensure(Number.isFinite(serverId), 'the connection from connect() could not run SELECT @@server_id');
          const [status] = await conn.query("SHOW SESSION STATUS LIKE 'Ssl_cipher'");
          const cipher = String((status as Array<{ Value: string }>)[0]?.Value ?? '');
          if (h.endpoints.target === 'aws') {
            ensure(cipher !== '', 'the connection is not encrypted: keep the ssl options from ctx.connection (the endpoint requires TLS)');
            summary = `connected over TLS (${cipher}) to server ${serverId}`;
          } else summary = `connected to server ${serverId} (TLS is checked on --target aws; the local engines run without certificates)`;
        } finally {
          await Promise.race([conn.end().catch(() => {}), new Promise((resolve) => setTimeout(resolve, 2_000))]);
        }
        const open = await endpoint.settle(SLACK_MS);
        ensure(
          open.length === 0,
          `after end() on the connection connect() returned, ${open.length} connection(s) it opened stayed open: return a connection of your own (mysql.createConnection), not one borrowed from a pool`,
        );
        return summary;
      } finally {
        await endpoint.close();
      }
    },
  },
  {
    id: id('connect-timeout'),
    name: 'connect() gives up after ctx.timeoutMs when the endpoint never answers',
    hint: 'connectTimeout: ctx.timeoutMs (milliseconds, as it is given).',
    async run(h) {
      // Only a connect() that works on a live endpoint can be judged on giving up (a TODO throws at once).
      const live = (await h.call('connect', h.endpointContext())) as mysql.Connection | undefined;
      if (!live || typeof live.end !== 'function') throw new CheckFailed(`cannot be judged yet: connect() returned ${show(live)}, not a mysql2 connection`);
      await live.end().catch(() => live.destroy());
      const endpoint = await WatchedEndpoint.start(h.primary.port);
      try {
        endpoint.outage('silent');
        const timeoutMs = 400;
        const ctx: EndpointContext = { connection: { ...h.endpointContext().connection, host: '127.0.0.1', port: endpoint.port }, timeoutMs };
        const started = Date.now();
        const outcome = await h.attempt<mysql.Connection>('connect', ctx);
        const ms = Date.now() - started;
        ensure(
          ms <= timeoutMs + SLACK_MS,
          `connect() waited ${ms} ms for an endpoint that never answers, with ctx.timeoutMs ${timeoutMs}: pass connectTimeout: ctx.timeoutMs`,
        );
        ensure(!outcome.ok, `connect() resolved although the endpoint never answered: it must reject when the connection cannot be made`);
        return `gave up after ${ms} ms with a ${timeoutMs} ms timeout`;
      } finally {
        await endpoint.close();
      }
    },
  },
  {
    id: id('table-created'),
    name: 'createUsersTable creates users (id auto-increment primary key, name, unique email), and can run twice',
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
        ensure(/auto_increment/i.test(byName.get('id')?.extra ?? ''), 'users.id is not AUTO_INCREMENT: the server must number the users');
        ensure(await emailIsUnique(h), 'users.email has no unique key of its own: a second user with the same email must be refused (error 1062)');
        await addUsers(h, USERS.slice(0, 1));
        await h.call('createUsersTable', conn);
        const kept = await storedUsers(h);
        ensure(
          kept.length === 1,
          `a second createUsersTable call left ${kept.length} of the 1 stored user(s): create the table only if it does not exist, never drop or empty it`,
        );
        return `users has ${cols.map((c) => c.name).join(', ')}; a second call kept the stored user`;
      } finally {
        await conn.end();
      }
    },
  },
  {
    id: id('users-inserted'),
    name: 'insertUsers stores exactly the users given, in order, with placeholders, next to those already stored',
    hint: "for (const user of users) await conn.execute('INSERT INTO users (name, email) VALUES (?, ?)', [user.name, user.email]);",
    async run(h) {
      await requireTable(h);
      await insertAndJudge(h, USERS);
      const first = await storedUsers(h);
      ensure(first.length === USERS.length, `after insertUsers with 3 users the table holds ${first.length} rows`);
      ensure(JSON.stringify(first) === JSON.stringify(USERS), `the table holds ${show(first)}, expected ${show(USERS)} (in the order given)`);

      const more = [
        { name: "Dara O'Brien", email: 'dara@example.com' },
        { name: 'Edsger Dijkstra', email: 'edsger@example.com' },
      ];
      await insertAndJudge(h, more);
      const second = await storedUsers(h);
      const expected = [...USERS, ...more];
      ensure(
        second.slice(0, USERS.length).length === USERS.length && JSON.stringify(second.slice(0, USERS.length)) === JSON.stringify(USERS),
        `after a second insertUsers call the table holds ${show(second)}: the users stored before must stay`,
      );
      ensure(
        JSON.stringify(second) === JSON.stringify(expected),
        `after a second insertUsers call (one name with a quote) the table holds ${show(second)}, expected ${show(expected)}`,
      );

      await insertAndJudge(h, []);
      ensure((await storedUsers(h)).length === expected.length, 'insertUsers with an empty list changed the table: an empty list stores nothing');

      const duplicate = [{ name: 'Ada Again', email: USERS[0].email }];
      const conn = await checkerConnection(h);
      let outcome;
      try {
        outcome = await h.attempt('insertUsers', conn, duplicate);
      } finally {
        await conn.end().catch(() => conn.destroy());
      }
      ensure(
        !outcome.ok,
        `insertUsers resolved for a user whose email is already stored: let the duplicate-key error (1062) reach the caller (no INSERT IGNORE, no skipping)`,
      );
      const after = await storedUsers(h);
      ensure(JSON.stringify(after) === JSON.stringify(expected), `after a rejected duplicate the table holds ${show(after)}, expected ${show(expected)}`);
      return '3 users, then 2 more (one with a quote) stored in order next to them, with placeholders; an empty list is a no-op and a duplicate email is refused';
    },
  },
  {
    id: id('users-listed'),
    name: 'listUsers returns every user as { id, name, email }, in id order, read fresh on every call',
    hint: 'SELECT id, name, email FROM users ORDER BY id - no LIMIT - and return those three fields of each row.',
    async run(h) {
      await requireTable(h);
      // More than a page, and names in reverse so name order is not id order.
      const many = Array.from({ length: 120 }, (_, i) => ({ name: `User ${String(999 - i).padStart(3, '0')}`, email: `user${i}@example.com` }));
      await addUsers(h, many);
      // Both calls on one connection: an answer kept from the first call (per connection or not) shows in the second.
      const conn = await checkerConnection(h);
      const judge = async (when: string) => {
        const listed: unknown = await h.call('listUsers', conn);
        const [rows] = await h.primarySql.query('SELECT id, name, email FROM users ORDER BY id');
        const expected = (rows as Array<{ id: number; name: string; email: string }>).map((r) => ({ id: Number(r.id), name: r.name, email: r.email }));
        ensure(Array.isArray(listed), `listUsers returned ${show(listed)}, not an array`);
        ensure(
          listed.length === expected.length,
          `listUsers ${when} returned ${listed.length} of the ${expected.length} users: return every row (no LIMIT, no cache)`,
        );
        const keys = Object.keys((listed[0] ?? {}) as object).sort();
        ensure(
          JSON.stringify(keys) === JSON.stringify(['email', 'id', 'name']),
          `listUsers returned rows with the fields ${show(keys)}: return exactly { id, name, email }`,
        );
        const badId = (listed as Array<{ id: unknown }>).find((r) => typeof r.id !== 'number');
        ensure(!badId, `listUsers returned id ${show(badId?.id)} (${typeof badId?.id}): id must be a number`);
        const got = (listed as Array<{ id: number; name: string; email: string }>).map((r) => ({ id: r.id, name: r.name, email: r.email }));
        const firstWrong = got.findIndex((r, i) => JSON.stringify(r) !== JSON.stringify(expected[i]));
        ensure(
          firstWrong < 0,
          `listUsers ${when} returned ${show(got[firstWrong])} at position ${firstWrong + 1}, expected ${show(expected[firstWrong])}: every user, in id order`,
        );
        return expected.length;
      };
      try {
        await judge('on the first call');
        await addUsers(h, [{ name: 'Late Comer', email: 'late@example.com' }]);
        const count = await judge('after one more user was added');
        return `${count} users in id order, including one added between two calls`;
      } finally {
        await conn.end().catch(() => conn.destroy());
      }
    },
  },
];
