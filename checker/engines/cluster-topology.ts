/**
 * The SQL side of the local Aurora stand-in: instance names, the topology
 * table that plays information_schema.replica_host_status, and moving the
 * writer from one instance to another (a failover without the waiting).
 */
import type { Connection } from 'mysql2/promise';
import { changeMasterTo, REPL_USER, rootConnection, waitForMembers, type Member } from './replica-set.js';
import { LOCAL_DATABASE } from './servers.js';

export { REPL_USER };

/** Aurora names instances by identifier; locally they are labs-instance-1, -2, -3 (server ids 1, 2, 3). */
export const instanceName = (serverId: number): string => `labs-instance-${serverId}`;

/** MariaDB has no @@aurora_server_id or writer-side @@innodb_read_only: the same row, built from what it has. */
export const LOCAL_IDENTITY_SQL = "SELECT CONCAT('labs-instance-', @@server_id) AS server_id, @@read_only AS read_only";
export const AURORA_IDENTITY_SQL = 'SELECT @@aurora_server_id AS server_id, @@innodb_read_only AS read_only';

export const LOCAL_TOPOLOGY_TABLE = `${LOCAL_DATABASE}.replica_host_status`;
export const AURORA_TOPOLOGY_TABLE = 'information_schema.replica_host_status';

/** Aurora's value of SESSION_ID on the writer's row. */
export const WRITER_SESSION_ID = 'MASTER_SESSION_ID';

export type ClusterNode = Member;

export interface AdminAccount {
  user: string;
  password: string;
}

export async function adminConnection(node: ClusterNode, admin: AdminAccount): Promise<Connection> {
  return rootConnection(node.port, node.host, admin);
}

async function withAdmin<T>(node: ClusterNode, admin: AdminAccount, body: (conn: Connection) => Promise<T>): Promise<T> {
  const conn = await adminConnection(node, admin);
  try {
    return await body(conn);
  } finally {
    await conn.end().catch(() => {});
  }
}

/**
 * Rewrites the topology on the writer (it replicates to the readers, as Aurora's view is the same on every instance).
 * `namedWriter` (default: the writer) is the instance the rows name as writer: another one makes the view stale.
 */
export async function writeTopology(nodes: ClusterNode[], writerId: string, admin: AdminAccount, namedWriter = writerId): Promise<void> {
  const writer = nodes.find((n) => n.id === writerId);
  if (!writer) throw new Error(`no instance named ${writerId}`);
  await withAdmin(writer, admin, async (conn) => {
    await conn.query(`CREATE TABLE IF NOT EXISTS ${LOCAL_TOPOLOGY_TABLE} (
      SERVER_ID VARCHAR(100) PRIMARY KEY,
      SESSION_ID VARCHAR(100) NOT NULL,
      LAST_UPDATE_TIMESTAMP DATETIME(6) NOT NULL,
      REPLICA_LAG_IN_MILLISECONDS DOUBLE NOT NULL DEFAULT 0
    )`);
    await conn.query(`DELETE FROM ${LOCAL_TOPOLOGY_TABLE}`);
    for (const node of nodes) {
      const session = node.id === namedWriter ? WRITER_SESSION_ID : `${node.id}-${Date.now().toString(16)}`;
      await conn.query(`INSERT INTO ${LOCAL_TOPOLOGY_TABLE} VALUES (?, ?, NOW(6), ?)`, [node.id, session, node.id === namedWriter ? 0 : 1]);
    }
  });
}

/** Waits until every reader has applied what the writer has written. */
export async function waitForNodes(nodes: ClusterNode[], admin: AdminAccount, timeoutMs = 10_000, writerId = nodes[0].id): Promise<void> {
  const writer = nodes.find((n) => n.id === writerId)!;
  await waitForMembers(
    writer,
    nodes.filter((n) => n !== writer),
    admin,
    timeoutMs,
  );
}

/**
 * Moves the writer role: the old writer turns read-only, the new one catches
 * up and takes writes, every other instance (the old writer too) replicates
 * from it, and the topology says so.
 */
export async function moveWriter(nodes: ClusterNode[], fromId: string, toId: string, admin: AdminAccount): Promise<void> {
  const from = nodes.find((n) => n.id === fromId)!;
  const to = nodes.find((n) => n.id === toId)!;
  await withAdmin(from, admin, (conn) => conn.query('SET GLOBAL read_only = ON'));
  await waitForNodes(nodes, admin, 10_000, fromId);
  await withAdmin(to, admin, async (conn) => {
    await conn.query('STOP SLAVE');
    await conn.query('RESET SLAVE ALL');
    await conn.query('SET GLOBAL read_only = OFF');
  });
  for (const node of nodes.filter((n) => n.id !== toId)) {
    await withAdmin(node, admin, async (conn) => {
      await conn.query('STOP SLAVE').catch(() => {});
      if (node.id === fromId) await conn.query('SET GLOBAL gtid_slave_pos = @@gtid_binlog_pos');
      await conn.query(changeMasterTo(to.host ?? '127.0.0.1', to.port));
      await conn.query('SET GLOBAL read_only = ON');
      await conn.query('START SLAVE');
    });
  }
  await writeTopology(nodes, toId, admin);
}
