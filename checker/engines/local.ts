/**
 * Starts private copies of redis-server and mariadbd in a temporary folder on
 * free loopback ports, for the local target and for the tests.
 */
import mysql from 'mysql2/promise';
import { createLearnerAccount, newRedisAccounts, ROOT_ACCOUNT } from './accounts.js';
import { locateEngineBinaries } from './binaries.js';
import type { CacheEndpoints, Endpoints, MysqlEndpoint } from './endpoints.js';
import { ProcessGroup, reapOrphans } from './process-group.js';
import { freePort, LOCAL_DATABASE, prepareMariadb, runMariadb, startRedis, type MariadbServer } from './servers.js';

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

/** The checker's endpoint (root) on a single server, with the learner's account made on it. */
async function singleServerEndpoint(server: MariadbServer): Promise<MysqlEndpoint> {
  const endpoint = { host: '127.0.0.1', port: server.port, ...ROOT_ACCOUNT, database: LOCAL_DATABASE };
  const root = await mysql.createConnection({ ...endpoint, connectTimeout: 5_000 });
  try {
    return { ...endpoint, learner: await createLearnerAccount(root, LOCAL_DATABASE) };
  } finally {
    await root.end().catch(() => {});
  }
}

export async function startLocalEngines(options: StartOptions = {}): Promise<LocalEngines> {
  const bins = locateEngineBinaries({ redis: true, mysql: true });
  const timeout = options.readyTimeoutMs ?? 30_000;
  const group = new ProcessGroup({ stopOnSignals: options.stopOnSignals });
  try {
    const startMariadb = async () => {
      const server = await prepareMariadb(group, bins, 'mariadb', ['--skip-log-bin', ...(options.mysqlArgs ?? [])]);
      await runMariadb(group, bins, server, timeout);
      return singleServerEndpoint(server);
    };
    const redisAccounts = newRedisAccounts();
    const [redisPort, mysqlEndpoint] = await Promise.all([startRedis(group, bins, timeout, redisAccounts), startMariadb()]);
    return {
      dir: group.dir,
      stop: () => group.stop(),
      endpoints: {
        target: 'local',
        redis: { host: '127.0.0.1', port: redisPort, password: redisAccounts.password, learner: redisAccounts.learner },
        mysql: mysqlEndpoint,
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
      ...(options.mysqlArgs ?? []),
    ]);
    await runMariadb(group, bins, server, timeout);
    return {
      dir: group.dir,
      stop: () => group.stop(),
      endpoints: { target: 'local', mysql: await singleServerEndpoint(server) },
    };
  } catch (err) {
    await group.stop();
    throw err;
  }
}
