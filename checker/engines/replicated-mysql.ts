/**
 * A primary and a replica mariadbd with real replication (binary log, GTID,
 * read_only replica) behind an endpoint that follows the primary - the local
 * stand-in for RDS Multi-AZ, read replicas and Aurora's writer and reader
 * endpoints. Learner code connects as an ordinary user, so the replica
 * refuses its writes with error 1290 as an RDS replica would.
 */
import mysql, { type Connection } from 'mysql2/promise';
import { setTimeout as sleep } from 'node:timers/promises';
import { EnvironmentError } from '../core/errors.js';
import { locateEngineBinaries, type EngineBinaries } from './binaries.js';
import { EndpointProxy } from './endpoint-proxy.js';
import type { MysqlEndpoint } from './endpoints.js';
import { ProcessGroup } from './process-group.js';
import { LOCAL_DATABASE, prepareMariadb, runMariadb, type MariadbServer } from './servers.js';

export const LAB_USER = { user: 'labuser', password: 'lab-password-1' };
const REPL_USER = { user: 'repl', password: 'repl-password-1' };

export interface MysqlNode {
  name: 'primary' | 'replica';
  serverId: number;
  /** The node itself, as the lab user. */
  endpoint: MysqlEndpoint;
  server: MariadbServer;
}

export interface ReplicatedMysql {
  dir: string;
  primary: MysqlNode;
  replica: MysqlNode;
  /** Follows whichever node is primary now (the "DNS name"). */
  endpoint: MysqlEndpoint;
  proxy: EndpointProxy;
  /** Connects as root to a node, for the checker's own reads. */
  admin(node: MysqlNode): Promise<Connection>;
  /** Waits until the replica has applied everything the primary has written. */
  waitForReplica(timeoutMs?: number): Promise<void>;
  /** Pauses applying changes on the replica (replica lag grows) until resumed. */
  pauseReplica(): Promise<void>;
  resumeReplica(): Promise<void>;
  /**
   * Loses the primary (its process is killed, as in an AZ failure), promotes
   * the replica and repoints the endpoint. Resolves with when each step ended.
   */
  failover(): Promise<{ killedAt: number; promotedAt: number; repointedAt: number }>;
  stop(): Promise<void>;
}

export interface ReplicationOptions {
  stopOnSignals?: boolean;
  readyTimeoutMs?: number;
}

function labEndpoint(port: number): MysqlEndpoint {
  return { host: '127.0.0.1', port, user: LAB_USER.user, password: LAB_USER.password, database: LOCAL_DATABASE };
}

async function rootConnection(port: number): Promise<Connection> {
  return mysql.createConnection({ host: '127.0.0.1', port, user: 'root', password: '', database: LOCAL_DATABASE, connectTimeout: 2_000 });
}

async function replicaStatus(conn: Connection): Promise<Record<string, unknown> | undefined> {
  const [rows] = await conn.query('SHOW SLAVE STATUS');
  return (rows as Array<Record<string, unknown>>)[0];
}

