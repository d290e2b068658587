/** Starting one redis-server or one mariadbd inside a process group. */
import { mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { cp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';
import { EnvironmentError } from '../core/errors.js';
import { throwIfStopped } from '../core/stop-signals.js';
import type { EngineBinaries } from './binaries.js';
import { lockRoot, redisAccountArgs, type RedisAccounts } from './accounts.js';
import { INSTALL_ARGS, preparedDataFolder } from './mariadb-template.js';
import { tail, waitForEngine, type ProbeAnswer, type ProcessGroup } from './process-group.js';

export const LOCAL_DATABASE = 'labs';

/** A port can be taken by another program between choosing it and the engine's bind: try this many fresh ones. */
const PORT_ATTEMPTS = 4;
/** One readiness probe may take this long: whatever answers on the port must not hang the start. */
const PROBE_TIMEOUT_MS = 1_000;

export type ChoosePort = () => Promise<number>;

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

function logSaysPortTaken(path: string): boolean {
  try {
    return /Address already in use|Bind on TCP\/IP port/i.test(readFileSync(path, 'utf8'));
  } catch {
    return false;
  }
}

function portsTaken(what: string): EnvironmentError {
  return new EnvironmentError(
    `${what} could not listen on loopback: another program took each of the ${PORT_ATTEMPTS} free ports the kit chose before ${what} could bind it.`,
    'Re-run the command; if it keeps happening, look for a program that opens many loopback ports (see docs/local-target.md).',
  );
}

/** Whether the Redis answering on `port` is the one we started (INFO's process_id), another one, or none yet. */
async function redisAnswer(port: number, pid: number | undefined, password: string): Promise<ProbeAnswer> {
  const client = new Redis({
    host: '127.0.0.1',
    port,
    password,
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    enableReadyCheck: false,
    connectTimeout: PROBE_TIMEOUT_MS,
    commandTimeout: PROBE_TIMEOUT_MS,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    const info = await client.info('server');
    return Number(/^process_id:(\d+)/m.exec(info)?.[1]) === pid ? 'ours' : 'someone-else';
  } catch (err) {
    // A server that refuses the password we started ours with is another one.
    if (/NOAUTH|WRONGPASS/.test((err as Error).message)) return 'someone-else';
    throw err;
  } finally {
    client.disconnect();
  }
}

export async function startRedis(
  group: ProcessGroup,
  bins: EngineBinaries,
  timeoutMs: number,
  accounts: RedisAccounts,
  choosePort: ChoosePort = freePort,
): Promise<number> {
  const log = join(group.dir, 'redis.log');
  for (let attempt = 0; attempt < PORT_ATTEMPTS; attempt += 1) {
    const port = await choosePort();
    writeFileSync(log, '');
    const child = group.spawn('redis', bins.redisServer, [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      group.dir,
      '--logfile',
      log,
      ...redisAccountArgs(accounts),
    ]);
    const outcome = await waitForEngine({
      what: 'redis-server',
      child,
      probe: () => redisAnswer(port, child.pid, accounts.password),
      timeoutMs,
      logHint: () => tail(log),
      portTaken: () => logSaysPortTaken(log),
    });
    if (outcome === 'ready') return port;
    await group.stopOne('redis', 0);
  }
  throw portsTaken('redis-server');
}

export interface MariadbServer {
  name: string;
  /** Set by runMariadb: the port it finally listens on. */
  port: number;
  dataDir: string;
  errorLog: string;
  /** This server's own temporary folder (install and server alike). */
  tmpDir: string;
  extraArgs: string[];
  /** The arguments it was last started with. */
  args: string[];
}

/**
 * Runs mariadb-install-db into `dataDir` with its own temporary folder:
 * its bootstrap server names its temporary tables the same way in every run,
 * so installs sharing a TMPDIR break each other.
 */
async function installDataFolder(group: ProcessGroup, bins: EngineBinaries, name: string, dataDir: string, tmpDir: string): Promise<void> {
  const step = `${name}-install`;
  const install = group.spawn(step, bins.installDb, [...INSTALL_ARGS, `--datadir=${dataDir}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, TMPDIR: tmpDir },
  });
  let output = '';
  install.stdout?.on('data', (chunk) => (output += String(chunk)));
  install.stderr?.on('data', (chunk) => (output += String(chunk)));
  const status = await new Promise<number | null>((resolve) => {
    install.on('close', (code) => resolve(code));
    install.on('error', (err) => {
      output += err.message;
      resolve(null);
    });
  });
  group.forget(step);
  throwIfStopped();
  if (status !== 0) {
    throw new EnvironmentError(
      `mariadb-install-db could not initialise a data folder: ${output.trim().split('\n').slice(-2).join(' ')}`,
      'Check the MariaDB installation (see docs/local-target.md).',
    );
  }
}

/**
 * Gives a server its data folder: a copy of the prepared folder for this
 * mariadbd (built once, see mariadb-template.ts), or a fresh install when no
 * cache folder can be written.
 */
export async function prepareMariadb(group: ProcessGroup, bins: EngineBinaries, name: string, extraArgs: string[] = []): Promise<MariadbServer> {
  const dataDir = join(group.dir, name);
  const tmpDir = join(group.dir, `${name}-tmp`);
  mkdirSync(tmpDir);
  const template = await preparedDataFolder(bins, (folder) => installDataFolder(group, bins, name, folder, tmpDir));
  if (template) await cp(template, dataDir, { recursive: true });
  else await installDataFolder(group, bins, name, dataDir, tmpDir);
  throwIfStopped();
  return { name, port: 0, dataDir, errorLog: join(group.dir, `${name}.err`), tmpDir, extraArgs, args: [] };
}

function mariadbArgs(group: ProcessGroup, server: MariadbServer, port: number): string[] {
  return [
    '--no-defaults',
    `--datadir=${server.dataDir}`,
    `--port=${port}`,
    '--bind-address=127.0.0.1',
    `--socket=${join(group.dir, `${server.name}.sock`)}`,
    `--pid-file=${join(group.dir, `${server.name}.pid`)}`,
    `--log-error=${server.errorLog}`,
    `--tmpdir=${server.tmpDir}`,
    '--innodb-buffer-pool-size=64M',
    '--innodb-log-file-size=16M',
    '--skip-name-resolve',
    '--performance-schema=OFF',
    // A commit reaches the OS at once but is not fsynced: a killed server (the failover drills) loses nothing,
    // only a machine crash could, and these servers live for one run. Each fsync cost ~2.5 ms of wall time per commit.
    '--innodb-flush-log-at-trx-commit=2',
    '--innodb-doublewrite=0',
    '--sync-binlog=0',
    ...(process.getuid?.() === 0 ? ['--user=root'] : []),
    ...server.extraArgs,
  ];
}

const sameFolder = (a: string, b: string) => {
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return resolve(p);
    }
  };
  return real(a) === real(b);
};

/** Whether the MariaDB answering on `port` is the one serving our data folder, another one, or none yet. */
async function mariadbAnswer(port: number, server: MariadbServer): Promise<ProbeAnswer> {
  let conn: mysql.Connection;
  try {
    conn = await mysql.createConnection({ host: '127.0.0.1', port, user: 'root', password: '', connectTimeout: PROBE_TIMEOUT_MS });
  } catch (err) {
    // Our fresh server lets root in without a password: a refusal means another server answered.
    return (err as { code?: string }).code === 'ER_ACCESS_DENIED_ERROR' ? 'someone-else' : 'nothing-yet';
  }
  try {
    const [rows] = await conn.query({ sql: 'SELECT @@datadir AS datadir', timeout: PROBE_TIMEOUT_MS });
    if (!sameFolder(String((rows as Array<{ datadir: string }>)[0]?.datadir), server.dataDir)) return 'someone-else';
    await conn.query({ sql: `CREATE DATABASE IF NOT EXISTS \`${LOCAL_DATABASE}\``, timeout: PROBE_TIMEOUT_MS });
    return 'ours';
  } finally {
    conn.destroy();
  }
}

/** Starts a prepared server on a free port (a fresh one if another program takes it first) and waits until it answers. */
export async function runMariadb(
  group: ProcessGroup,
  bins: EngineBinaries,
  server: MariadbServer,
  timeoutMs: number,
  choosePort: ChoosePort = freePort,
): Promise<void> {
  for (let attempt = 0; attempt < PORT_ATTEMPTS; attempt += 1) {
    const port = await choosePort();
    server.port = port;
    server.args = mariadbArgs(group, server, port);
    writeFileSync(server.errorLog, '');
    const child = group.spawn(server.name, bins.mariadbd, server.args);
    const outcome = await waitForEngine({
      what: `mariadbd (${server.name})`,
      child,
      probe: () => mariadbAnswer(port, server),
      timeoutMs,
      logHint: () => tail(server.errorLog),
      portTaken: () => logSaysPortTaken(server.errorLog),
    });
    if (outcome === 'ready') {
      const root = await mysql.createConnection({ host: '127.0.0.1', port, user: 'root', password: '', connectTimeout: PROBE_TIMEOUT_MS });
      try {
        await lockRoot(root);
      } finally {
        root.destroy();
      }
      return;
    }
    await group.stopOne(server.name, 0);
  }
  throw portsTaken(`mariadbd (${server.name})`);
}
