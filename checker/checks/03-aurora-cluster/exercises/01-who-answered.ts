import { setTimeout as sleep } from 'node:timers/promises';
import { CheckFailed, ensure, type ExerciseCheck } from '../../../runner/harness.js';
import type { ClusterHarness } from '../session.js';
import { learnerIdentity, role, sentSince, silentPort, timed } from './shared.js';

const id = (name: string) => `03.01.${name}`;
type H = ClusterHarness;

export const whoAnsweredChecks: ExerciseCheck<H>[] = [
  {
    id: id('writer-endpoint'),
    name: 'the cluster endpoint is the writer',
    hint: 'identify(ctx.writer, ctx) connects, runs ctx.identitySql and returns { serverId: String(row.server_id), readOnly: Number(row.read_only) === 1 }.',
    async run(h) {
      const ctx = h.context();
      const truth = await h.identityAt(ctx.writer);
      const got = learnerIdentity(await h.call('identify', ctx.writer, ctx), 'identify(ctx.writer)');
      ensure(got.serverId === truth.serverId, `identify(ctx.writer) said ${got.serverId}, but ${truth.serverId} answered`);
      ensure(got.readOnly === truth.readOnly, `identify(ctx.writer) said readOnly ${got.readOnly}, but ${truth.serverId} is ${role(truth.readOnly)}`);
      return `${got.serverId}, read_only = 0`;
    },
  },
  {
    id: id('reader-endpoint'),
    name: 'the reader endpoint leads to a reader',
    hint: 'The same function with ctx.reader: the server that answers reports read_only = 1.',
    async run(h) {
      const ctx = h.context();
      const readers = await h.readerIds();
      const got = learnerIdentity(await h.call('identify', ctx.reader, ctx), 'identify(ctx.reader)');
      ensure(readers.includes(got.serverId), `identify(ctx.reader) said ${got.serverId}, which is not one of the readers (${readers.join(', ')})`);
      ensure(got.readOnly, `identify(ctx.reader) said readOnly false, but ${got.serverId} is a reader`);
      return `${got.serverId}, read_only = 1`;
    },
  },
  {
    id: id('every-instance'),
    name: 'every instance named by the server itself',
    hint: 'Do not derive the answer from the settings or hard-code it: report what the server returned.',
    async run(h) {
      const ctx = h.context();
      const writer = await h.writerId();
      const seen: string[] = [];
      for (const instance of ctx.instanceIds) {
        const got = learnerIdentity(await h.call('identify', ctx.instance(instance), ctx), `identify(ctx.instance('${instance}'))`);
        ensure(got.serverId === instance, `identify(ctx.instance('${instance}')) said ${got.serverId}`);
        ensure(
          got.readOnly === (instance !== writer),
          `identify(ctx.instance('${instance}')) said readOnly ${got.readOnly}, but it is ${role(instance !== writer)}`,
        );
        seen.push(`${got.serverId}${got.readOnly ? ' (reader)' : ' (writer)'}`);
      }
      return seen.join(', ');
    },
  },
  {
    id: id('closes-connection'),
    name: 'each call closes its connection',
    hint: 'End the connection in a finally block, so an error does not leave it open either.',
    async run(h) {
      const ctx = h.context();
      const before = await h.openConnections();
      for (let i = 0; i < 5; i += 1) await h.call('identify', ctx.writer, ctx);
      await new Promise((resolve) => setTimeout(resolve, 150));
      const after = await h.openConnections();
      ensure(after <= before, `5 calls to identify left ${after - before} connection(s) open: a workshop of 30 would exhaust max_connections`);
      return 'no connection left open after 5 calls';
    },
  },
  {
    id: id('runs-identity-sql'),
    name: 'the server is asked with ctx.identitySql',
    hint: 'Run ctx.identitySql as given: on Aurora it reads @@aurora_server_id and @@innodb_read_only, which a query of your own would not.',
    async run(h) {
      // A text no one could have copied from the kit: only code that runs ctx.identitySql sends it.
      const ctx = h.context({ identitySql: `${h.cluster.identitySql} /* asked by check ${Date.now().toString(36)} */` });
      const writer = await h.writerId();
      const proxy = h.endpoint(writer);
      const from = proxy.statements.length;
      learnerIdentity(await h.call('identify', ctx.instance(writer), ctx), `identify(ctx.instance('${writer}'))`);
      const sent = sentSince(proxy, from);
      ensure(
        sent.includes(ctx.identitySql),
        `identify sent ${sent.length === 0 ? 'no statement' : JSON.stringify(sent[sent.length - 1].slice(0, 120))} instead of ctx.identitySql: a query of your own is right on one target only`,
      );
      return 'ran ctx.identitySql as given';
    },
  },
  {
    id: id('unreachable'),
    name: 'an endpoint that never answers is given up after ctx.timeoutMs',
    hint: 'Pass connectTimeout: ctx.timeoutMs (milliseconds) to createConnection, and let the error reach the caller: never answer for a server that did not.',
    async run(h) {
      // A stub that always throws would pass the rest: the function must answer for a live endpoint first.
      learnerIdentity(await h.call('identify', h.context().writer, h.context()), 'identify(ctx.writer)');
      const silent = await silentPort();
      try {
        const ctx = h.context({ timeoutMs: 500, ports: { writer: silent.port } });
        const got = await timed(h, 'identify', () => h.callFor(4_000, 'identify', ctx.writer, ctx), 4_000);
        if (got.ok)
          throw new CheckFailed(
            `identify resolved to ${JSON.stringify(got.value)} for an endpoint where no server answered: it must reject, not make up an identity`,
          );
        ensure(
          got.ms <= 2_500,
          got.hung
            ? `identify was still waiting ${(got.ms / 1000).toFixed(1)} s after connecting to an endpoint that never answers, with ctx.timeoutMs = 500: the connect timeout is missing or not in milliseconds`
            : `identify took ${(got.ms / 1000).toFixed(1)} s to give up on an endpoint that never answers, with ctx.timeoutMs = 500: use connectTimeout: ctx.timeoutMs`,
        );
        return `gave up after ${got.ms} ms (ctx.timeoutMs = 500): ${got.error.slice(0, 80)}`;
      } finally {
        await silent.close();
      }
    },
  },
  {
    id: id('closes-on-failure'),
    name: 'a call whose query fails closes its connection too',
    hint: 'Close the connection in a finally block (end() or destroy()), and let the query error reach the caller.',
    async run(h) {
      const ctx = h.context();
      const writer = await h.writerId();
      const before = await h.openConnections();
      const fault = h.endpoint(writer).inject({
        match: (s) => s.sql?.trim() === ctx.identitySql.trim(),
        fault: { type: 'fail', code: 1053, sqlState: '08S01', message: 'Server shutdown in progress (injected by the checker)' },
        times: 3,
      });
      try {
        for (let i = 0; i < 3; i += 1) {
          const got = await timed(h, 'identify', () => h.callFor(3_000, 'identify', ctx.instance(writer), ctx), 3_000);
          if (got.ok)
            throw new CheckFailed(
              `identify resolved to ${JSON.stringify(got.value)} although the server refused the identity query: the error must reach the caller`,
            );
          ensure(!got.hung, `identify never settled after the server refused the identity query (${got.error.slice(0, 100)})`);
        }
      } finally {
        fault.remove();
      }
      ensure(fault.hits.length === 3, `identify never sent ctx.identitySql (${fault.hits.length} of 3 calls did): the failures were not the server's`);
      await sleep(200);
      const after = await h.openConnections();
      ensure(after <= before, `3 calls to identify whose query failed left ${after - before} connection(s) open: close the connection on the error path too`);
      return 'no connection left open after 3 failed queries';
    },
  },
];
