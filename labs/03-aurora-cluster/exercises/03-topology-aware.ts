/**
 * Lab 3, exercise 3: a client that follows the writer by the topology, not by DNS.
 *
 * Meant to fail until you complete it. Every Aurora instance can tell you the
 * whole cluster: information_schema.replica_host_status has a row per instance,
 * and the writer's row has SESSION_ID = 'MASTER_SESSION_ID'. (Locally the
 * kit's stand-in table has the same columns; use ctx.topologyTable.)
 *
 * findWriter(ctx): returns the SERVER_ID of the writer, read from the topology
 *   on every call, through any instance that answers (ctx.instanceIds,
 *   ctx.instance(id); one after another or all at once). An instance that
 *   refuses, or says nothing for ctx.timeoutMs (connectTimeout), is skipped;
 *   when no instance names a writer, findWriter rejects (never guess). It
 *   closes every connection it opens.
 * createTopologyAwareClient(ctx): returns { query(sql, params), close() };
 *   query resolves to the rows, like exercise 2. It runs statements on the
 *   writer's own instance endpoint, ctx.instance(writer), never on ctx.writer
 *   or ctx.reader. When a query fails (the writer went away), a later call asks
 *   the topology again and reconnects to the writer it names. It never trusts
 *   a connection to a read-only server: on a new connection it runs
 *   ctx.identitySql first and refuses a server with read_only = 1 (the
 *   topology can be stale). Nor does it keep using one: a server demoted under
 *   a kept connection still answers SELECTs, but its first refusal (errno
 *   1290, 1836 or 1792) drops that connection, so the next call goes to the
 *   new writer. (A refused statement did not run, so running it again on the
 *   new writer is fine; checking ctx.identitySql before every statement is
 *   fine too.) Each statement has a `timeout` of ctx.timeoutMs, and a
 *   connection whose statement timed out is destroyed. When no writer can be
 *   found or reached, query() rejects (retrying first is fine, for
 *   ctx.timeoutMs at most); once the cluster answers again, the next call finds
 *   the writer. Connections it stops using are closed, and close() ends the
 *   one it keeps.
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
