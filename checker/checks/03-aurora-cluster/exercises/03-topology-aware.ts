import { setTimeout as sleep } from 'node:timers/promises';
import { CheckFailed, ensure, type ExerciseCheck } from '../../../runner/harness.js';
import { identityOf, type ClusterHarness } from '../session.js';
import { role, rowsOf, sentSince, silentPort, timed } from './shared.js';
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
      writerName(await h.call('findWriter', ctx));
      const failover = await h.failover({ restartMs: 300, staleMs: 2_500 });
      await sleep(Math.max(0, failover.startedAt + 600 - Date.now()));
      const found = writerName(await h.call('findWriter', ctx));
      ensure(
        found === failover.to,
        `after a failover from ${failover.from} to ${failover.to}, findWriter said ${found}${found === failover.from ? " (the old writer: read the topology on every call, through an instance endpoint, and take the row whose SESSION_ID is 'MASTER_SESSION_ID')" : ''}`,
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
        const watched = h.local
          ? (['cluster', 'reader'] as const).map((name) => ({ name, proxy: h.endpoint(name), from: h.endpoint(name).statements.length }))
          : [];
        const who = identityOf(rowsOf(await h.invoke('client.query', () => c.query(h.cluster.identitySql)), 'query(ctx.identitySql)'));
        ensure(!who.readOnly, `query() was answered by ${who.serverId}, ${role(who.readOnly)}`);
        await h.invoke('client.query', () => c.query('INSERT INTO cluster_notes (note, written_by) VALUES (?, ?)', ['topology', 'check']));
        const stored = await h.onWriter(async (conn) => {
          const [rows] = await conn.query("SELECT COUNT(*) AS n FROM cluster_notes WHERE note = 'topology'");
          return Number((rows as Array<{ n: number }>)[0].n);
        });
        ensure(stored === 1, `after query(INSERT ...) the writer has ${stored} matching rows`);
        for (const w of watched) {
          const sent = sentSince(w.proxy, w.from).filter((sql) => sql.startsWith('INSERT INTO cluster_notes'));
          ensure(
            sent.length === 0,
            `query(INSERT ...) ran through the ${w.name} endpoint: statements belong on the writer's own instance endpoint, ctx.instance(writer)`,
          );
        }
        return `statements ran on ${who.serverId}, the writer, through its instance endpoint`;
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
  {
    id: id('finds-writer-past-dead-instances'),
    name: 'findWriter asks the next instance when one refuses or never answers',
    hint: 'Try every id in ctx.instanceIds (connectTimeout: ctx.timeoutMs), catch a failed connection as well as a failed query, and move on to the next.',
    async run(h) {
      const writer = await h.writerId();
      const first = h.instanceIds[0];
      // The first instance refuses connections, as does the cluster endpoint (the writer going away).
      h.endpoint(first).outage();
      h.endpoint('cluster').outage();
      const refused = await timed(h, 'findWriter', () => h.callFor(4_000, 'findWriter', h.context()), 4_000);
      h.endpoint(first).restore();
      h.endpoint('cluster').restore();
      if (!refused.ok)
        throw new CheckFailed(
          `with ${first} and the cluster endpoint refusing connections, findWriter failed (${refused.error.slice(0, 140)}): ask the other instances`,
        );
      ensure(
        writerName(refused.value) === writer,
        `with ${first} refusing connections, findWriter said ${show(refused.value)}, but the topology names ${writer}`,
      );
      const silent = await silentPort();
      try {
        const ctx = h.context({ timeoutMs: 1_000, ports: { instances: { [first]: silent.port } } });
        const hung = await timed(h, 'findWriter', () => h.callFor(5_000, 'findWriter', ctx), 5_000);
        if (!hung.ok)
          throw new CheckFailed(
            hung.hung || hung.ms > 3_500
              ? `with ${first} never answering and ctx.timeoutMs = 1000, findWriter was still waiting after ${(hung.ms / 1000).toFixed(1)} s: connect with connectTimeout: ctx.timeoutMs`
              : `with ${first} never answering, findWriter failed (${hung.error.slice(0, 140)}): ask the other instances`,
          );
        ensure(
          hung.ms <= 3_500,
          `with ${first} never answering and ctx.timeoutMs = 1000, findWriter took ${(hung.ms / 1000).toFixed(1)} s: connect with connectTimeout: ctx.timeoutMs`,
        );
        ensure(writerName(hung.value) === writer, `with ${first} never answering, findWriter said ${show(hung.value)}, but the topology names ${writer}`);
        return `found ${writer} past a refusing instance, and past a silent one in ${hung.ms} ms`;
      } finally {
        await silent.close();
      }
    },
  },
  {
    id: id('no-writer-found'),
    name: 'findWriter rejects when no instance answers, and the client gives up in time',
    hint: 'When every instance fails, throw: never guess a writer. query() may retry, for ctx.timeoutMs at most, then rejects.',
    async run(h) {
      const timeoutMs = 1_000;
      const c = client(await h.call('createTopologyAwareClient', h.context({ timeoutMs })));
      try {
        await h.invoke('client.query', () => c.query(h.cluster.identitySql));
        for (const id of h.instanceIds) h.endpoint(id).outage();
        const found = await timed(h, 'findWriter', () => h.callFor(4_000, 'findWriter', h.context({ timeoutMs })), 4_000);
        ensure(!found.ok, `findWriter said ${show(found.ok ? found.value : undefined)} while no instance answered: it must reject, not guess`);
        const limit = timeoutMs * (h.instanceIds.length + 3);
        const q = await timed(h, 'client.query', () => c.query(h.cluster.identitySql), limit + 1_000);
        ensure(!q.ok, `query() resolved to ${show(q.ok ? q.value : undefined)} while no instance answered`);
        ensure(
          q.ms <= limit,
          `query() was still waiting ${(q.ms / 1000).toFixed(1)} s into an outage of every instance, with ctx.timeoutMs = ${timeoutMs}: retry for ctx.timeoutMs at most, then reject`,
        );
        for (const id of h.instanceIds) h.endpoint(id).restore();
        const back = await timed(h, 'client.query', () => c.query(h.cluster.identitySql), 3_000);
        if (!back.ok)
          throw new CheckFailed(
            `the first query() after the outage ended failed (${back.error.slice(0, 140)}): find the writer again on the next call, do not keep the failure`,
          );
        const who = identityOf(rowsOf(back.value, 'query(ctx.identitySql)'));
        ensure(!who.readOnly, `after the outage query() was answered by ${who.serverId}, ${role(who.readOnly)}`);
        return `rejected after ${q.ms} ms of outage, and the next call after it ran on ${who.serverId}`;
      } finally {
        for (const id of h.instanceIds) h.endpoint(id).restore();
        await h.invoke('client.close', () => c.close()).catch(() => {});
      }
    },
  },
  {
    id: id('stale-topology'),
    name: 'a topology that names a read-only server is not trusted',
    hint: 'After connecting to the instance the topology names, run ctx.identitySql: if read_only is 1, close that connection and do not run the statement there (nor on ctx.writer).',
    async run(h) {
      const local = h.localCluster;
      const stale = local.readers()[0];
      const before = await h.openConnections();
      await local.staleTopology(stale);
      const named = writerName(await h.call('findWriter', h.context()));
      ensure(named === stale, `with the topology naming ${stale} as the writer, findWriter said ${named}: read it from ctx.topologyTable`);
      const asked = `${h.cluster.identitySql} /* stale topology ${Date.now().toString(36)} */`;
      const watched = (['cluster', 'reader'] as const).map((name) => ({ name, proxy: h.endpoint(name), from: h.endpoint(name).statements.length }));
      const c = client(await h.call('createTopologyAwareClient', h.context({ timeoutMs: 500 })));
      try {
        for (let i = 0; i < 2; i += 1) {
          const got = await timed(h, 'client.query', () => c.query(asked), 4_000);
          if (got.ok) {
            const who = identityOf(rowsOf(got.value, 'query(ctx.identitySql)'));
            ensure(
              !who.readOnly,
              `with the topology naming ${stale} (read-only) as the writer, query() was answered by ${who.serverId}, ${role(who.readOnly)}: check read_only before trusting a connection`,
            );
          } else ensure(!got.hung, `with the topology naming a read-only server, query() never settled`);
        }
        for (const w of watched)
          ensure(
            sentSince(w.proxy, w.from).every((sql) => sql !== asked),
            `with the topology naming a read-only server, query() ran through the ${w.name} endpoint: statements go to an instance endpoint only`,
          );
      } finally {
        await h.invoke('client.close', () => c.close()).catch(() => {});
      }
      await sleep(200);
      const after = await h.openConnections();
      ensure(
        after <= before,
        `after close() ${after - before} connection(s) were still open: close a connection you refuse to use (read_only = 1), do not just forget it`,
      );
      return `did not trust ${stale}, named by a stale topology`;
    },
  },
  {
    id: id('drops-read-only-connection'),
    name: 'a kept connection whose server turned read-only is dropped',
    hint: 'A statement refused as read-only (errno 1290, 1836 or 1792) means the server is no longer the writer: close that connection and find the writer again; the next call (or a re-run of the refused statement) goes to the new writer.',
    async run(h) {
      const local = h.localCluster;
      const before = await h.openConnections();
      const c = client(await h.call('createTopologyAwareClient', h.context({ timeoutMs: 3_000 })));
      try {
        await h.invoke('client.query', () => c.query(h.cluster.identitySql));
        // The writer role moves and no connection drops: the client's connection now reaches a read-only server.
        const moved = await local.demoteKeepingConnections();
        const insert = (note: string) => () => c.query('INSERT INTO cluster_notes (note, written_by) VALUES (?, ?)', [note, 'check']);
        const first = await timed(h, 'client.query', insert('demoted-1'), 3_000);
        const second = await timed(h, 'client.query', insert('demoted-2'), 3_000);
        if (!second.ok)
          throw new CheckFailed(
            `after ${moved.from} turned read-only (its connections kept), the second INSERT failed too (${second.error.slice(0, 120)}): a connection refused as read-only must be dropped, and the writer found again`,
          );
        const stored = await h.onWriter(async (conn) => {
          const [rows] = await conn.query("SELECT COUNT(*) AS n FROM cluster_notes WHERE note IN ('demoted-1', 'demoted-2')");
          return Number((rows as Array<{ n: number }>)[0].n);
        });
        ensure(stored === (first.ok ? 2 : 1), `after ${moved.from} turned read-only, the new writer ${moved.to} has ${stored} of the client's INSERTs`);
      } finally {
        await h.invoke('client.close', () => c.close()).catch(() => {});
      }
      await sleep(200);
      const after = await h.openConnections();
      ensure(
        after <= before,
        `after close() ${after - before} connection(s) were still open: close the connection to the demoted server when you stop using it`,
      );
      return 'left the demoted server at its first refusal, and closed that connection';
    },
  },
  {
    id: id('gives-up-in-time'),
    name: 'a statement that never answers is given up after ctx.timeoutMs',
    hint: 'Give each statement { sql, values, timeout: ctx.timeoutMs } and destroy a connection whose statement timed out: the next call needs a new one.',
    async run(h) {
      const writer = await h.writerId();
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      const stalled = `SELECT 'labs-stalled' AS marker /* ${Date.now().toString(36)} */`;
      const fault = h.endpoint(writer).inject({ match: (s) => s.sql?.trim() === stalled, fault: { type: 'stall', until: released } });
      const c = client(await h.call('createTopologyAwareClient', h.context({ timeoutMs: 1_000 })));
      try {
        await h.invoke('client.query', () => c.query(h.cluster.identitySql));
        const got = await timed(h, 'client.query', () => c.query(stalled), 5_000);
        ensure(!got.ok, 'query() resolved although its statement never reached the server');
        ensure(
          got.ms <= 3_000,
          `query() was still waiting ${(got.ms / 1000).toFixed(1)} s for a statement that never answers, with ctx.timeoutMs = 1000: give each statement timeout: ctx.timeoutMs`,
        );
        const next = await timed(h, 'client.query', () => c.query(h.cluster.identitySql), 3_000);
        if (!next.ok)
          throw new CheckFailed(
            `the query() after a statement timed out failed too (${next.error.slice(0, 140)}): destroy the busy connection and open a new one`,
          );
        return `gave up after ${got.ms} ms (ctx.timeoutMs = 1000), and the next call ran`;
      } finally {
        fault.remove();
        release();
        await h.invoke('client.close', () => c.close()).catch(() => {});
      }
    },
  },
  {
    id: id('closes-connections'),
    name: 'findWriter and close() leave no connection open',
    hint: 'Close every connection findWriter opens (in a finally block); close() ends the client connection.',
    async run(h) {
      const before = await h.openConnections();
      for (let i = 0; i < 3; i += 1) writerName(await h.call('findWriter', h.context()));
      await sleep(200);
      const afterFind = await h.openConnections();
      ensure(afterFind <= before, `3 calls to findWriter left ${afterFind - before} connection(s) open`);
      const c = client(await h.call('createTopologyAwareClient', h.context()));
      await h.invoke('client.query', () => c.query(h.cluster.identitySql));
      await h.invoke('client.query', () => c.query(h.cluster.identitySql));
      await h.invoke('client.close', () => c.close());
      await sleep(200);
      const after = await h.openConnections();
      ensure(after <= before, `after close() ${after - before} connection(s) were still open`);
      return 'no connection left open';
    },
  },
];
