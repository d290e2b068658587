/**
 * The load generator against a real mariadbd: operation counts checked on the
 * server, the duration kept, real SQL errors and dropped connections counted,
 * and no connection left on the server after a run or an abort.
 */
import mysql, { type Connection } from 'mysql2/promise';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalDatabase, type LocalDatabase } from '../../engines/local.js';
import type { ConnectionSettings } from '../../exercise-api.js';
import { LoadOptionsError, runLoad, type LoadProgress, type LoadStatement } from '../load-generator.js';
import { prepareSbtest } from '../sbtest.js';
import { pointSelect, readWriteMix, readWriteTransaction } from '../statements.js';

let database: LocalDatabase;
let settings: ConnectionSettings;
let admin: Connection;

beforeAll(async () => {
  database = await startLocalDatabase();
  const m = database.endpoints.mysql;
  settings = { host: m.host, port: m.port, user: m.user, password: m.password, database: m.database };
  admin = await mysql.createConnection(settings);
  await prepareSbtest(admin, 1_000);
  await admin.query('CREATE TABLE tally (id INT PRIMARY KEY, n INT NOT NULL)');
});

afterAll(async () => {
  await admin?.end();
  await database?.stop();
});

/** Connections on the server other than the test's own admin connection. */
async function otherConnections(): Promise<number> {
  const [rows] = await admin.query(
    "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID() AND USER <> 'system user' AND COMMAND <> 'Daemon'",
  );
  return Number((rows as Array<{ n: number }>)[0].n);
}

async function settledConnections(): Promise<number> {
  for (let i = 0; i < 20 && (await otherConnections()) > 0; i += 1) await sleep(50);
  return otherConnections();
}

const tallyStatement: LoadStatement = { name: 'tally', kind: 'write', run: (conn) => conn.execute('UPDATE tally SET n = n + 1 WHERE id = 1') };

async function tally(): Promise<number> {
  const [rows] = await admin.query('SELECT n FROM tally WHERE id = 1');
  return Number((rows as Array<{ n: number }>)[0]?.n ?? 0);
}

