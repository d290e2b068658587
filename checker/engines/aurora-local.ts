/**
 * The local stand-in for an Aurora MySQL cluster (Lab 3): three mariadbd
 * instances - a writer and two read-only readers replicating from it with
 * GTID - and a replica_host_status table that names the writer the way
 * Aurora's information_schema view does. Aurora readers share one storage
 * volume instead of replicating; what the learner's code sees (a writer,
 * readers that refuse writes, a topology view, a failover that moves the
 * writer) is the same.
 */
import mysql, { type Connection } from 'mysql2/promise';
import { locateEngineBinaries } from './binaries.js';
import type { ClusterEndpoints, MysqlEndpoint } from './endpoints.js';
import { ProcessGroup } from './process-group.js';
import { LAB_USER } from './replicated-mysql.js';
import { LOCAL_DATABASE, prepareMariadb, runMariadb } from './servers.js';
import { LOCAL_IDENTITY_SQL, LOCAL_TOPOLOGY_TABLE, instanceName, REPL_USER, writeTopology, waitForNodes } from './cluster-topology.js';

export interface LocalAuroraCluster {
  dir: string;
  endpoints: ClusterEndpoints;
  stop(): Promise<void>;
}

const INSTANCES = 3;

function labEndpoint(port: number): MysqlEndpoint {
  return { host: '127.0.0.1', port, user: LAB_USER.user, password: LAB_USER.password, database: LOCAL_DATABASE };
}

async function root(port: number): Promise<Connection> {
  return mysql.createConnection({ host: '127.0.0.1', port, user: 'root', password: '', database: LOCAL_DATABASE, connectTimeout: 2_000 });
}

export async function startLocalAuroraCluster(options: { stopOnSignals?: boolean; readyTimeoutMs?: number } = {}): Promise<LocalAuroraCluster> {
  const bins = locateEngineBinaries({ redis: false, mysql: true });
  const timeout = options.readyTimeoutMs ?? 30_000;
  const group = new ProcessGroup({ stopOnSignals: options.stopOnSignals });
  try {
    const common = ['--log-bin=mysql-bin', '--binlog-format=ROW', '--log-slave-updates=ON', '--relay-log=relay-bin', '--skip-slave-start'];
    const ports = await Promise.all(
      Array.from({ length: INSTANCES }, async (_, i) => {
        const server = await prepareMariadb(group, bins, instanceName(i + 1), [`--server-id=${i + 1}`, ...(i === 0 ? [] : ['--read-only=ON']), ...common]);
        await runMariadb(group, bins, server, timeout);
        return server.port;
      }),
    );

    const writer = await root(ports[0]);
    try {
      for (const statement of [
        `CREATE USER '${REPL_USER.user}'@'%' IDENTIFIED BY '${REPL_USER.password}'`,
        `GRANT REPLICATION SLAVE ON *.* TO '${REPL_USER.user}'@'%'`,
        `CREATE USER '${LAB_USER.user}'@'%' IDENTIFIED BY '${LAB_USER.password}'`,
        // No SUPER and no READ ONLY ADMIN: read_only on a reader applies to the lab user.
        `GRANT ALL PRIVILEGES ON \`${LOCAL_DATABASE}\`.* TO '${LAB_USER.user}'@'%'`,
        `GRANT REPLICATION CLIENT ON *.* TO '${LAB_USER.user}'@'%'`,
      ]) {
        await writer.query(statement);
      }
    } finally {
      await writer.end();
    }
    for (const port of ports.slice(1)) {
      const reader = await root(port);
      try {
        await reader.query(
          `CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=${ports[0]}, MASTER_USER='${REPL_USER.user}', MASTER_PASSWORD='${REPL_USER.password}', MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1`,
        );
        await reader.query('START SLAVE');
      } finally {
        await reader.end();
      }
    }
    const nodes = ports.map((port, i) => ({ id: instanceName(i + 1), port }));
    await writeTopology(nodes, nodes[0].id, { user: 'root', password: '' });
    await waitForNodes(nodes, { user: 'root', password: '' }, timeout);

    const instances: Record<string, MysqlEndpoint> = {};
    nodes.forEach((node) => (instances[node.id] = labEndpoint(node.port)));
    return {
      dir: group.dir,
      stop: () => group.stop(),
      endpoints: {
        writer: labEndpoint(ports[0]),
        reader: labEndpoint(ports[1]),
        instances,
        identitySql: LOCAL_IDENTITY_SQL,
        topologyTable: LOCAL_TOPOLOGY_TABLE,
        admin: { user: 'root', password: '' },
      },
    };
  } catch (err) {
    await group.stop();
    throw err;
  }
}
