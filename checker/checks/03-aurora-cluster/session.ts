/**
 * Lab 3's exercise process: the cluster's endpoints for learner code, the
 * checker's own way to ask who answered, and (locally) failovers on demand.
 */
import mysql, { type Connection } from 'mysql2/promise';
import { pathToFileURL } from 'node:url';
import type { ClusterEndpoints, Endpoints, MysqlEndpoint } from '../../engines/endpoints.js';
import type { ClusterContext, ConnectionSettings, ServerIdentity } from '../../exercise-api.js';
import { CheckFailed, CheckSkipped, LearnerCalls } from '../../runner/harness.js';
import { portable } from '../../runner/remote-forms.js';
import { connectionSettings, learnerConnection } from '../replication-session.js';
import type { EndpointProxy } from '../../engines/endpoint-proxy.js';
import { EnginesUnreachable, type LabSession } from '../session.js';
import { runDrillProbes } from './drill-probes.js';
import { LocalCluster, type FailoverReport, type FailoverTiming } from './local-cluster.js';

const SEED_TABLE = 'cluster_notes';
/** The checker's own connections: generous, so a loaded machine does not turn a verdict into an error. */
const CHECKER_CONNECT_TIMEOUT_MS = 10_000;

export class ClusterHarness extends LearnerCalls {
  private readonly opened: Connection[] = [];

  constructor(
    module: Record<string, unknown>,
    file: string,
    callTimeoutMs: number,
    readonly cluster: ClusterEndpoints,
    readonly target: 'local' | 'aws',
    /** Present on the local target: proxies the checks can fail over. */
    readonly local: LocalCluster | undefined,
  ) {
    super(module, file, callTimeoutMs);
  }

  private settings(endpoint: MysqlEndpoint, port?: number): ConnectionSettings {
    return port === undefined ? learnerConnection(endpoint) : learnerConnection(endpoint, port, '127.0.0.1');
  }

  get instanceIds(): string[] {
    return this.local ? this.local.instanceIds : Object.keys(this.cluster.instances);
  }

  /**
   * A fresh context for the learner's functions. `ports` sends an endpoint
   * elsewhere (a port where nothing answers, say); `identitySql` replaces the
   * identity query with an equivalent text, so the wire shows whose it is.
   */
  context(
    options: { timeoutMs?: number; ports?: { writer?: number; reader?: number; instances?: Record<string, number> }; identitySql?: string } = {},
  ): ClusterContext {
    const { cluster, local } = this;
    const ports = options.ports ?? {};
    const settingsById: Record<string, ConnectionSettings> = {};
    for (const [serverId, endpoint] of Object.entries(cluster.instances))
      settingsById[serverId] = this.settings(endpoint, ports.instances?.[serverId] ?? local?.instancePort(serverId));
    // Learner code calls it synchronously, in its own process: it travels as source with its table (see remote-forms.ts).
    const instance = portable((table: Record<string, ConnectionSettings>, serverId: string): ConnectionSettings => {
      const found = Object.prototype.hasOwnProperty.call(table, serverId) ? table[serverId] : undefined;
      if (!found) throw new Error(`ctx.instance: this cluster has no instance named ${JSON.stringify(serverId)} (it has ${Object.keys(table).join(', ')})`);
      return { ...found };
    }, settingsById);
    return {
      writer: this.settings(cluster.writer, ports.writer ?? local?.clusterPort),
      reader: this.settings(cluster.reader, ports.reader ?? local?.readerPort),
      instance,
      instanceIds: this.instanceIds,
      identitySql: options.identitySql ?? cluster.identitySql,
      topologyTable: cluster.topologyTable,
      timeoutMs: options.timeoutMs ?? 1_000,
    };
  }

  /** The checker's own answer to "who is behind these settings?". */
  async identityAt(settings: ConnectionSettings): Promise<ServerIdentity> {
    const conn = await mysql.createConnection({ ...settings, connectTimeout: CHECKER_CONNECT_TIMEOUT_MS } as mysql.ConnectionOptions);
    try {
      return identityOf(await conn.query(this.cluster.identitySql).then(([rows]) => rows));
    } finally {
      await conn.end().catch(() => {});
    }
  }

  /** The instance that is writer now, as the checker sees it. */
  async writerId(): Promise<string> {
    if (this.local) return this.local.writer;
    const identity = await this.identityAt(this.context().writer);
    return identity.serverId;
  }

  async readerIds(): Promise<string[]> {
    const writer = await this.writerId();
    return this.instanceIds.filter((id) => id !== writer);
  }

  /** Connects as the checker to the instance that is writer now. */
  async onWriter<T>(body: (conn: Connection) => Promise<T>): Promise<T> {
    const writer = await this.writerId();
    const conn = await mysql.createConnection({ ...this.context().instance(writer), connectTimeout: CHECKER_CONNECT_TIMEOUT_MS } as mysql.ConnectionOptions);
    this.opened.push(conn);
    try {
      return await body(conn);
    } finally {
      await conn.end().catch(() => {});
    }
  }