describe('runLoad', () => {
  it('in operations mode runs exactly that many operations in total, as the server counts them', async () => {
    await admin.query('REPLACE INTO tally VALUES (1, 0)');
    const summary = await runLoad({ connection: settings, workers: 4, operations: 333, statements: [tallyStatement] });
    expect(await tally()).toBe(333);
    expect(summary.operations).toBe(333);
    expect(summary.errors).toBe(0);
    expect(summary.latency.count).toBe(333);
    expect(summary.byStatement.tally.count).toBe(333);
    expect(summary.aborted).toBe(false);
    expect(summary.connectionsOpened).toBe(4);
    expect(await settledConnections()).toBe(0);
  });

  it('in duration mode keeps the workers busy for the duration, then stops issuing', async () => {
    await admin.query('REPLACE INTO tally VALUES (1, 0)');
    const starts: number[] = [];
    let inFlight = 0;
    let peak = 0;
    const timed: LoadStatement = {
      name: 'timed',
      async run(conn) {
        starts.push(performance.now());
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        try {
          await conn.execute('UPDATE tally SET n = n + 1 WHERE id = 1');
          await sleep(2);
        } finally {
          inFlight -= 1;
        }
      },
    };
    const began = performance.now();
    const summary = await runLoad({ connection: settings, workers: 3, durationMs: 700, statements: [timed] });
    const took = performance.now() - began;
    expect(summary.elapsedMs).toBeGreaterThanOrEqual(700);
    expect(summary.elapsedMs).toBeLessThan(900);
    expect(took).toBeLessThan(1_500);
    expect(peak).toBe(3);
    expect(summary.operations).toBe(starts.length);
    expect(await tally()).toBe(starts.length);
    const firstStart = Math.min(...starts);
    expect(Math.max(...starts) - firstStart).toBeLessThan(700);
    expect(Math.max(...starts) - firstStart).toBeGreaterThan(600);
    expect(summary.opsPerSecond).toBeCloseTo(summary.operations / (summary.elapsedMs / 1000), 6);
  });

  it('stops at whichever comes first when given both a duration and an operation count', async () => {
    const summary = await runLoad({ connection: settings, workers: 2, operations: 50, durationMs: 5_000, statements: [pointSelect('sbtest1', 1_000)] });
    expect(summary.operations).toBe(50);
    expect(summary.elapsedMs).toBeLessThan(2_000);
  });

  it('reports latency percentiles of the operations it timed', async () => {
    // Every 10th operation takes 40 ms, the rest about 5 ms: p50 near 5, p95 and p99 near 40.
    let n = 0;
    const shaped: LoadStatement = {
      name: 'shaped',
      async run(conn) {
        n += 1;
        await conn.query('SELECT 1');
        await sleep(n % 10 === 0 ? 40 : 5);
      },
    };
    const summary = await runLoad({ connection: settings, workers: 1, operations: 100, statements: [shaped] });
    const l = summary.latency;
    expect(l.count).toBe(100);
    expect(l.p50Ms).toBeGreaterThanOrEqual(5);
    expect(l.p50Ms).toBeLessThan(20);
    expect(l.p95Ms).toBeGreaterThanOrEqual(40);
    expect(l.p99Ms).toBeGreaterThanOrEqual(40);
    expect(l.maxMs).toBeGreaterThanOrEqual(l.p99Ms);
    expect(l.meanMs).toBeGreaterThan(l.p50Ms);
    expect(l.meanMs).toBeLessThan(l.p95Ms);
  });

  it('counts every failed operation as an error, per statement, with the first messages', async () => {
    let failing = 0;
    const broken: LoadStatement = {
      name: 'broken',
      weight: 1,
      run: (conn) => {
        failing += 1;
        return conn.query('SELECT * FROM no_such_table');
      },
    };
    const fine: LoadStatement = { ...pointSelect('sbtest1', 1_000), weight: 3 };
    const summary = await runLoad({ connection: settings, workers: 4, operations: 400, statements: [fine, broken], seed: 7 });
    expect(failing).toBeGreaterThan(50);
    expect(summary.errors).toBe(failing);
    expect(summary.byStatement.broken.errors).toBe(failing);
    expect(summary.byStatement.broken.count).toBe(failing);
    expect(summary.byStatement['point-select'].errors).toBe(0);
    expect(summary.byStatement['point-select'].count).toBe(400 - failing);
    expect(summary.operations).toBe(400);
    expect(summary.latency.errors).toBe(failing);
    expect(summary.firstErrors).toHaveLength(1);
    expect(summary.firstErrors[0]).toMatch(/ER_NO_SUCH_TABLE.*no_such_table/);
  });

  it('replaces a connection the server dropped and counts the lost operation', async () => {
    let kills = 0;
    const killer: LoadStatement = {
      name: 'sometimes-killed',
      async run(conn, rand) {
        if (rand() < 0.1) {
          kills += 1;
          await conn.query('KILL CONNECTION_ID()');
        }
        return conn.query('SELECT 1');
      },
    };
    const summary = await runLoad({ connection: settings, workers: 2, operations: 200, statements: [killer], seed: 3 });
    expect(kills).toBeGreaterThan(5);
    expect(summary.errors).toBe(kills);
    expect(summary.operations).toBe(200);
    // Every kill is followed by a new connection, except where a worker's last operation was the kill.
    expect(summary.connectionsOpened).toBeGreaterThanOrEqual(2 + kills - 2);
    expect(summary.connectionsOpened).toBeLessThanOrEqual(2 + kills);
    expect(await settledConnections()).toBe(0);
  });

  it('counts connection failures as errors and keeps trying until the duration ends', async () => {
    const closed = { ...settings, port: 9 };
    const summary = await runLoad({ connection: closed, workers: 2, durationMs: 400, statements: [pointSelect()], connectTimeoutMs: 200 });
    expect(summary.operations).toBeGreaterThan(2);
    expect(summary.errors).toBe(summary.operations);
    expect(summary.firstErrors[0]).toMatch(/ECONNREFUSED/);
    expect(summary.elapsedMs).toBeLessThan(1_000);
  });

  it('on abort stops issuing, finishes what is in flight, resolves aborted and leaves no connection on the server', async () => {
    const controller = new AbortController();
    let done = 0;
    const slow: LoadStatement = {
      name: 'slow',
      async run(conn) {
        await conn.query('SELECT SLEEP(0.05)');
        done += 1;
      },
    };
    const run = runLoad({ connection: settings, workers: 6, durationMs: 30_000, statements: [slow], signal: controller.signal });
    await sleep(400);
    expect(await otherConnections()).toBe(6);
    const abortedAt = performance.now();
    controller.abort();
    const summary = await run;
    expect(performance.now() - abortedAt).toBeLessThan(500);
    expect(summary.aborted).toBe(true);
    expect(summary.errors).toBe(0);
    expect(summary.operations).toBe(done);
    expect(summary.elapsedMs).toBeLessThan(2_000);
    expect(await settledConnections()).toBe(0);
  });

  it('reports progress a few times a second and a final figure', async () => {
    const seen: LoadProgress[] = [];
    const summary = await runLoad({
      connection: settings,
      workers: 2,
      durationMs: 900,
      statements: [pointSelect('sbtest1', 1_000)],
      onProgress: (p) => seen.push(p),
      progressIntervalMs: 200,
    });
    expect(seen.length).toBeGreaterThanOrEqual(4);
    for (let i = 1; i < seen.length; i += 1) expect(seen[i].operations).toBeGreaterThanOrEqual(seen[i - 1].operations);
    expect(seen.at(-1)?.operations).toBe(summary.operations);
    expect(seen[0].durationMs).toBe(900);
    expect(seen[1].opsPerSecond).toBeGreaterThan(0);
  });

  it('follows the weights of a read/write mix, reproducibly with a seed', async () => {
    const run = () => runLoad({ connection: settings, workers: 1, operations: 1_000, statements: readWriteMix(20, 'sbtest1', 1_000), seed: 42 });
    const a = await run();
    const b = await run();
    const writes = a.byStatement['index-update'].count;
    expect(writes).toBeGreaterThan(150);
    expect(writes).toBeLessThan(250);
    expect(b.byStatement['index-update'].count).toBe(writes);
  });

  it('runs sysbench-shaped read-write transactions, 20 queries each', async () => {
    const summary = await runLoad({ connection: settings, workers: 2, operations: 40, statements: [readWriteTransaction('sbtest1', 1_000)] });
    expect(summary.operations).toBe(40);
    expect(summary.errors).toBe(0);
    expect(summary.queriesPerSecond).toBeCloseTo(summary.opsPerSecond * 20, 6);
    const [rows] = await admin.query('SELECT COUNT(*) AS n FROM sbtest1');
    expect(Number((rows as Array<{ n: number }>)[0].n)).toBe(1_000);
  });

  it('refuses options that could not describe a run', async () => {
    const base = { connection: settings, statements: [pointSelect()] };
    await expect(runLoad({ ...base, workers: 0, durationMs: 100 })).rejects.toThrow(LoadOptionsError);
    await expect(runLoad({ ...base, workers: 2 })).rejects.toThrow(/durationMs or operations/);
    await expect(runLoad({ ...base, workers: 2, operations: 1.5 })).rejects.toThrow(/whole number/);
    await expect(runLoad({ ...base, workers: 1, durationMs: 100, statements: [] })).rejects.toThrow(/at least one statement/);
    await expect(runLoad({ ...base, workers: 1, durationMs: 100, statements: [pointSelect(), pointSelect()] })).rejects.toThrow(/unique/);
    expect(await settledConnections()).toBe(0);
  });
});