export async function startReplicatedMysql(options: ReplicationOptions = {}): Promise<ReplicatedMysql> {
  const bins: EngineBinaries = locateEngineBinaries({ redis: false, mysql: true });
  const timeout = options.readyTimeoutMs ?? 30_000;
  const group = new ProcessGroup({ stopOnSignals: options.stopOnSignals });
  let proxy: EndpointProxy | undefined;
  try {
    const common = ['--log-bin=mysql-bin', '--binlog-format=ROW', '--log-slave-updates=ON', '--relay-log=relay-bin'];
    const start = async (name: string, args: string[]) => {
      const server = await prepareMariadb(group, bins, name, args);
      await runMariadb(group, bins, server, timeout);
      return server;
    };
    const [primaryServer, replicaServer] = await Promise.all([start('primary', ['--server-id=1', ...common]), start('replica', ['--server-id=2', '--read-only=ON', ...common])]);
    const [primaryPort, replicaPort] = [primaryServer.port, replicaServer.port];

    const primaryRoot = await rootConnection(primaryPort);
    try {
      for (const statement of [
        `CREATE USER '${REPL_USER.user}'@'%' IDENTIFIED BY '${REPL_USER.password}'`,
        `GRANT REPLICATION SLAVE ON *.* TO '${REPL_USER.user}'@'%'`,
        `CREATE USER '${LAB_USER.user}'@'%' IDENTIFIED BY '${LAB_USER.password}'`,
        // No SUPER and no READ ONLY ADMIN: read_only on the replica applies to this user.
        `GRANT ALL PRIVILEGES ON \`${LOCAL_DATABASE}\`.* TO '${LAB_USER.user}'@'%'`,
        `GRANT REPLICATION CLIENT ON *.* TO '${LAB_USER.user}'@'%'`,
      ]) {
        await primaryRoot.query(statement);
      }
    } finally {
      await primaryRoot.end();
    }
    const replicaRoot = await rootConnection(replicaPort);
    try {
      await replicaRoot.query(
        `CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=${primaryPort}, MASTER_USER='${REPL_USER.user}', MASTER_PASSWORD='${REPL_USER.password}', MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1`,
      );
      await replicaRoot.query('START SLAVE');
    } finally {
      await replicaRoot.end();
    }

    proxy = await EndpointProxy.start(primaryPort);
    const primary: MysqlNode = { name: 'primary', serverId: 1, endpoint: labEndpoint(primaryPort), server: primaryServer };
    const replica: MysqlNode = { name: 'replica', serverId: 2, endpoint: labEndpoint(replicaPort), server: replicaServer };
    const theProxy = proxy;

    const pair: ReplicatedMysql = {
      dir: group.dir,
      primary,
      replica,
      proxy: theProxy,
      endpoint: labEndpoint(theProxy.port),
      admin: (node) => rootConnection(node.endpoint.port),
      async waitForReplica(timeoutMs = 10_000) {
        const [p, r] = [await rootConnection(primaryPort), await rootConnection(replicaPort)];
        try {
          const deadline = Date.now() + timeoutMs;
          for (;;) {
            const [[pos]] = (await p.query('SELECT @@gtid_binlog_pos AS pos')) as unknown as [[{ pos: string }]];
            const [[applied]] = (await r.query('SELECT @@gtid_slave_pos AS pos')) as unknown as [[{ pos: string }]];
            if (pos.pos === applied.pos) return;
            const status = await replicaStatus(r);
            if (status && (status.Last_SQL_Error || status.Last_IO_Error)) {
              throw new EnvironmentError(`Local replication broke: ${String(status.Last_SQL_Error || status.Last_IO_Error)}`);
            }
            if (Date.now() > deadline) throw new EnvironmentError(`The local replica did not catch up within ${timeoutMs / 1000} s (primary at ${pos.pos}, replica at ${applied.pos}).`);
            await sleep(20);
          }
        } finally {
          await Promise.allSettled([p.end(), r.end()]);
        }
      },
      async pauseReplica() {
        const r = await rootConnection(replicaPort);
        await r.query('STOP SLAVE SQL_THREAD').finally(() => r.end());
      },
      async resumeReplica() {
        const r = await rootConnection(replicaPort);
        await r.query('START SLAVE SQL_THREAD').finally(() => r.end());
      },
      async failover() {
        await group.stopOne('primary', 0);
        const killedAt = Date.now();
        const r = await rootConnection(replicaPort);
        try {
          await r.query('STOP SLAVE');
          await r.query('RESET SLAVE ALL');
          await r.query('SET GLOBAL read_only = OFF');
        } finally {
          await r.end();
        }
        const promotedAt = Date.now();
        theProxy.repoint(replicaPort);
        return { killedAt, promotedAt, repointedAt: Date.now() };
      },
      async stop() {
        await theProxy.close();
        await group.stop();
      },
    };
    await pair.waitForReplica(timeout);
    return pair;
  } catch (err) {
    await proxy?.close();
    await group.stop();
    throw err;
  }
}
