import { CheckFailed, ensure, type ExerciseCheck } from '../../../runner/harness.js';
import { LearnerError } from '../../../runner/learner-call.js';
import type { ReplicationHarness } from '../../replication-session.js';
import { observedContext, quoted, serverIdIn, whichServer, type ObservedContext } from './shared.js';
import { show } from '../../show-value.js';

const id = (name: string) => `02.01.${name}`;
type H = ReplicationHarness;
type Router = { query: (sql: string, params?: unknown[]) => Promise<unknown[]> };

async function routerFor(h: H, made: ObservedContext = observedContext(h)): Promise<ObservedContext & { r: Router }> {
  const value = await h.call('createRouter', made.ctx);
  const r = value as Router | undefined;
  if (!r || typeof r.query !== 'function') throw new CheckFailed(`createRouter returned ${show(value)}, not an object with a query(sql, params) method`);
  return { ...made, r };
}

async function routed(h: H, r: Router, sql: string, params?: unknown[]): Promise<unknown[]> {
  try {
    return await h.invoke('router.query', () => (params === undefined ? r.query(sql) : r.query(sql, params)));
  } catch (err) {
    if (/read-only|read_only|1290/i.test((err as Error).message)) {
      throw new CheckFailed(`the router sent ${quoted(sql)} to the replica, which refused it (error 1290, read-only): only reads go to the replica`);
    }
    throw err;
  }
}

/** Every statement of `sqls` reached `expected` once each and the other handle never. */
function landedOn(s: ObservedContext, expected: 'primary' | 'replica', sqls: string[]): void {
  const other = expected === 'primary' ? 'replica' : 'primary';
  for (const sql of sqls) {
    const wrong = s[other].log.find((sent) => sent.sql === sql);
    ensure(
      !wrong,
      `the router sent ${quoted(sql)} to the ${other}: ${expected === 'replica' ? 'reads go to the replica' : 'everything that is not a read goes to the primary'}`,
    );
    const times = s[expected].log.filter((sent) => sent.sql === sql).length;
    ensure(times > 0, `${quoted(sql)} never reached the ${expected} of the ctx the router was made with: use that ctx's handles`);
    ensure(times === 1, `the router sent ${quoted(sql)} to the ${expected} ${times} times for one call: send each statement once`);
  }
}

const READS = ['SELECT @@server_id AS id', '  select @@server_id as id', '\n\tSelect\n\t@@server_id AS id'];
const SHOWS = ["SHOW VARIABLES LIKE 'server_id'", "  show variables like 'server_id'"];

