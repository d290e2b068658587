import { setTimeout as sleep } from 'node:timers/promises';
import { CheckFailed, ensure, type ExerciseCheck } from '../../../runner/harness.js';
import type { ReplicationHarness } from '../../replication-session.js';
import { serverIdIn, whichServer } from './shared.js';
import { show } from '../../show-value.js';

const id = (name: string) => `02.03.${name}`;
type H = ReplicationHarness;
type SessionRouter = {
  write: (userId: string, sql: string, params?: unknown[]) => Promise<unknown[]>;
  read: (userId: string, sql: string, params?: unknown[]) => Promise<unknown[]>;
};

async function sessionRouter(h: H, stickyMs: number) {
  const made = h.replicaContext({ stickyMs });
  const value = (await h.call('createSessionRouter', made.ctx)) as SessionRouter | undefined;
  if (!value || typeof value.write !== 'function' || typeof value.read !== 'function') {
    throw new CheckFailed(`createSessionRouter returned ${show(value)}, not an object with write(userId, sql, params) and read(userId, sql, params)`);
  }
  const write = (user: string) => h.invoke('write', () => value.write(user, 'INSERT INTO users (name, email) VALUES (?, ?)', [user, `${user}@example.com`]));
  const readServer = async (user: string) => serverIdIn(await h.invoke('read', () => value.read(user, 'SELECT @@server_id AS id')), 'read');
  return { ...made, write, readServer };
}

export const readYourWritesChecks: ExerciseCheck<H>[] = [
  {
    id: id('own-write-read-on-primary'),
    name: "right after a user's write, their reads go to the primary",
    hint: 'Record Date.now() per user on write; read from ctx.primary while Date.now() - last < ctx.stickyMs.',
    async run(h) {
      const s = await sessionRouter(h, 2_000);
      await s.write('ada');
      const answered = await s.readServer('ada');
      ensure(
        answered === h.primary.serverId,
        `ada's read right after her write was answered by ${whichServer(answered, h.primary.serverId, h.replica.serverId)}: she may not see her own change`,
      );
      return 'answered by the primary';
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
    hint: 'Compare with ctx.stickyMs, not a number of your own.',
    async run(h) {
      const s = await sessionRouter(h, 300);
      await s.write('ada');
      await sleep(450);
      const answered = await s.readServer('ada');
      ensure(
        answered === h.replica.serverId,
        `450 ms after her write, with ctx.stickyMs = 300, ada was answered by ${whichServer(answered, h.primary.serverId, h.replica.serverId)}`,
      );
      return 'back on the replica once the window passed';
    },
  },
  {
    id: id('writes-to-primary'),
    name: 'writes go to the primary',
    hint: 'write() always uses ctx.primary.',
    async run(h) {
      const s = await sessionRouter(h, 2_000);
      await s.write('linus');
      const row = await h.rowOnPrimary<{ n: number }>("SELECT COUNT(*) AS n FROM users WHERE name = 'linus'");
      ensure(Number(row?.n) === 1 && s.replica.writes === 0, 'the write did not land on the primary');
      return 'the write landed on the primary';
    },
  },
];
