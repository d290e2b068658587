import { setTimeout as sleep } from 'node:timers/promises';
import { CheckFailed, ensure, type ExerciseCheck } from '../../../runner/harness.js';
import type { ReplicationHarness } from '../../replication-session.js';
import { observedContext, serverIdIn, whichServer } from './shared.js';
import { show } from '../../show-value.js';

const id = (name: string) => `02.03.${name}`;
type H = ReplicationHarness;
type SessionRouter = {
  write: (userId: string, sql: string, params?: unknown[]) => Promise<unknown[]>;
  read: (userId: string, sql: string, params?: unknown[]) => Promise<unknown[]>;
};

/** The read the checks make: it names the server that answered, and needs its params to run. */
const WHO_ANSWERS = 'SELECT @@server_id AS id FROM users WHERE name = ?';

async function sessionRouter(h: H, stickyMs: number) {
  const made = observedContext(h, stickyMs);
  const value = (await h.call('createSessionRouter', made.ctx)) as SessionRouter | undefined;
  if (!value || typeof value.write !== 'function' || typeof value.read !== 'function') {
    throw new CheckFailed(`createSessionRouter returned ${show(value)}, not an object with write(userId, sql, params) and read(userId, sql, params)`);
  }
  /** A write by `user`; resolves to the checker's time when it returned. */
  const write = async (user: string) => {
    await h.invoke('write', () => value.write(user, 'INSERT INTO users (name, email) VALUES (?, ?)', [user, `${user}@example.com`]));
    return performance.now();
  };
  const readServer = async (user: string) => {
    try {
      return serverIdIn(await h.invoke('read', () => value.read(user, WHO_ANSWERS, ['Grace'])), 'read');
    } catch (err) {
      const bare = [...made.primary.log, ...made.replica.log].find((x) => x.sql === WHO_ANSWERS && x.params.length === 0);
      if (!bare) throw err;
      const where = made.primary.log.includes(bare) ? 'primary' : 'replica';
      throw new CheckFailed(`${user}'s read "SELECT ... WHERE name = ?" reached the ${where} without the caller's params ["Grace"]: pass params on every path`);
    }
  };
  return { ...made, router: value, write, readServer };
}

/** Waits until `ms` after `since` (checker clock). */
const until = async (since: number, ms: number) => sleep(Math.max(0, since + ms - performance.now()));

