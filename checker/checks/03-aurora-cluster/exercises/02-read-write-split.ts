import { setTimeout as sleep } from 'node:timers/promises';
import { CheckFailed, ensure, type ExerciseCheck } from '../../../runner/harness.js';
import { identityOf, type ClusterHarness } from '../session.js';
import { role, rowsOf, silentPort, timed } from './shared.js';
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
          const who = identityOf(rowsOf(await h.invoke('client.read', () => c.read(h.cluster.identitySql)), 'read(ctx.identitySql)'));
          ensure(
            who.readOnly && readers.includes(who.serverId),
            `read() was answered by ${who.serverId}, ${role(who.readOnly)}: reads belong on the reader endpoint`,
          );
          seen.add(who.serverId);
        }
        const count = async () => {
          const rows = rowsOf(
            await h.invoke('client.read', () => c.read('SELECT COUNT(*) AS n FROM cluster_notes WHERE note = ?', ['fresh'])),
            "read('SELECT COUNT(*) ...')",
          );
          return Number((rows[0] as { n?: unknown } | undefined)?.n);
        };
        const first = await count();
        // A row written since must show up in a later read, once the readers have it: a read is asked of the server every time.
        await h.onWriter((conn) => conn.query("INSERT INTO cluster_notes (note, written_by) VALUES ('fresh', 'check')"));
        const deadline = Date.now() + 3_000;
        let later = await count();
        while (later !== first + 1 && Date.now() < deadline) {
          await sleep(100);
          later = await count();
        }
        ensure(
          later === first + 1,
          `read('SELECT COUNT(*) ...') said ${later} 3 s after the writer added a row to the ${first} it said before: reads must run on the reader every time, not be answered from memory`,
        );
        return `reads answered by ${[...seen].join(', ')}, and a later read saw a new row`;
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
        const who = identityOf(rowsOf(await h.invoke('client.write', () => c.write(h.cluster.identitySql)), 'write(ctx.identitySql)'));
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
      // The first calls come at once, before any connection is open: none may open one that close() then misses.
      const sql = h.cluster.identitySql;
      await h.invoke('client.write and client.read at once', () => Promise.all([c.write(sql), c.write(sql), c.read(sql), c.read(sql)]));
      await h.invoke('client.write', () => c.write(sql));
      await h.invoke('client.read', () => c.read(sql));
      await h.invoke('client.close', () => c.close());
      await sleep(200);
      const after = await h.openConnections();
      ensure(after <= before, `after two writes and two reads at once, two more calls and close(), ${after - before} connection(s) were still open`);
      return 'every connection closed';
    },
  },
  {
    id: id('next-call-after-loss'),
    name: 'the call after a lost connection succeeds, on the writer and on the readers',
    hint: "Forget a connection as soon as it is lost: listen for its 'error' and 'end' events (a connection dropped while idle fails no call), and after a failed call; the next call opens a new one to the same endpoint.",
    async run(h) {
      const c = client(await h.call('createClusterClient', h.context({ timeoutMs: 3_000 })));
      return closing(h, c, async () => {
        const sql = h.cluster.identitySql;
        const readers = await h.readerIds();
        await h.invoke('client.write', () => c.write(sql));
        await h.invoke('client.read', () => c.read(sql));
        // Every connection through both endpoints drops while no call is running, and the endpoints answer again at once.
        const cluster = h.endpoint('cluster');
        const reader = h.endpoint('reader');
        cluster.repoint(cluster.target);
        reader.spread(readers.map((id) => h.endpoint(id).target));
        await sleep(300);
        const write = await timed(h, 'client.write', () => c.write(sql), 3_000);
        if (!write.ok)
          throw new CheckFailed(
            `the first write() after the writer connection was dropped while idle failed (${write.error.slice(0, 140)}): notice the loss ('error'/'end' events) and open a new connection`,
          );
        const read = await timed(h, 'client.read', () => c.read(sql), 3_000);
        if (!read.ok)
          throw new CheckFailed(
            `the first read() after the reader connection was dropped while idle failed (${read.error.slice(0, 140)}): the reader endpoint needs a new connection too`,
          );
        const who = identityOf(rowsOf(read.value, 'read(ctx.identitySql)'));
        ensure(
          who.readOnly && readers.includes(who.serverId),
          `after the reader connection was lost, read() was answered by ${who.serverId}, ${role(who.readOnly)}: reconnect to ctx.reader, not elsewhere`,
        );
        // A connection cut in the middle of a statement: that call may fail, the next one must not.
        for (const [endpoint, label, call] of [
          [cluster, 'write()', () => c.write(sql)],
          [reader, 'read()', () => c.read(sql)],
        ] as const) {
          endpoint.inject({ match: (s) => s.sql?.trim() === sql, fault: { type: 'drop' } });
          await timed(h, `client.${label}`, call, 3_000);
          const next = await timed(h, `client.${label}`, call, 3_000);
          if (!next.ok)
            throw new CheckFailed(
              `the ${label} after one whose connection was cut failed too (${next.error.slice(0, 140)}): a failed call must not leave its dead connection for the next`,
            );
        }
        return 'the next write() and read() after a lost connection (idle or mid-statement) ran on new connections';
      });
    },
  },
  {
    id: id('endpoint-back-later'),
    name: 'an endpoint that was down at the first call is tried again',
    hint: 'Do not keep a failed connection attempt (a rejected promise) for later calls: the next call tries the endpoint again.',
    async run(h) {
      const cluster = h.endpoint('cluster');
      const c = client(await h.call('createClusterClient', h.context({ timeoutMs: 3_000 })));
      return closing(h, c, async () => {
        cluster.outage();
        const down = await timed(h, 'client.write', () => c.write(h.cluster.identitySql), 3_000);
        cluster.restore();
        ensure(!down.ok, `write() resolved to ${show(down.ok ? down.value : undefined)} while the cluster endpoint refused every connection`);
        const back = await timed(h, 'client.write', () => c.write(h.cluster.identitySql), 3_000);
        if (!back.ok)
          throw new CheckFailed(
            `write() still failed once the cluster endpoint answered again (${back.error.slice(0, 140)}): a failed connection attempt must not be kept for later calls`,
          );
        return 'the endpoint was tried again once it answered';
      });
    },
  },
  {
    id: id('gives-up-in-time'),
    name: 'a connection or a statement that never answers is given up after ctx.timeoutMs',
    hint: 'connectTimeout: ctx.timeoutMs on each connection, { sql, values, timeout: ctx.timeoutMs } on each statement, and destroy() a connection whose statement timed out: it is still busy.',
    async run(h) {
      const silent = await silentPort();
      try {
        const ctx = h.context({ timeoutMs: 1_000, ports: { writer: silent.port } });
        const c = client(await h.call('createClusterClient', ctx));
        await closing(h, c, async () => {
          const got = await timed(h, 'client.write', () => c.write(h.cluster.identitySql), 5_000);
          ensure(!got.ok, 'write() resolved although nothing answered at the cluster endpoint');
          ensure(
            got.ms <= 3_000,
            `write() was still waiting ${(got.ms / 1000).toFixed(1)} s for an endpoint that never answers, with ctx.timeoutMs = 1000: set connectTimeout: ctx.timeoutMs`,
          );
        });
      } finally {
        await silent.close();
      }
      const c = client(await h.call('createClusterClient', h.context({ timeoutMs: 1_000 })));
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      const stalled = `SELECT 'labs-stalled' AS marker /* ${Date.now().toString(36)} */`;
      const fault = h.endpoint('cluster').inject({ match: (s) => s.sql?.trim() === stalled, fault: { type: 'stall', until: released } });
      try {
        return await closing(h, c, async () => {
          await h.invoke('client.write', () => c.write(h.cluster.identitySql));
          const got = await timed(h, 'client.write', () => c.write(stalled), 5_000);
          ensure(!got.ok, 'write() resolved although its statement never reached the server');
          ensure(
            got.ms <= 3_000,
            `write() was still waiting ${(got.ms / 1000).toFixed(1)} s for a statement that never answers, with ctx.timeoutMs = 1000: give each statement timeout: ctx.timeoutMs`,
          );
          const next = await timed(h, 'client.write', () => c.write(h.cluster.identitySql), 3_000);
          if (!next.ok)
            throw new CheckFailed(
              `the write() after a statement timed out failed too (${next.error.slice(0, 140)}): its connection is still busy with the old statement, destroy it and open a new one`,
            );
          return 'gave up on a silent endpoint and on a stalled statement within ctx.timeoutMs, and the next call ran';
        });
      } finally {
        fault.remove();
        release();
      }
    },
  },
];