export const readWriteRouterChecks: ExerciseCheck<H>[] = [
  {
    id: id('reads-to-replica'),
    name: 'reads go to the replica',
    hint: 'A statement whose first keyword is SELECT (any case, after any spaces, tabs or newlines) goes to ctx.replica.',
    async run(h) {
      const s = await routerFor(h);
      for (const sql of READS) {
        const answered = serverIdIn(await routed(h, s.r, sql), 'router.query');
        ensure(
          answered === h.replica.serverId,
          `${quoted(sql)} through the router was answered by ${whichServer(answered, h.primary.serverId, h.replica.serverId)}: reads should go to the replica`,
        );
      }
      landedOn(s, 'replica', READS);
      return `${READS.length} SELECTs (any case, spaces, tabs and newlines around the keyword) answered by the replica`;
    },
  },
  {
    id: id('show-to-replica'),
    name: 'SHOW statements go to the replica',
    hint: 'SHOW is a read too: route by the first keyword, SELECT or SHOW.',
    async run(h) {
      const s = await routerFor(h);
      for (const sql of SHOWS) {
        const answered = serverIdIn(await routed(h, s.r, sql), 'router.query');
        ensure(
          answered === h.replica.serverId,
          `${quoted(sql)} through the router was answered by ${whichServer(answered, h.primary.serverId, h.replica.serverId)}: SHOW is a read`,
        );
      }
      landedOn(s, 'replica', SHOWS);
      return 'SHOW answered by the replica';
    },
  },
  {
    id: id('every-read-asks-replica'),
    name: 'every read is answered by the replica, whatever it returns',
    hint: 'Send each call to the replica: no cache, no second server, no retry on the primary when no rows come back.',
    async run(h) {
      const s = await routerFor(h);
      const sql = 'SELECT email FROM users WHERE name = ?';
      for (let i = 0; i < 3; i += 1) await routed(h, s.r, sql, ['Grace']);
      const asked = s.replica.log.filter((sent) => sent.sql === sql).length;
      ensure(
        asked === 3,
        `3 identical reads through the router reached the replica ${asked} times: every call must be answered by the replica, not from memory`,
      );
      const none = await routed(h, s.r, sql, ['Nobody']);
      ensure(Array.isArray(none) && none.length === 0, `a read for a user who does not exist returned ${show(none)}, not the replica's empty rows`);
      ensure(
        s.primary.log.length === 0,
        `the router sent ${quoted(s.primary.log[0]?.sql ?? '')} to the primary too: a read that finds no rows on the replica is still answered by the replica`,
      );
      return '4 reads, 4 answers from the replica, none from the primary';
    },
  },
  {
    id: id('params-passed'),
    name: "the caller's params reach the server",
    hint: 'Pass params on with the statement, on the replica path and the primary path alike.',
    async run(h) {
      const s = await routerFor(h);
      const withParams = async (sql: string, params: unknown[], server: 'primary' | 'replica') => {
        try {
          return await routed(h, s.r, sql, params);
        } catch (err) {
          const sent = s[server].log.find((x) => x.sql === sql);
          if (sent && sent.params.length !== params.length) {
            throw new CheckFailed(`the router sent ${quoted(sql)} to the ${server} with params ${show(sent.params)}, not the caller's ${show(params)}`);
          }
          throw err;
        }
      };
      const rows = (await withParams('SELECT email FROM users WHERE name = ?', ['Grace'], 'replica')) as Array<{ email?: unknown }>;
      ensure(rows[0]?.email === 'grace@example.com', `SELECT email FROM users WHERE name = ? with ["Grace"] returned ${show(rows)}`);
      await withParams('UPDATE users SET email = ? WHERE name = ?', ['grace@new.example.com', 'Grace'], 'primary');
      const grace = await h.rowOnPrimary<{ email: string }>("SELECT email FROM users WHERE name = 'Grace'");
      ensure(
        grace?.email === 'grace@new.example.com',
        `an UPDATE with params ["grace@new.example.com", "Grace"] left Grace's email as ${show(grace?.email)} on the primary`,
      );
      return 'params passed on to the replica and to the primary';
    },
  },
  {
    id: id('writes-to-primary'),
    name: 'writes go to the primary',
    hint: 'INSERT, UPDATE, DELETE (anything that is not a read) goes to ctx.primary; await it before query() resolves.',
    async run(h) {
      const s = await routerFor(h);
      const sql = 'INSERT INTO users (name, email) VALUES (?, ?)';
      await routed(h, s.r, sql, ['Katherine', 'katherine@example.com']);
      const resolvedAt = performance.now();
      const sent = s.primary.log.find((x) => x.sql === sql);
      ensure(
        sent,
        s.replica.log.length > 0 ? `the router sent ${quoted(sql)} to the replica, not the primary` : 'the INSERT through the router never reached the primary',
      );
      ensure(
        sent.endedAt !== undefined && sent.endedAt <= resolvedAt,
        'router.query resolved before the primary had answered the INSERT: await the write, so the caller hears when it is done (and its errors)',
      );
      const row = await h.rowOnPrimary<{ n: number }>("SELECT COUNT(*) AS n FROM users WHERE name = 'Katherine'");
      ensure(Number(row?.n) === 1, 'the INSERT through the router did not reach the primary');
      landedOn(s, 'primary', [sql]);
      return 'the INSERT landed on the primary before query() resolved';
    },
  },
  {
    id: id('updates-and-deletes'),
    name: 'updates and deletes go to the primary too',
    hint: 'Route by "is it a read", not by a list of write keywords you might miss.',
    async run(h) {
      const s = await routerFor(h);
      const update = 'UPDATE users SET email = ? WHERE name = ?';
      const remove = 'DELETE FROM users WHERE name = ?';
      await routed(h, s.r, update, ['ada@new.example.com', 'Ada']);
      await routed(h, s.r, remove, ['Alan']);
      const ada = await h.rowOnPrimary<{ email: string }>("SELECT email FROM users WHERE name = 'Ada'");
      const alan = await h.rowOnPrimary<{ n: number }>("SELECT COUNT(*) AS n FROM users WHERE name = 'Alan'");
      ensure(ada?.email === 'ada@new.example.com' && Number(alan?.n) === 0, 'the UPDATE or the DELETE through the router did not change the primary');
      landedOn(s, 'primary', [update, remove]);
      return 'UPDATE and DELETE landed on the primary';
    },
  },
  {
    id: id('other-statements-to-primary'),
    name: 'INSERT ... SELECT, REPLACE and DDL go to the primary',
    hint: 'Decide by the first keyword only: a SELECT inside an INSERT does not make it a read, and CREATE, DROP or REPLACE are not reads either.',
    async run(h) {
      const s = await routerFor(h);
      const statements: Array<[string, unknown[]?]> = [
        ["INSERT INTO users (name, email) SELECT CONCAT(name, ' II'), CONCAT('ii.', email) FROM users WHERE name = ?", ['Ada']],
        ['REPLACE INTO users (id, name, email) VALUES (?, ?, ?)', [500, 'Barbara', 'barbara@example.com']],
        ['CREATE TABLE router_probe (id INT PRIMARY KEY)'],
        ['DROP TABLE router_probe'],
      ];
      try {
        for (const [sql, params] of statements) await routed(h, s.r, sql, params);
      } finally {
        await h.primarySql.query('DROP TABLE IF EXISTS router_probe');
      }
      const copied = await h.rowOnPrimary<{ n: number }>("SELECT COUNT(*) AS n FROM users WHERE name IN ('Ada II', 'Barbara')");
      ensure(Number(copied?.n) === 2, 'the INSERT ... SELECT or the REPLACE through the router did not add its row on the primary');
      landedOn(
        s,
        'primary',
        statements.map(([sql]) => sql),
      );
      return 'INSERT ... SELECT, REPLACE, CREATE TABLE and DROP TABLE landed on the primary';
    },
  },
  {
    id: id('errors-reach-caller'),
    name: "a server's error reaches the caller",
    hint: 'Keep the Db shape: query() rejects with the error the server gave, it does not resolve to [].',
    async run(h) {
      const s = await routerFor(h);
      await routed(h, s.r, 'SELECT @@server_id AS id');
      const cases = [
        { sql: 'INSERT INTO users (nickname) VALUES (?)', params: ['ada'], server: 'primary' },
        { sql: 'SELECT nickname FROM users', params: undefined, server: 'replica' },
      ];
      for (const c of cases) {
        let value: unknown;
        try {
          value = await h.invoke('router.query', () => (c.params ? s.r.query(c.sql, c.params) : s.r.query(c.sql)));
        } catch (err) {
          if (!(err instanceof LearnerError)) throw err;
          continue;
        }
        throw new CheckFailed(
          `router.query resolved to ${show(value)} for ${quoted(c.sql)}, which the ${c.server} refuses (Unknown column 'nickname'): let the server's error reach the caller`,
        );
      }
      return "a refused write and a refused read both rejected with the server's error";
    },
  },
  {
    id: id('own-context'),
    name: 'each router uses the context it was made with',
    hint: 'Keep no state between createRouter calls: each router uses its own ctx.primary and ctx.replica.',
    async run(h) {
      const first = await routerFor(h);
      const second = await routerFor(h);
      await routed(h, second.r, 'SELECT @@server_id AS id');
      await routed(h, second.r, 'UPDATE users SET email = email WHERE name = ?', ['Ada']);
      const mine = second.primary.log.length + second.replica.log.length;
      const others = first.primary.log.length + first.replica.log.length;
      ensure(
        mine === 2 && others === 0,
        `a router made from a second context sent ${mine} of its 2 statements to that context's handles (and ${others} to the first context's): build each router from the ctx it is given, keeping nothing between createRouter calls`,
      );
      return 'two routers, each on its own context';
    },
  },
];
