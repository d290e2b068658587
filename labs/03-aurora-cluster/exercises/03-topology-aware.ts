/**
 * Lab 3, exercise 3: a client that follows the writer by the topology, not by DNS.
 *
 * Meant to fail until you complete it. Every Aurora instance can tell you the
 * whole cluster: information_schema.replica_host_status has a row per instance,
 * and the writer's row has SESSION_ID = 'MASTER_SESSION_ID'. (Locally the
 * kit's stand-in table has the same columns; use ctx.topologyTable.)
 *
 * findWriter(ctx): returns the SERVER_ID of the writer, read from the topology
 *   through any instance that answers (ctx.instanceIds, ctx.instance(id)).
 * createTopologyAwareClient(ctx): returns { query(sql, params), close() } that
 *   runs statements on the writer's own instance endpoint. When a query fails
 *   (the writer went away), it asks the topology again and reconnects to the
 *   writer it names - and it never trusts a connection to a read-only server.
 *
 * Run: npm run check -- 3 --exercise 03
 * Then the drill: npm run check -- 3 --failover-drill
 */
import mysql from 'mysql2/promise';
import type { ClusterContext } from '../../../checker/exercise-api.js';

export interface TopologyAwareClient {
  query(sql: string, params?: unknown[]): Promise<unknown>;
  close(): Promise<void>;
}

export async function findWriter(ctx: ClusterContext): Promise<string> {
  void mysql;
  throw new Error("TODO: read SERVER_ID from ctx.topologyTable where SESSION_ID = 'MASTER_SESSION_ID'");
}

export function createTopologyAwareClient(ctx: ClusterContext): TopologyAwareClient {
  return {
    async query(sql, params) {
      throw new Error('TODO: run the statement on the writer found by findWriter, and find it again after a failure');
    },
    async close() {},
  };
}
