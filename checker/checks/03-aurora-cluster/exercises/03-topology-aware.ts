import { setTimeout as sleep } from 'node:timers/promises';
import { CheckFailed, ensure, type ExerciseCheck } from '../../../runner/harness.js';
import { identityOf, type ClusterHarness } from '../session.js';
import { role } from './shared.js';
import { show } from '../../show-value.js';

const id = (name: string) => `03.03.${name}`;
type H = ClusterHarness;
interface Client {
  query(sql: string, params?: unknown[]): Promise<unknown>;
  close(): Promise<void>;
}

function client(value: unknown): Client {
  const c = value as Partial<Client> | undefined;
  if (!c || typeof c.query !== 'function' || typeof c.close !== 'function') {
    throw new CheckFailed(`createTopologyAwareClient returned ${show(value)}, not an object with query(sql, params) and close()`);
  }
  return c as Client;
}

function writerName(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) throw new CheckFailed(`findWriter returned ${show(value)}, not an instance id`);
  return value;
}

export const topologyAwareChecks: ExerciseCheck<H>[] = [
  {
    id: id('finds-writer'),
    name: 'findWriter names the writer from the topology',
    hint: "SELECT SERVER_ID FROM <ctx.topologyTable> WHERE SESSION_ID = 'MASTER_SESSION_ID', through an instance that answers.",
    async run(h) {
      const ctx = h.context();
      const writer = await h.writerId();
      const found = writerName(await h.call('findWriter', ctx));
      ensure(found === writer, `findWriter said ${found}, but the writer is ${writer}`);
      return `found ${found}`;
    },
  },
  {
    id: id('finds-new-writer'),
    name: 'findWriter follows a failover, even while DNS is stale',
    hint: 'Read the topology, not the cluster endpoint: for a while after a failover the cluster endpoint still leads to the old writer.',
    async run(h) {
      const ctx = h.context();
      const failover = await h.failover({ restartMs: 300, staleMs: 2_500 });
      await sleep(Math.max(0, failover.startedAt + 600 - Date.now()));
      const found = writerName(await h.call('findWriter', ctx));
      ensure(
        found === failover.to,
        `after a failover from ${failover.from} to ${failover.to}, findWriter said ${found}${found === failover.from ? ' (the old writer, still behind the cluster endpoint)' : ''}`,
      );
      await failover.settled;
      return `found the new writer ${found} while the cluster endpoint still led to ${failover.from}`;
    },
  },
  {
    id: id('queries-the-writer'),
    name: 'the client runs statements on the writer',
    hint: 'Connect to ctx.instance(await findWriter(ctx)) and run the statements there.',
    async run(h) {
      const c = client(await h.call('createTopologyAwareClient', h.context()));
      try {
        const who = identityOf(await h.invoke('client.query', () => c.query(h.cluster.identitySql)));
        ensure(!who.readOnly, `query() was answered by ${who.serverId}, ${role(who.readOnly)}`);
        await h.invoke('client.query', () => c.query('INSERT INTO cluster_notes (note, written_by) VALUES (?, ?)', ['topology', 'check']));
        const stored = await h.onWriter(async (conn) => {
          const [rows] = await conn.query("SELECT COUNT(*) AS n FROM cluster_notes WHERE note = 'topology'");
          return Number((rows as Array<{ n: number }>)[0].n);
        });
        ensure(stored === 1, `after query(INSERT ...) the writer has ${stored} matching rows`);
        return `statements ran on ${who.serverId}, the writer`;
      } finally {
        await h.invoke('client.close', () => c.close()).catch(() => {});
      }
    },
  },
  {
    id: id('follows-failover'),
    name: 'after a failover the client lands on the new writer, never on a reader',
    hint: 'When a query fails, find the writer again and reconnect to its instance endpoint; check read_only before trusting a connection.',
    async run(h) {
      const c = client(await h.call('createTopologyAwareClient', h.context()));
      try {
        await h.invoke('client.query', () => c.query(h.cluster.identitySql));
        const failover = await h.failover({ restartMs: 800, staleMs: 3_000 });
        const readerHits: string[] = [];
        let recoveredAfterMs: number | undefined;
        let last = '';
        while (Date.now() - failover.startedAt < 4_500) {
          try {
            const who = identityOf(await h.invoke('client.query', () => c.query(h.cluster.identitySql)));
            if (who.readOnly) readerHits.push(who.serverId);
            else if (who.serverId === failover.to && recoveredAfterMs === undefined) recoveredAfterMs = Date.now() - failover.startedAt;
            last = `answered by ${who.serverId}, ${role(who.readOnly)}`;
          } catch (err) {
            last = (err as Error).message.split('\n')[0];
          }
          await sleep(100);
        }
        await failover.settled;
        ensure(
          readerHits.length === 0,
          `during the failover ${readerHits.length} of the client's queries were answered by ${[...new Set(readerHits)].join(', ')}, a reader: the client trusted a connection without checking who was behind it`,
        );
        if (recoveredAfterMs === undefined) {
          throw new CheckFailed(
            `4.5 s after the failover (${failover.from} -> ${failover.to}) the client had not reached the new writer (${last}): it must find the writer again when a query fails`,
          );
        }
        await h.invoke('client.query', () => c.query('INSERT INTO cluster_notes (note, written_by) VALUES (?, ?)', ['after-failover', 'check']));
        const stored = await h.onWriter(async (conn) => {
          const [rows] = await conn.query("SELECT COUNT(*) AS n FROM cluster_notes WHERE note = 'after-failover'");
          return Number((rows as Array<{ n: number }>)[0].n);
        });
        ensure(stored === 1, `after the failover, query(INSERT ...) did not reach the new writer ${failover.to}`);
        return `back on the new writer ${failover.to} ${(recoveredAfterMs / 1000).toFixed(2)} s after the failover began, while the cluster endpoint was still stale; no query landed on a reader`;
      } finally {
        await h.invoke('client.close', () => c.close()).catch(() => {});
      }
    },
  },
];
