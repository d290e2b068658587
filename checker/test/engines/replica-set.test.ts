import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mysql from 'mysql2/promise';
import { existsSync } from 'node:fs';
import { startReplicaSet, type ReplicaSet } from '../../engines/replica-set.js';
import type { MysqlEndpoint } from '../../engines/endpoints.js';

const connect = (e: MysqlEndpoint) =>
  mysql.createConnection({ host: e.host, port: e.port, user: e.user, password: e.password, database: e.database, connectTimeout: 1_000 });

describe('a replica set of any size (readers: n)', () => {
  let set: ReplicaSet;
  beforeAll(async () => {
    // Three readers: a size neither the Lab 1-2 pair (one) nor the Lab 3 cluster (two) uses.
    set = await startReplicaSet({ readers: 3, name: (id) => `node-${id}` });
  });
  afterAll(async () => {
    await set?.stop();
  });

  it('names the writer server 1 and the readers 2..n+1, without an endpoint unless asked', () => {
    expect(set.writer).toMatchObject({ name: 'node-1', serverId: 1 });
    expect(set.readers.map((r) => [r.name, r.serverId])).toEqual([
      ['node-2', 2],
      ['node-3', 3],
      ['node-4', 4],
    ]);
    expect(set.nodes).toEqual([set.writer, ...set.readers]);
    expect(set.proxy).toBeUndefined();
  });

  it("every reader applies what the writer writes, and refuses the lab user's own writes with 1290", async () => {
    const w = await connect(set.writer.endpoint);
    await w.query('CREATE TABLE marks (id INT PRIMARY KEY)');
    await w.query('INSERT INTO marks VALUES (1)');
    await w.end();
    await set.waitForReaders();
    for (const reader of set.readers) {
      const r = await connect(reader.endpoint);
      const [rows] = await r.query('SELECT id FROM marks');
      const refused = await r.query('INSERT INTO marks VALUES (2)').then(
        () => undefined,
        (e: { errno?: number }) => e.errno,
      );
      await r.end();
      expect(rows, reader.name).toEqual([{ id: 1 }]);
      expect(refused, reader.name).toBe(1290);
    }
  });

  it('kill stops one member at once and leaves the others answering', async () => {
    await set.kill(set.readers[2]!);
    await expect(connect(set.readers[2]!.endpoint)).rejects.toBeTruthy();
    const r = await connect(set.readers[0]!.endpoint);
    await r.end();
  });

  it('stop removes its private folder', async () => {
    const dir = set.dir;
    await set.stop();
    expect(existsSync(dir)).toBe(false);
  });
});