export const readYourWritesChecks: ExerciseCheck<H>[] = [
  {
    id: id('own-write-read-on-primary'),
    name: "for the whole window after a user's write, their reads go to the primary",
    hint: "Record the time per user on write; read from ctx.primary (and only there) while less than ctx.stickyMs has passed, with the caller's params.",
    async run(h) {
      const s = await sessionRouter(h, 1_500);
      const wrote = await s.write('ada');
      for (const at of [0, 400, 800]) {
        await until(wrote, at);
        const answered = await s.readServer('ada');
        ensure(
          answered === h.primary.serverId,
          `ada's read ${at} ms after her write (ctx.stickyMs = 1500) was answered by ${whichServer(answered, h.primary.serverId, h.replica.serverId)}: she may not see her own change`,
        );
      }
      const asked = s.replica.log.length;
      ensure(asked === 0, `inside ada's window the replica was asked ${asked} times as well: send her reads to the primary only`);
      return '3 reads inside the window, all answered by the primary alone';
    },
  },
  {
    id: id('sees-own-update'),
    name: 'a user reads back their own change while the replica lags',
    hint: 'Inside the window read from the primary, not the replica first: the replica still holds the old row.',
    async run(h) {
      const s = await sessionRouter(h, 2_000);
      await h.pauseReplica();
      try {
        await h.invoke('write', () => s.router.write('ada', 'UPDATE users SET email = ? WHERE name = ?', ['ada@new.example.com', 'Ada']));
        const rows = (await h.invoke('read', () => s.router.read('ada', 'SELECT email FROM users WHERE name = ?', ['Ada']))) as Array<{ email?: unknown }>;
        ensure(
          rows[0]?.email === 'ada@new.example.com',
          `right after ada changed her email, with the replica behind, her read returned ${show(rows)}: she does not see her own change`,
        );
      } finally {
        await h.resumeReplica();
      }
      return 'ada read her new email while the replica still had the old one';
    },
  },
  {
    id: id('others-read-replica'),
    name: 'other users keep reading the replica',
    hint: 'The window is per user: only the user who wrote reads from the primary.',
    async run(h) {
      const s = await sessionRouter(h, 2_000);
      await s.write('ada');
      const answered = await s.readServer('grace');
      ensure(
        answered === h.replica.serverId,
        `grace (who wrote nothing) was answered by ${whichServer(answered, h.primary.serverId, h.replica.serverId)}: only the writer should be sent to the primary`,
      );
      return 'grace read from the replica';
    },
  },
  {
    id: id('window-ends'),
    name: 'after ctx.stickyMs the writer reads the replica again',
    hint: 'Compare with ctx.stickyMs (milliseconds) from the last write, on a millisecond clock; reads do not extend the window.',
    async run(h) {
      const stickyMs = 600;
      const s = await sessionRouter(h, stickyMs);
      // Write early in a wall-clock second, so a clock of whole seconds cannot hide a window that is too long.
      await sleep((1_030 - (Date.now() % 1_000)) % 1_000);
      const wrote = await s.write('ada');
      for (const at of [100, stickyMs - 150]) {
        await until(wrote, at);
        const inside = await s.readServer('ada');
        ensure(
          inside === h.primary.serverId,
          `${at} ms after her write, with ctx.stickyMs = ${stickyMs}, ada was answered by ${whichServer(inside, h.primary.serverId, h.replica.serverId)}`,
        );
      }
      await until(wrote, stickyMs + 200);
      const answered = await s.readServer('ada');
      ensure(
        answered === h.replica.serverId,
        `${stickyMs + 200} ms after her write, with ctx.stickyMs = ${stickyMs}, ada was answered by ${whichServer(answered, h.primary.serverId, h.replica.serverId)}: the window must end ${stickyMs} ms after the write, whatever she read meanwhile`,
      );
      return 'back on the replica once the window passed';
    },
  },
  {
    id: id('last-write-counts'),
    name: "a second write restarts the user's window",
    hint: "Keep the time of the user's LAST write, and do not let an earlier write's timer end the window.",
    async run(h) {
      const s = await sessionRouter(h, 800);
      const first = await s.write('ada');
      await until(first, 500);
      const second = await s.write('ada');
      await until(second, 500);
      const answered = await s.readServer('ada');
      ensure(
        answered === h.primary.serverId,
        `500 ms after ada's second write (and ${Math.round(performance.now() - first)} ms after her first), with ctx.stickyMs = 800, she was answered by ${whichServer(answered, h.primary.serverId, h.replica.serverId)}: the window runs from her last write`,
      );
      return 'the second write restarted the window';
    },
  },
  {
    id: id('writes-to-primary'),
    name: 'writes go to the primary, whatever the statement',
    hint: 'write() always uses ctx.primary and always starts the window, even for a statement that looks like a read.',
    async run(h) {
      const s = await sessionRouter(h, 2_000);
      await s.write('linus');
      const row = await h.rowOnPrimary<{ n: number }>("SELECT COUNT(*) AS n FROM users WHERE name = 'linus'");
      ensure(Number(row?.n) === 1 && s.replica.log.length === 0, 'the write did not land on the primary alone');
      const viaWrite = serverIdIn(await h.invoke('write', () => s.router.write('grace', 'SELECT @@server_id AS id')), 'write');
      ensure(
        viaWrite === h.primary.serverId,
        `write('grace', 'SELECT @@server_id ...') was answered by ${whichServer(viaWrite, h.primary.serverId, h.replica.serverId)}: write() always uses the primary`,
      );
      const after = await s.readServer('grace');
      ensure(
        after === h.primary.serverId,
        `grace's read right after her write() call was answered by ${whichServer(after, h.primary.serverId, h.replica.serverId)}: every write() starts the window`,
      );
      return 'writes landed on the primary and started the window';
    },
  },
  {
    id: id('fresh-router'),
    name: 'a new session router starts with no sticky users',
    hint: 'Keep the last-write times inside the router createSessionRouter returns, not at module level.',
    async run(h) {
      const first = await sessionRouter(h, 2_000);
      await first.write('ada');
      const second = await sessionRouter(h, 2_000);
      const answered = await second.readServer('ada');
      ensure(
        answered === h.replica.serverId,
        `a new router made from a new context sent ada to ${whichServer(answered, h.primary.serverId, h.replica.serverId)} because of her write through another router: keep each router's state its own`,
      );
      return "the new router did not inherit the other router's windows";
    },
  },
];
