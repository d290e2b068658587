/**
 * One writer mariadbd and `readers` read-only mariadbd replicating from it
 * with GTID (binary log, read_only readers), optionally behind an endpoint
 * that follows the writer. The local stand-in behind Labs 1-3: RDS Multi-AZ
 * and read replicas (one reader), an Aurora cluster (two readers). A member's
 * endpoint is the learner's account (see accounts.ts): no SUPER and no READ
 * ONLY ADMIN, so a reader refuses its writes with error 1290 as an RDS
 * replica or Aurora reader would. The checker's control goes through root.
 */
import mysql, { type Connection } from 'mysql2/promise';
import { setTimeout as sleep } from 'node:timers/promises';
import { EnvironmentError } from '../core/errors.js';
import { locateEngineBinaries } from './binaries.js';
import { createLearnerAccount, LEARNER_ACCOUNT, ROOT_ACCOUNT } from './accounts.js';
import { EndpointProxy } from './endpoint-proxy.js';
import type { MysqlEndpoint } from './endpoints.js';
import { ProcessGroup } from './process-group.js';
import { LOCAL_DATABASE, prepareMariadb, runMariadb, type MariadbServer } from './servers.js';

export const REPL_USER = { user: 'repl', password: 'repl-password-1' };
export { ROOT_ACCOUNT };

export interface ReplicaSetNode {
  name: string;
  serverId: number;
  /** The node itself, as the learner's account. */
  endpoint: MysqlEndpoint;
  server: MariadbServer;
}

export interface ReplicaSetOptions {
  /** How many read-only members replicate from the writer. */
  readers: number;
  /** A member's process name and folder, from its server id (the writer is server 1). */
  name?: (serverId: number) => string;
  /** Put an endpoint in front that follows the writer (an RDS endpoint's DNS name). */
  writerEndpoint?: boolean;
  /** Extra mariadbd options for every member. */
  mysqlArgs?: string[];
  stopOnSignals?: boolean;
  readyTimeoutMs?: number;
}

export interface ReplicaSet {
  dir: string;
  writer: ReplicaSetNode;
  readers: ReplicaSetNode[];
  /** Writer first, then the readers in server-id order. */
  nodes: ReplicaSetNode[];
  /** Set when started with `writerEndpoint`. */
  proxy?: EndpointProxy;
  /** Connects as root to a member, for the checker's own reads. */
  admin(node: ReplicaSetNode): Promise<Connection>;
  /** Waits until every reader has applied what `from` (the writer by default) has written. */
  waitForReaders(timeoutMs?: number, from?: ReplicaSetNode): Promise<void>;
  /** Kills a member's process at once, as an AZ failure would. */
  kill(node: ReplicaSetNode): Promise<void>;
  stop(): Promise<void>;
}

export function labEndpoint(port: number): MysqlEndpoint {
  const { user, password } = LEARNER_ACCOUNT;
  return { host: '127.0.0.1', port, user, password, database: LOCAL_DATABASE, learner: { user, password } };
}

export async function rootConnection(port: number, host = '127.0.0.1', account = ROOT_ACCOUNT): Promise<Connection> {
  return mysql.createConnection({ host, port, user: account.user, password: account.password, database: LOCAL_DATABASE, connectTimeout: 2_000 });
}

async function withConnection<T>(conn: Promise<Connection>, body: (conn: Connection) => Promise<T>): Promise<T> {
  const open = await conn;
  try {
    return await body(open);
  } finally {
    await open.end().catch(() => {});
  }
}

export const changeMasterTo = (host: string, port: number): string =>
  `CHANGE MASTER TO MASTER_HOST='${host}', MASTER_PORT=${port}, MASTER_USER='${REPL_USER.user}', MASTER_PASSWORD='${REPL_USER.password}', MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1`;

async function gtidPosition(conn: Connection, variable: 'gtid_binlog_pos' | 'gtid_slave_pos'): Promise<string> {
  const [rows] = await conn.query(`SELECT @@${variable} AS pos`);
  return String((rows as Array<{ pos: string }>)[0].pos);
}

export interface Member {
  id: string;
  port: number;
  host?: string;
}

