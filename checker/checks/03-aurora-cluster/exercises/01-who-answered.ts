import { ensure, type ExerciseCheck } from '../../../runner/harness.js';
import type { ClusterHarness } from '../session.js';
import { learnerIdentity, role } from './shared.js';

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
];