  /** Waits (up to 5 s) until every reader has a table the writer just created: Aurora replica lag is usually well under a second. */
  async seenByReaders(table: string): Promise<void> {
    const deadline = Date.now() + 5_000;
    for (const id of await this.readerIds()) {
      const conn = await mysql.createConnection({ ...this.context().instance(id), connectTimeout: CHECKER_CONNECT_TIMEOUT_MS } as mysql.ConnectionOptions);
      try {
        for (;;) {
          const [rows] = await conn.query('SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?', [table]);
          if (Number((rows as Array<{ n: number }>)[0].n) > 0 || Date.now() > deadline) break;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      } finally {
        await conn.end().catch(() => {});
      }
    }
  }

  /** Connections the lab user holds on every instance (the learner's and the checker's). */
  async openConnections(): Promise<number> {
    let total = 0;
    for (const id of this.instanceIds) {
      const conn = await mysql.createConnection({ ...this.context().instance(id), connectTimeout: CHECKER_CONNECT_TIMEOUT_MS } as mysql.ConnectionOptions);
      try {
        const [rows] = await conn.query("SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE USER = SUBSTRING_INDEX(CURRENT_USER(), '@', 1)");
        total += Number((rows as Array<{ n: number }>)[0].n) - 1;
      } finally {
        await conn.end().catch(() => {});
      }
    }
    return total;
  }

  /** The local stand-in of an endpoint ('cluster', 'reader' or an instance id), to watch its statements or fault them. */
  endpoint(name: string): EndpointProxy {
    const proxy = this.local?.endpointProxy(name);
    if (!proxy)
      throw new CheckSkipped('needs endpoints the checker can watch and fault, which only the local target has: the AWS run checks the same code without them');
    return proxy;
  }

  /** Local target only: the checker's cluster, for failovers and faults. */
  get localCluster(): LocalCluster {
    if (!this.local)
      throw new CheckSkipped(
        'needs a cluster the checker controls, which only the local target has: on AWS run the drill (npm run check -- 3 --target aws --failover-drill)',
      );
    return this.local;
  }

  /** Fails the writer over (local target only). */
  async failover(timing: FailoverTiming): Promise<FailoverReport & { settled: Promise<void> }> {
    if (!this.local)
      throw new CheckSkipped(
        'needs a failover the checker controls, which only the local target has: on AWS run the drill (npm run check -- 3 --target aws --failover-drill)',
      );
    return this.local.failover(timing);
  }

  override async dispose(): Promise<void> {
    await Promise.allSettled(this.opened.map((c) => c.end()));
  }
}

/** Reads { server_id, read_only } from the rows of the identity query. */
export function identityOf(rows: unknown): ServerIdentity {
  const row = Array.isArray(rows) ? (rows[0] as Record<string, unknown> | undefined) : undefined;
  if (!row || row.server_id === undefined)
    throw new CheckFailed(`the identity query returned ${JSON.stringify(rows)?.slice(0, 120)}, not one row with server_id and read_only`);
  return { serverId: String(row.server_id), readOnly: Number(row.read_only) === 1 };
}

export async function openLab03(endpoints: Endpoints): Promise<LabSession<ClusterHarness>> {
  const cluster = endpoints.cluster;
  if (!cluster) throw new EnginesUnreachable('Lab 3 needs an Aurora cluster (writer, reader and instance endpoints), and the target gave none.');
  let local: LocalCluster | undefined;
  let seedConn: Connection | undefined;
  try {
    local = cluster.admin ? await LocalCluster.start(cluster) : undefined;
    seedConn = await mysql.createConnection({
      ...connectionSettings(cluster.writer, local?.clusterPort ?? cluster.writer.port, local ? '127.0.0.1' : cluster.writer.host),
      connectTimeout: 3_000,
    } as mysql.ConnectionOptions);
    await seedConn.end();
  } catch (err) {
    await local?.close();
    throw new EnginesUnreachable(
      `Could not reach the cluster endpoint at ${cluster.writer.host}:${cluster.writer.port} (${endpoints.target} target): ${(err as Error).message}`,
    );
  }
  const harnessFor = (module: Record<string, unknown>, file: string, callTimeoutMs: number) =>
    new ClusterHarness(module, file, callTimeoutMs, cluster, endpoints.target, local);

  return {
    harness: harnessFor,
    async reset() {
      await local?.reset();
      const probe = harnessFor({}, '', 3_000);
      await probe.onWriter(async (conn) => {
        await conn.query(`DROP TABLE IF EXISTS ${SEED_TABLE}`);
        await conn.query(`CREATE TABLE ${SEED_TABLE} (id INT AUTO_INCREMENT PRIMARY KEY, note VARCHAR(200) NOT NULL, written_by VARCHAR(100) NOT NULL)`);
      });
      if (local) await local.caughtUp();
      else await probe.seenByReaders(SEED_TABLE);
      await probe.dispose();
    },
    /**
     * The drill: the learner's DNS-only client (exercise 02) and topology-aware
     * client (exercise 03) probe side by side while the writer fails over -
     * locally by the checker, on AWS by FailoverDBCluster once the runner hears
     * "probe-started".
     */
    async measure(harness, name, signal) {
      if (name !== 'failover-drill') throw new Error(`Lab 3 has no measurement named ${name}`);
      const dnsOnlyFile = harness.file.replace(/03-topology-aware\.ts$/, '02-read-write-split.ts');
      const dnsOnlyModule = (await import(pathToFileURL(dnsOnlyFile).href)) as Record<string, unknown>;
      return runDrillProbes(harness, dnsOnlyModule, signal);
    },
    async close() {
      await local?.close();
    },
  };
}
