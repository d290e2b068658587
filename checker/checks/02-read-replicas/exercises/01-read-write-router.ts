import { CheckFailed, ensure, type ExerciseCheck } from '../../../runner/harness.js';
import type { ReplicationHarness } from '../../replication-session.js';
import { serverIdIn, whichServer } from './shared.js';
import { show } from '../../show-value.js';

const id = (name: string) => `02.01.${name}`;
type H = ReplicationHarness;
type Router = { query: (sql: string, params?: unknown[]) => Promise<unknown[]> };

function router(h: H, value: unknown): Router {
  const r = value as Router | undefined;
  if (!r || typeof r.query !== 'function') throw new CheckFailed(`createRouter returned ${show(value)}, not an object with a query(sql, params) method`);
  return r;
}

async function routed(h: H, r: Router, sql: string, params?: unknown[]): Promise<unknown[]> {
  try {
    return await h.invoke('router.query', () => r.query(sql, params));
  } catch (err) {
    if (/read-only|read_only|1290/i.test((err as Error).message)) {
      throw new CheckFailed(
        `the router sent "${sql.split(' ').slice(0, 2).join(' ')} ..." to the replica, which refused it (error 1290, read-only): writes go to the primary`,
      );
    }
    throw err;
  }
}

export const readWriteRouterChecks: ExerciseCheck<H>[] = [
  {
    id: id('reads-to-replica'),
    name: 'reads go to the replica',
    hint: 'A statement that starts with SELECT or SHOW (any case, after any spaces) goes to ctx.replica.',
    async run(h) {
      const { ctx, primary, replica } = h.replicaContext();
      const r = router(h, await h.call('createRouter', ctx));
      const answered = serverIdIn(await routed(h, r, 'SELECT @@server_id AS id'), 'router.query');
      ensure(
        answered === h.replica.serverId,
        `SELECT @@server_id through the router was answered by ${whichServer(answered, h.primary.serverId, h.replica.serverId)}: reads should go to the replica`,
      );
      const lower = serverIdIn(await routed(h, r, '  select @@server_id as id'), 'router.query');
      ensure(lower === h.replica.serverId, `"  select ..." (lower case, leading spaces) went to ${whichServer(lower, h.primary.serverId, h.replica.serverId)}`);
      ensure(primary.reads === 0, `the primary received ${primary.reads} of the reads`);
      ensure(replica.reads >= 2, 'the replica received none of the reads');
      return `answered by the replica (server ${answered})`;
    },
  },
  {
    id: id('writes-to-primary'),
    name: 'writes go to the primary',
    hint: 'INSERT, UPDATE, DELETE (anything that is not a read) goes to ctx.primary.',
    async run(h) {
      const { ctx, primary, replica } = h.replicaContext();
      const r = router(h, await h.call('createRouter', ctx));
      await routed(h, r, 'INSERT INTO users (name, email) VALUES (?, ?)', ['Katherine', 'katherine@example.com']);
      const row = await h.rowOnPrimary<{ n: number }>("SELECT COUNT(*) AS n FROM users WHERE name = 'Katherine'");
      ensure(Number(row?.n) === 1, 'the INSERT through the router did not reach the primary');
      ensure(replica.writes === 0 && primary.writes === 1, `writes went to the primary ${primary.writes} times and to the replica ${replica.writes} times`);
      return 'the INSERT landed on the primary';
    },
  },
  {
    id: id('updates-and-deletes'),
    name: 'updates and deletes go to the primary too',
    hint: 'Route by "is it a read", not by a list of write keywords you might miss.',
    async run(h) {
      const { ctx, primary } = h.replicaContext();
      const r = router(h, await h.call('createRouter', ctx));
      await routed(h, r, 'UPDATE users SET email = ? WHERE name = ?', ['ada@new.example.com', 'Ada']);
      await routed(h, r, 'DELETE FROM users WHERE name = ?', ['Alan']);
      const ada = await h.rowOnPrimary<{ email: string }>("SELECT email FROM users WHERE name = 'Ada'");
      const alan = await h.rowOnPrimary<{ n: number }>("SELECT COUNT(*) AS n FROM users WHERE name = 'Alan'");
      ensure(ada?.email === 'ada@new.example.com' && Number(alan?.n) === 0, 'the UPDATE or the DELETE through the router did not change the primary');
      ensure(primary.writes === 2, `the primary received ${primary.writes} of the 2 writes`);
      return 'UPDATE and DELETE landed on the primary';
    },
  },
];
