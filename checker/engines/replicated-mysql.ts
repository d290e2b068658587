/**
 * A primary and a replica with real replication behind an endpoint that
 * follows the primary (Labs 1-2): the local stand-in for RDS Multi-AZ and
 * read replicas, as a one-reader replica set (see replica-set.ts).
 */
import type { Connection } from 'mysql2/promise';
import type { EndpointProxy } from './endpoint-proxy.js';
import { ROOT_ACCOUNT } from './accounts.js';
import type { Endpoints, MysqlEndpoint } from './endpoints.js';
import { rootConnection, startReplicaSet, type ReplicaSetNode } from './replica-set.js';

export interface MysqlNode extends ReplicaSetNode {
  name: 'primary' | 'replica';
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

const NAMES = ['primary', 'replica'] as const;

async function onNode(node: ReplicaSetNode, statements: string[]): Promise<void> {
  const conn = await rootConnection(node.server.port);
  try {
    for (const statement of statements) await conn.query(statement);
  } finally {
    await conn.end();
  }
}

export async function startReplicatedMysql(options: ReplicationOptions = {}): Promise<ReplicatedMysql> {
  const set = await startReplicaSet({ ...options, readers: 1, name: (serverId) => NAMES[serverId - 1], writerEndpoint: true });
  const primary = set.writer as MysqlNode;
  const replica = set.readers[0] as MysqlNode;
  const proxy = set.proxy!;
  return {
    dir: set.dir,
    primary,
    replica,
    proxy,
    endpoint: { ...primary.endpoint, port: proxy.port },
    admin: (node) => set.admin(node),
    waitForReplica: (timeoutMs) => set.waitForReaders(timeoutMs),
    pauseReplica: () => onNode(replica, ['STOP SLAVE SQL_THREAD']),
    resumeReplica: () => onNode(replica, ['START SLAVE SQL_THREAD']),
    async failover() {
      await set.kill(primary);
      const killedAt = Date.now();
      await onNode(replica, ['STOP SLAVE', 'RESET SLAVE ALL', 'SET GLOBAL read_only = OFF']);
      const promotedAt = Date.now();
      proxy.repoint(replica.server.port);
      return { killedAt, promotedAt, repointedAt: Date.now() };
    },
    stop: () => set.stop(),
  };
}

/** The endpoints the replication labs' checks get from a local primary and replica. */
export function replicationEndpoints(pair: ReplicatedMysql): Endpoints {
  return {
    target: 'local',
    mysql: pair.endpoint,
    replication: {
      primary: { ...pair.primary.endpoint, serverId: pair.primary.serverId },
      replica: { ...pair.replica.endpoint, serverId: pair.replica.serverId },
      admin: { ...ROOT_ACCOUNT },
    },
  };
}
