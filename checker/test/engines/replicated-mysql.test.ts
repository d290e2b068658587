import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mysql from 'mysql2/promise';
import { setTimeout as sleep } from 'node:timers/promises';
import { startReplicatedMysql, type ReplicatedMysql } from '../../engines/replicated-mysql.js';
import type { MysqlEndpoint } from '../../engines/endpoints.js';

const connect = (e: MysqlEndpoint) =>
  mysql.createConnection({ host: e.host, port: e.port, user: e.user, password: e.password, database: e.database, connectTimeout: 1_000 });

async function serverId(e: MysqlEndpoint): Promise<number> {
  const conn = await connect(e);
  try {
    const [rows] = await conn.query('SELECT @@server_id AS id');
    return Number((rows as Array<{ id: number }>)[0].id);
  } finally {
    await conn.end();
  }
}

describe('a local primary and replica with real replication', () => {
  let pair: ReplicatedMysql;
  beforeAll(async () => {
    pair = await startReplicatedMysql();
  });
  afterAll(async () => {
    await pair?.stop();
  });

  it('replicates writes from the primary to the replica', async () => {
    const p = await connect(pair.primary.endpoint);
    await p.query('CREATE TABLE marks (id INT PRIMARY KEY, note VARCHAR(40))');
    await p.query("INSERT INTO marks VALUES (1, 'hello')");
    await p.end();
    await pair.waitForReplica();
    const r = await connect(pair.replica.endpoint);
    const [rows] = await r.query('SELECT note FROM marks WHERE id = 1');
    await r.end();
    expect(rows).toEqual([{ note: 'hello' }]);
  });

  it("the replica refuses the lab user's writes with error 1290, as an RDS replica does", async () => {
    const r = await connect(pair.replica.endpoint);
    const error = await r.query("INSERT INTO marks VALUES (2, 'nope')").then(
      () => undefined,
      (e: { errno?: number }) => e,
    );
    await r.end();
    expect(error?.errno).toBe(1290);
  });

  it('both members carry the learner account, which cannot lift read_only, stop replication or shut a server down', async () => {
    for (const node of [pair.primary, pair.replica]) {
      expect(node.endpoint.learner?.user, node.name).toBe('learner');
      const conn = await connect(node.endpoint);
      const errno = async (sql: string) =>
        conn.query(sql).then(
          () => undefined,
          (e: { errno?: number }) => e.errno,
        );
      expect(await errno('SET GLOBAL read_only = OFF'), node.name).toBe(1227);
      expect(await errno('STOP SLAVE'), node.name).toBe(1227);
      expect(await errno('SHUTDOWN'), node.name).toBe(1227);
      // The replica refuses it as read-only (1290) before looking at privileges (1044).
      expect([1044, 1290], node.name).toContain(await errno('DROP DATABASE mysql'));
      await conn.end();
    }
  });

  it('shows real lag while the replica is paused', async () => {
    await pair.pauseReplica();
    const p = await connect(pair.primary.endpoint);
    await p.query("INSERT INTO marks VALUES (3, 'late')");
    await p.end();
    await sleep(300);
    const r = await connect(pair.replica.endpoint);
    const [before] = await r.query('SELECT COUNT(*) AS n FROM marks WHERE id = 3');
    await pair.resumeReplica();
    await pair.waitForReplica();
    const [after] = await r.query('SELECT COUNT(*) AS n FROM marks WHERE id = 3');
    await r.end();
    expect((before as Array<{ n: number }>)[0].n).toBe(0);
    expect((after as Array<{ n: number }>)[0].n).toBe(1);
  });

  it('an outage on the endpoint drops connections until it is restored', async () => {
    pair.proxy.outage();
    await expect(serverId(pair.endpoint)).rejects.toBeTruthy();
    pair.proxy.restore();
    expect(await serverId(pair.endpoint)).toBe(1);
  });

  it('failover: the primary is lost, the replica is promoted and the endpoint follows it', async () => {
    expect(await serverId(pair.endpoint)).toBe(pair.primary.serverId);
    const times = await pair.failover();
    expect(times.repointedAt - times.killedAt).toBeLessThan(5_000);
    expect(await serverId(pair.endpoint)).toBe(pair.replica.serverId);
    const w = await connect(pair.endpoint);
    await w.query("INSERT INTO marks VALUES (4, 'after failover')");
    await w.end();
  });
});
