import { setTimeout as sleep } from 'node:timers/promises';
import { CheckFailed, ensure, type ExerciseCheck } from '../../../runner/harness.js';
import { identityOf, type ClusterHarness } from '../session.js';
import { role } from './shared.js';
import { show } from '../../show-value.js';

const id = (name: string) => `03.02.${name}`;
type H = ClusterHarness;
interface Client {
  write(sql: string, params?: unknown[]): Promise<unknown>;
  read(sql: string, params?: unknown[]): Promise<unknown>;
  close(): Promise<void>;
}

function client(value: unknown): Client {
  const c = value as Partial<Client> | undefined;
  if (!c || typeof c.write !== 'function' || typeof c.read !== 'function' || typeof c.close !== 'function') {
    throw new CheckFailed(`createClusterClient returned ${show(value)}, not an object with write(sql, params), read(sql, params) and close()`);
  }
  return c as Client;
}

async function open(h: H): Promise<Client> {
  return client(await h.call('createClusterClient', h.context()));
}

async function closing<T>(h: H, c: Client, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } finally {
    await h.invoke('client.close', () => c.close()).catch(() => {});
  }
}

export const readWriteSplitChecks: ExerciseCheck<H>[] = [
  {
    id: id('reads-on-readers'),
    name: 'reads go to the reader endpoint',
    hint: 'read() runs on a connection made from ctx.reader, never ctx.writer.',
    async run(h) {
      const c = await open(h);
      return closing(h, c, async () => {
        const readers = await h.readerIds();
        const seen = new Set<string>();
        for (let i = 0; i < 3; i += 1) {
          const who = identityOf(await h.invoke('client.read', () => c.read(h.cluster.identitySql)));
          ensure(
            who.readOnly && readers.includes(who.serverId),
            `read() was answered by ${who.serverId}, ${role(who.readOnly)}: reads belong on the reader endpoint`,
          );
          seen.add(who.serverId);
        }
        const rows = await h.invoke('client.read', () => c.read('SELECT COUNT(*) AS n FROM cluster_notes'));
        ensure(Array.isArray(rows), `read('SELECT COUNT(*) ...') resolved to ${show(rows)}, not the rows`);
        return `reads answered by ${[...seen].join(', ')}`;
      });
    },
  },
  {
    id: id('writes-on-writer'),
    name: 'writes go to the cluster endpoint',
    hint: 'write() runs on a connection made from ctx.writer; a reader would refuse the INSERT with error 1290.',
    async run(h) {
      const c = await open(h);
      return closing(h, c, async () => {
        try {
          await h.invoke('client.write', () => c.write('INSERT INTO cluster_notes (note, written_by) VALUES (?, ?)', ['hello', 'check']));
        } catch (err) {
          if (/read-only|read_only|1290/i.test((err as Error).message))
            throw new CheckFailed('write() sent the INSERT to a reader, which refused it (error 1290, read-only): writes go to ctx.writer');
          throw err;
        }
        const stored = await h.onWriter(async (conn) => {
          const [rows] = await conn.query("SELECT COUNT(*) AS n FROM cluster_notes WHERE note = 'hello'");
          return Number((rows as Array<{ n: number }>)[0].n);
        });
        ensure(stored === 1, `after write(INSERT ...) the writer has ${stored} matching rows`);
        const who = identityOf(await h.invoke('client.write', () => c.write(h.cluster.identitySql)));
        ensure(!who.readOnly, `write() was answered by ${who.serverId}, ${role(who.readOnly)}`);
        return `the INSERT landed on ${who.serverId}, the writer`;
      });
    },
  },
  {
    id: id('reconnects'),
    name: 'after the writer restarts, write() reconnects to the cluster endpoint',
    hint: 'When a query fails because the connection is gone, forget that connection: the next call opens a new one to ctx.writer.',
    async run(h) {
      const c = await open(h);
      return closing(h, c, async () => {
        await h.invoke('client.write', () => c.write(h.cluster.identitySql));
        const failover = await h.failover({ restartMs: 400, staleMs: 0 });
        await failover.settled;
        const deadline = Date.now() + 4_000;
        let last = '';
        while (Date.now() < deadline) {
          try {
            const who = identityOf(await h.invoke('client.write', () => c.write(h.cluster.identitySql)));
            if (!who.readOnly && who.serverId === failover.to)
              return `write() reached the new writer ${who.serverId} ${Date.now() - failover.endpointRepointedAt} ms after the endpoint moved`;
            last = `answered by ${who.serverId}, ${role(who.readOnly)}`;
          } catch (err) {
            last = (err as Error).message.split('\n')[0];
          }
          await sleep(100);
        }
        throw new CheckFailed(
          `4 s after the failover (${failover.from} -> ${failover.to}) write() still failed (${last}): a lost connection must be replaced on the next call`,
        );
      });
    },
  },
  {
    id: id('close'),
    name: 'close() ends both connections',
    hint: 'close() ends the writer and the reader connections (and forgets them).',
    async run(h) {
      const before = await h.openConnections();
      const c = await open(h);
      await h.invoke('client.write', () => c.write(h.cluster.identitySql));
      await h.invoke('client.read', () => c.read(h.cluster.identitySql));
      await h.invoke('client.close', () => c.close());
      await sleep(150);
      const after = await h.openConnections();
      ensure(after <= before, `after close() ${after - before} connection(s) were still open`);
      return 'both connections closed';
    },
  },
];
