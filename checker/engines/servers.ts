/** Starting one redis-server or one mariadbd inside a process group. */
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';
import { EnvironmentError } from '../core/errors.js';
import type { EngineBinaries } from './binaries.js';
import { tail, waitFor, type ProcessGroup } from './process-group.js';

export const LOCAL_DATABASE = 'labs';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startRedis(group: ProcessGroup, bins: EngineBinaries, timeoutMs: number): Promise<number> {
  const port = await freePort();
  const log = join(group.dir, 'redis.log');
  const child = group.spawn('redis', bins.redisServer, [
    '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
    '--dir', group.dir, '--logfile', log,
  ]);
  await waitFor(
    'redis-server',
    async () => {
      const client = new Redis({ host: '127.0.0.1', port, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
      client.on('error', () => {});
      try {
        await client.connect();
        return (await client.ping()) === 'PONG';
      } finally {
        client.disconnect();
      }
    },
    timeoutMs,
    child,
    () => tail(log),
  );
  return port;
}

export interface MariadbServer {
  name: string;
  port: number;
  dataDir: string;
  errorLog: string;
  /** The arguments it was started with, to start it again after a stop. */
  args: string[];
}

/** Initialises a data folder (well under a second) and returns the server's arguments. */
export function prepareMariadb(group: ProcessGroup, bins: EngineBinaries, name: string, port: number, extraArgs: string[] = []): MariadbServer {
  const dataDir = join(group.dir, name);
  const install = spawnSync(
    bins.installDb,
    ['--no-defaults', `--datadir=${dataDir}`, '--auth-root-authentication-method=normal', '--skip-test-db'],
    { encoding: 'utf8' },
  );
  if (install.status !== 0) {
    throw new EnvironmentError(
      `mariadb-install-db could not initialise a data folder: ${(install.stderr || install.stdout).trim().split('\n').slice(-2).join(' ')}`,
      'Check the MariaDB installation (see docs/local-target.md).',
    );
  }
  const errorLog = join(group.dir, `${name}.err`);
  const args = [
    '--no-defaults',
    `--datadir=${dataDir}`,
    `--port=${port}`,
    '--bind-address=127.0.0.1',
    `--socket=${join(group.dir, `${name}.sock`)}`,
    `--pid-file=${join(group.dir, `${name}.pid`)}`,
    `--log-error=${errorLog}`,
    `--tmpdir=${group.dir}`,
    '--innodb-buffer-pool-size=64M',
    '--innodb-log-file-size=16M',
    '--skip-name-resolve',
    '--performance-schema=OFF',
    ...(process.getuid?.() === 0 ? ['--user=root'] : []),
    ...extraArgs,
  ];
  return { name, port, dataDir, errorLog, args };
}

/** Starts (or starts again) a prepared server and waits until it answers. */
export async function runMariadb(group: ProcessGroup, bins: EngineBinaries, server: MariadbServer, timeoutMs: number): Promise<void> {
  const child = group.spawn(server.name, bins.mariadbd, server.args);
  await waitFor(
    `mariadbd (${server.name})`,
    async () => {
      const conn = await mysql.createConnection({ host: '127.0.0.1', port: server.port, user: 'root', password: '', connectTimeout: 1000 });
      try {
        await conn.query(`CREATE DATABASE IF NOT EXISTS \`${LOCAL_DATABASE}\``);
        return true;
      } finally {
        await conn.end();
      }
    },
    timeoutMs,
    child,
    () => tail(server.errorLog),
  );
}
