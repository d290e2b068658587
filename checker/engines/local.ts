/**
 * Starts private copies of redis-server and mariadbd in a temporary folder on
 * free loopback ports, for the local target and for the tests. Every start
 * records its owner's pid, so a later start can clean up engines whose owner
 * died without stopping them (kill -9, a closed terminal).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';
import { EnvironmentError } from '../core/errors.js';
import { locateEngineBinaries } from './binaries.js';
import type { Endpoints } from './endpoints.js';

const DIR_PREFIX = 'dtl-engines-';
export const LOCAL_DATABASE = 'labs';

export interface LocalEngines {
  endpoints: Endpoints;
  dir: string;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Stop the engines on Ctrl-C, SIGTERM, SIGHUP and exit, from the first spawn on (the CLI's choice). */
  stopOnSignals?: boolean;
  /** Extra mariadbd options, e.g. ['--performance-schema=ON']. */
  mysqlArgs?: string[];
  /** Give up waiting for an engine after this long. */
  readyTimeoutMs?: number;
}

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

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Stops engines left behind by a process that no longer exists. */
export function reapOrphans(): number {
  let reaped = 0;
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith(DIR_PREFIX)) continue;
    const dir = join(tmpdir(), name);
    try {
      const owner = Number(readFileSync(join(dir, 'owner.pid'), 'utf8'));
      if (!owner || alive(owner)) continue;
      for (const file of ['redis.pid', 'mariadb.pid']) {
        const path = join(dir, file);
        if (!existsSync(path)) continue;
        const pid = Number(readFileSync(path, 'utf8'));
        if (pid && alive(pid)) process.kill(pid, 'SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
      reaped += 1;
    } catch {
      // not ours or already gone
    }
  }
  return reaped;
}

async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs: number, child: ChildProcess, logHint: () => string) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new EnvironmentError(`${what} stopped right after starting. ${logHint()}`, 'Check that the package is installed correctly (see docs/local-target.md).');
    }
    if (await probe().catch(() => false)) return;
    await sleep(50);
  }
  throw new EnvironmentError(`${what} did not become ready within ${Math.round(timeoutMs / 1000)} s. ${logHint()}`, 'Is the machine very busy? Re-run; if it persists see docs/local-target.md.');
}

function tail(path: string, lines = 5): string {
  try {
    const text = readFileSync(path, 'utf8').trim().split('\n');
    return `Last lines of ${path}: ${text.slice(-lines).join(' | ')}`;
  } catch {
    return '';
  }
}

export async function startLocalEngines(options: StartOptions = {}): Promise<LocalEngines> {
  const bins = locateEngineBinaries({ redis: true, mysql: true });
  reapOrphans();
  const timeout = options.readyTimeoutMs ?? 30_000;
  const dir = mkdtempSync(join(tmpdir(), DIR_PREFIX));
  writeFileSync(join(dir, 'owner.pid'), String(process.pid));
  const children: ChildProcess[] = [];
  let release = () => {};

  const stop = async () => {
    release();
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
            child.once('exit', () => {
              clearTimeout(force);
              resolve();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
  };

  if (options.stopOnSignals) release = stopOnSignals(dir, stop);
  try {
    const redisPort = await freePort();
    const redis = spawn(
      bins.redisServer,
      ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir,
       '--logfile', join(dir, 'redis.log'), '--pidfile', join(dir, 'redis.pid.server')],
      { stdio: 'ignore' },
    );
    children.push(redis);
    writeFileSync(join(dir, 'redis.pid'), String(redis.pid));

    const dataDir = join(dir, 'mysql');
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
    const mysqlPort = await freePort();
    const mysqlArgs = [
      '--no-defaults',
      `--datadir=${dataDir}`,
      `--port=${mysqlPort}`,
      '--bind-address=127.0.0.1',
      `--socket=${join(dir, 'mysql.sock')}`,
      `--pid-file=${join(dir, 'mysql.pid.server')}`,
      `--log-error=${join(dir, 'mariadb.err')}`,
      `--tmpdir=${dir}`,
      '--skip-log-bin',
      '--innodb-buffer-pool-size=64M',
      '--innodb-log-file-size=16M',
      '--skip-name-resolve',
      '--performance-schema=OFF',
      ...(process.getuid?.() === 0 ? ['--user=root'] : []),
      ...(options.mysqlArgs ?? []),
    ];
    const mariadb = spawn(bins.mariadbd, mysqlArgs, { stdio: 'ignore' });
    children.push(mariadb);
    writeFileSync(join(dir, 'mariadb.pid'), String(mariadb.pid));

    await waitFor(
      'redis-server',
      async () => {
        const client = new Redis({ host: '127.0.0.1', port: redisPort, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
        client.on('error', () => {});
        try {
          await client.connect();
          return (await client.ping()) === 'PONG';
        } finally {
          client.disconnect();
        }
      },
      timeout,
      redis,
      () => tail(join(dir, 'redis.log')),
    );
    await waitFor(
      'mariadbd',
      async () => {
        const conn = await mysql.createConnection({ host: '127.0.0.1', port: mysqlPort, user: 'root', password: '', connectTimeout: 1000 });
        try {
          await conn.query(`CREATE DATABASE IF NOT EXISTS \`${LOCAL_DATABASE}\``);
          return true;
        } finally {
          await conn.end();
        }
      },
      timeout,
      mariadb,
      () => tail(join(dir, 'mariadb.err')),
    );

    return {
      dir,
      stop,
      endpoints: {
        target: 'local',
        redis: { host: '127.0.0.1', port: redisPort },
        mysql: { host: '127.0.0.1', port: mysqlPort, user: 'root', password: '', database: LOCAL_DATABASE },
      },
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * Stops the engines when the process ends, including on Ctrl-C, so no engine
 * outlives the CLI. Installed before the first engine starts; returns a
 * function that removes the handlers again.
 */
function stopOnSignals(dir: string, stop: () => Promise<void>): () => void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    void stop().finally(() => {
      // Leave through the default handler so the shell sees the signal exit.
      process.kill(process.pid, signal);
    });
  };
  const onExit = () => {
    // Synchronous last resort: nothing async runs in 'exit'.
    for (const file of ['redis.pid', 'mariadb.pid']) {
      try {
        const pid = Number(readFileSync(join(dir, file), 'utf8'));
        if (pid && alive(pid)) process.kill(pid, 'SIGKILL');
      } catch {
        // already stopped
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const signal of signals) process.on(signal, onSignal);
  process.on('exit', onExit);
  return () => {
    // Keep the handlers while stopping on a signal, so a second Ctrl-C cannot cut the cleanup short.
    if (stopping) return;
    for (const signal of signals) process.removeListener(signal, onSignal);
    process.removeListener('exit', onExit);
  };
}

/** For engines started without `stopOnSignals`: the same clean-up, installed late. */
export function stopOnExit(engines: LocalEngines): () => void {
  return stopOnSignals(engines.dir, engines.stop);
}
