/**
 * Lab 3, exercise 1: who answered - the writer or a reader?
 *
 * Meant to fail until you complete it. An endpoint's name is only a promise:
 * after a failover the cluster endpoint can still lead to the old writer for
 * a while. Ask the server itself. ctx.identitySql returns one row
 * { server_id, read_only } (on Aurora: @@aurora_server_id and
 * @@innodb_read_only; locally the kit's MariaDB stand-in gives the same row).
 *
 * identify(settings, ctx): connect with mysql2 to `settings` (spread them into
 * createConnection, with connectTimeout: ctx.timeoutMs), run ctx.identitySql
 * as given, close the connection (end() or destroy()) on every path, the
 * error paths too, and return { serverId, readOnly } as a string and a
 * boolean (read_only comes back as the number 0 or 1). Ask on every call.
 * When the endpoint cannot be reached or the query fails, let the error
 * reach the caller: never make up an answer. Only the connection attempt
 * needs a time limit here; the query may go without one.
 *
 * Run: npm run check -- 3 --exercise 01
 */
import mysql from 'mysql2/promise';
import type { ClusterContext, ConnectionSettings, ServerIdentity } from '../../../checker/exercise-api.js';

export async function identify(settings: ConnectionSettings, ctx: ClusterContext): Promise<ServerIdentity> {
  void mysql;
  throw new Error('TODO: connect to settings, run ctx.identitySql, close, and return { serverId, readOnly }');
}
