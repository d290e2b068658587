/**
 * The local stand-in for an Aurora MySQL cluster (Lab 3): a two-reader
 * replica set (see replica-set.ts) named labs-instance-1, -2, -3, and a
 * replica_host_status table that names the writer the way Aurora's
 * information_schema view does. Aurora readers share one storage volume
 * instead of replicating; what the learner's code sees (a writer, readers
 * that refuse writes, a topology view, a failover that moves the writer) is
 * the same.
 */
import type { ClusterEndpoints, MysqlEndpoint } from './endpoints.js';
import { ROOT_ACCOUNT, startReplicaSet } from './replica-set.js';
import { LOCAL_IDENTITY_SQL, LOCAL_TOPOLOGY_TABLE, instanceName, writeTopology, waitForNodes } from './cluster-topology.js';

export interface LocalAuroraCluster {
  dir: string;
  endpoints: ClusterEndpoints;
  stop(): Promise<void>;
}

export async function startLocalAuroraCluster(options: { stopOnSignals?: boolean; readyTimeoutMs?: number } = {}): Promise<LocalAuroraCluster> {
  const timeout = options.readyTimeoutMs ?? 30_000;
  const set = await startReplicaSet({ ...options, readers: 2, name: instanceName });
  try {
    const nodes = set.nodes.map((node) => ({ id: node.name, port: node.server.port }));
    await writeTopology(nodes, set.writer.name, ROOT_ACCOUNT);
    await waitForNodes(nodes, ROOT_ACCOUNT, timeout);
  } catch (err) {
    await set.stop();
    throw err;
  }
  const instances: Record<string, MysqlEndpoint> = {};
  for (const node of set.nodes) instances[node.name] = node.endpoint;
  return {
    dir: set.dir,
    stop: () => set.stop(),
    endpoints: {
      writer: set.writer.endpoint,
      reader: set.readers[0].endpoint,
      instances,
      identitySql: LOCAL_IDENTITY_SQL,
      topologyTable: LOCAL_TOPOLOGY_TABLE,
      admin: { ...ROOT_ACCOUNT },
    },
  };
}
