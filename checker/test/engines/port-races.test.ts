/**
 * A port taken between choosing it and the engine's bind: the start must not
 * hang, must not talk to someone else's server, and must not blame the
 * install. It retries on a fresh port, and the engine it reports is the one
 * it started.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { locateEngineBinaries } from '../../engines/binaries.js';
import { newRedisAccounts, ROOT_ACCOUNT } from '../../engines/accounts.js';
import { ProcessGroup } from '../../engines/process-group.js';
import { freePort, prepareMariadb, runMariadb, startRedis } from '../../engines/servers.js';

const bins = locateEngineBinaries({ redis: true, mysql: true });
const accounts = newRedisAccounts();
const groups: ProcessGroup[] = [];
const squatters: Server[] = [];
const accepted: Socket[] = [];
const strangers: ChildProcess[] = [];

afterEach(async () => {
  await Promise.all(groups.splice(0).map((g) => g.stop(0)));
  for (const socket of accepted.splice(0)) socket.destroy();
  await Promise.all(squatters.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});
afterAll(() => {
  for (const child of strangers) child.kill('SIGKILL');
});

/** A listener that accepts connections and never says a word. */
async function silentListener(): Promise<number> {
  const server = createServer((socket) => {
    socket.on('error', () => {});
    accepted.push(socket);
  });
  squatters.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
}

/** Offers `taken` first, then fresh ports; remembers what it offered. */
function chooser(taken: number, times = 1): { choose: () => Promise<number>; offered: number[] } {
  const offered: number[] = [];
  return {
    offered,
    choose: async () => {
      const port = offered.length < times ? taken : await freePort();
      offered.push(port);
      return port;
    },
  };
}

function newGroup(): ProcessGroup {
  const group = new ProcessGroup();
  groups.push(group);
  return group;
}

async function redisProcessId(port: number, password?: string): Promise<number> {
  const client = new Redis({ host: '127.0.0.1', port, password, lazyConnect: true, commandTimeout: 2_000, retryStrategy: () => null });
  client.on('error', () => {});
  try {
    await client.connect();
    return Number(/^process_id:(\d+)/m.exec(await client.info('server'))?.[1]);
  } finally {
    client.disconnect();
  }
}

describe('Redis start when its port is taken', () => {
  it('by a program that accepts and never answers: no hang, retried on a fresh port', async () => {
    const taken = await silentListener();
    const ports = chooser(taken);
    const group = newGroup();
    const port = await startRedis(group, bins, 15_000, accounts, ports.choose);
    expect(ports.offered).toHaveLength(2);
    expect(port).toBe(ports.offered[1]);
    expect(await redisProcessId(port, accounts.password)).toBe(group.child('redis')?.pid);
  });

  it("by someone else's Redis: never reported as ours, retried on a fresh port", async () => {
    const foreignPort = await freePort();
    const stranger = spawn(bins.redisServer, ['--port', String(foreignPort), '--bind', '127.0.0.1', '--save', ''], { stdio: 'ignore' });
    strangers.push(stranger);
    for (let i = 0; i < 100; i += 1) {
      if (await redisProcessId(foreignPort).catch(() => 0)) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const ports = chooser(foreignPort);
    const group = newGroup();
    const port = await startRedis(group, bins, 15_000, accounts, ports.choose);
    expect(ports.offered).toHaveLength(2);
    expect(port).not.toBe(foreignPort);
    expect(await redisProcessId(port, accounts.password)).toBe(group.child('redis')?.pid);
    expect(await redisProcessId(foreignPort)).toBe(stranger.pid);
  });

  it('every time: one paragraph about the port, not about the install', async () => {
    const taken = await silentListener();
    const ports = chooser(taken, 100);
    const error = await startRedis(newGroup(), bins, 15_000, accounts, ports.choose).then(
      () => undefined,
      (err: Error) => err,
    );
    expect(error?.message).toMatch(/another program took each of the \d+ free ports/);
    expect(error?.message).not.toMatch(/install/i);
    expect(ports.offered.length).toBeGreaterThan(1);
  });
});

describe('MariaDB start when its port is taken', () => {
  it('retries on a fresh port instead of blaming the install, and answers from our data folder', async () => {
    const taken = await silentListener();
    const ports = chooser(taken);
    const group = newGroup();
    const server = await prepareMariadb(group, bins, 'mariadb');
    await runMariadb(group, bins, server, 30_000, ports.choose);
    expect(ports.offered).toHaveLength(2);
    expect(server.port).toBe(ports.offered[1]);
    const conn = await mysql.createConnection({ host: '127.0.0.1', port: server.port, ...ROOT_ACCOUNT });
    try {
      const [rows] = await conn.query('SELECT @@datadir AS datadir');
      expect((rows as Array<{ datadir: string }>)[0].datadir.replace(/\/$/, '')).toBe(server.dataDir);
    } finally {
      await conn.end();
    }
  });
});
