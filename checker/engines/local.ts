/**
 * Starts private copies of redis-server and mariadbd in a temporary folder on
 * free loopback ports, for the local target and for the tests.
 */
import { locateEngineBinaries } from './binaries.js';
import type { CacheEndpoints, Endpoints } from './endpoints.js';
import { ProcessGroup, reapOrphans } from './process-group.js';
import { freePort, LOCAL_DATABASE, prepareMariadb, runMariadb, startRedis } from './servers.js';

export { freePort, LOCAL_DATABASE, reapOrphans };

export interface LocalEngines {
  endpoints: CacheEndpoints;
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

export async function startLocalEngines(options: StartOptions = {}): Promise<LocalEngines> {
  const bins = locateEngineBinaries({ redis: true, mysql: true });
  const timeout = options.readyTimeoutMs ?? 30_000;
  const group = new ProcessGroup({ stopOnSignals: options.stopOnSignals });
  try {
    const startMariadb = async () => {
      const server = await prepareMariadb(group, bins, 'mariadb', ['--skip-log-bin', ...(options.mysqlArgs ?? [])]);
      await runMariadb(group, bins, server, timeout);
      return server.port;
    };
    const [redisPort, mysqlPort] = await Promise.all([startRedis(group, bins, timeout), startMariadb()]);
    return {
      dir: group.dir,
      stop: () => group.stop(),
      endpoints: {
        target: 'local',
        redis: { host: '127.0.0.1', port: redisPort },
        mysql: { host: '127.0.0.1', port: mysqlPort, user: 'root', password: '', database: LOCAL_DATABASE },
      },
    };
  } catch (err) {
    await group.stop();
    throw err;
  }
}

export interface LocalDatabase {
  endpoints: Endpoints;
  dir: string;
  stop(): Promise<void>;
}

/**
 * One mariadbd with performance_schema on (Labs 4 and 6): the statement
 * digests stand in for Performance Insights' top SQL.
 */
export async function startLocalDatabase(options: StartOptions = {}): Promise<LocalDatabase> {
  const bins = locateEngineBinaries({ redis: false, mysql: true });
  const timeout = options.readyTimeoutMs ?? 30_000;
  const group = new ProcessGroup({ stopOnSignals: options.stopOnSignals });
  try {
    const server = await prepareMariadb(group, bins, 'mariadb', [
      '--skip-log-bin',
      '--performance-schema=ON',
      '--performance-schema-digests-size=2000',
      '--max-connections=400',
      '--innodb-flush-log-at-trx-commit=2',
      ...(options.mysqlArgs ?? []),
    ]);
    await runMariadb(group, bins, server, timeout);
    const port = server.port;
    return {
      dir: group.dir,
      stop: () => group.stop(),
      endpoints: { target: 'local', mysql: { host: '127.0.0.1', port, user: 'root', password: '', database: LOCAL_DATABASE } },
    };
  } catch (err) {
    await group.stop();
    throw err;
  }
}