/** Waits until each reader has applied everything the writer had written when the wait began. */
export async function waitForMembers(writer: Member, readers: Member[], account = ROOT_ACCOUNT, timeoutMs = 10_000): Promise<void> {
  const target = await withConnection(rootConnection(writer.port, writer.host, account), (conn) => gtidPosition(conn, 'gtid_binlog_pos'));
  const deadline = Date.now() + timeoutMs;
  for (const reader of readers) {
    await withConnection(rootConnection(reader.port, reader.host, account), async (conn) => {
      for (;;) {
        const applied = await gtidPosition(conn, 'gtid_slave_pos');
        if (applied === target) return;
        const [rows] = await conn.query('SHOW SLAVE STATUS');
        const status = (rows as Array<Record<string, unknown>>)[0];
        if (status && (status.Last_SQL_Error || status.Last_IO_Error)) {
          throw new EnvironmentError(`Local replication to ${reader.id} broke: ${String(status.Last_SQL_Error || status.Last_IO_Error)}`);
        }
        if (Date.now() > deadline) {
          throw new EnvironmentError(
            `${reader.id} did not catch up with ${writer.id} within ${timeoutMs / 1000} s (${writer.id} at ${target}, ${reader.id} at ${applied}).`,
          );
        }
        await sleep(10);
      }
    });
  }
}

const REPLICATION_ARGS = ['--log-bin=mysql-bin', '--binlog-format=ROW', '--log-slave-updates=ON', '--relay-log=relay-bin', '--skip-slave-start'];

export async function startReplicaSet(options: ReplicaSetOptions): Promise<ReplicaSet> {
  const bins = locateEngineBinaries({ redis: false, mysql: true });
  const timeout = options.readyTimeoutMs ?? 30_000;
  const name = options.name ?? ((serverId: number) => `member-${serverId}`);
  const group = new ProcessGroup({ stopOnSignals: options.stopOnSignals });
  let proxy: EndpointProxy | undefined;
  try {
    const nodes = await Promise.all(
      Array.from({ length: options.readers + 1 }, async (_, i): Promise<ReplicaSetNode> => {
        const serverId = i + 1;
        const args = [`--server-id=${serverId}`, ...(i === 0 ? [] : ['--read-only=ON']), ...REPLICATION_ARGS, ...(options.mysqlArgs ?? [])];
        const server = await prepareMariadb(group, bins, name(serverId), args);
        await runMariadb(group, bins, server, timeout);
        return { name: server.name, serverId, endpoint: labEndpoint(server.port), server };
      }),
    );
    const [writer, ...readers] = nodes;

    await withConnection(rootConnection(writer.server.port), async (conn) => {
      for (const statement of [
        `CREATE USER '${REPL_USER.user}'@'%' IDENTIFIED BY '${REPL_USER.password}'`,
        `GRANT REPLICATION SLAVE ON *.* TO '${REPL_USER.user}'@'%'`,
      ]) {
        await conn.query(statement);
      }
      // Made on the writer only: the readers get it through replication. SHOW REPLICA STATUS is part of Lab 2's lesson.
      await createLearnerAccount(conn, LOCAL_DATABASE, ['REPLICATION CLIENT']);
    });
    for (const reader of readers) {
      await withConnection(rootConnection(reader.server.port), async (conn) => {
        await conn.query(changeMasterTo('127.0.0.1', writer.server.port));
        await conn.query('START SLAVE');
      });
    }
    if (options.writerEndpoint) proxy = await EndpointProxy.start(writer.server.port, '127.0.0.1', { protocol: 'mysql' });

    const member = (node: ReplicaSetNode): Member => ({ id: node.name, port: node.server.port });
    const theProxy = proxy;
    const set: ReplicaSet = {
      dir: group.dir,
      writer,
      readers,
      nodes,
      proxy: theProxy,
      admin: (node) => rootConnection(node.server.port),
      waitForReaders: (timeoutMs = 10_000, from = writer) => waitForMembers(member(from), nodes.filter((n) => n !== from).map(member), ROOT_ACCOUNT, timeoutMs),
      kill: (node) => group.stopOne(node.name, 0),
      async stop() {
        await theProxy?.close();
        await group.stop();
      },
    };
    await set.waitForReaders(timeout);
    return set;
  } catch (err) {
    await proxy?.close();
    await group.stop();
    throw err;
  }
}
