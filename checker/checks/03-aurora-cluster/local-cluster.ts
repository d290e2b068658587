/**
 * Lab 3's endpoints on the local target, run inside the exercise process so
 * a check can fail the cluster over and watch what the learner's code does:
 * a cluster endpoint, a reader endpoint and one endpoint per instance, each a
 * loopback proxy in front of the instances' real ports.
 *
 * A failover plays Aurora's sequence: the writer's connections drop, a reader
 * is promoted, the old writer comes back as a reader - and for a while the
 * cluster endpoint still leads to the old writer, as a client's cached DNS
 * answer would.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { EndpointProxy } from '../../engines/endpoint-proxy.js';
import type { ClusterEndpoints } from '../../engines/endpoints.js';
import { adminConnection, moveWriter, waitForNodes, writeTopology, type AdminAccount, type ClusterNode } from '../../engines/cluster-topology.js';

async function currentWriter(nodes: ClusterNode[], admin: AdminAccount): Promise<string> {
  for (const node of nodes) {
    const conn = await adminConnection(node, admin);
    try {
      const [rows] = await conn.query('SELECT @@read_only AS ro');
      if (Number((rows as Array<{ ro: number }>)[0].ro) === 0) return node.id;
    } finally {
      await conn.end().catch(() => {});
    }
  }
  throw new Error('no instance of the local cluster takes writes');
}

export interface FailoverTiming {
  /** How long the old writer is unreachable (its restart). */
  restartMs: number;
  /** How long after that the cluster endpoint still leads to the old writer (stale DNS). */
  staleMs: number;
}

export interface FailoverReport {
  from: string;
  to: string;
  startedAt: number;
  promotedAt: number;
  /** When the cluster endpoint led to the new writer. */
  endpointRepointedAt: number;
}

export class LocalCluster {
  private writerId: string;
  private pending: Promise<unknown> = Promise.resolve();
  private topologyStale = false;

  private constructor(
    private readonly nodes: ClusterNode[],
    private readonly admin: AdminAccount,
    private readonly clusterProxy: EndpointProxy,
    private readonly readerProxy: EndpointProxy,
    private readonly instanceProxies: Map<string, EndpointProxy>,
  ) {
    this.writerId = nodes[0].id;
  }

  static async start(cluster: ClusterEndpoints): Promise<LocalCluster> {
    if (!cluster.admin) throw new Error('a local cluster needs the admin account');
    const nodes: ClusterNode[] = Object.entries(cluster.instances).map(([id, e]) => ({ id, port: e.port, host: e.host }));
    const instanceProxies = new Map<string, EndpointProxy>();
    for (const node of nodes) instanceProxies.set(node.id, await EndpointProxy.start(node.port, '127.0.0.1', { protocol: 'mysql' }));
    const clusterProxy = await EndpointProxy.start(nodes[0].port, '127.0.0.1', { protocol: 'mysql' });
    const readerProxy = await EndpointProxy.start(nodes[1].port, '127.0.0.1', { protocol: 'mysql' });
    readerProxy.spread(nodes.slice(1).map((n) => n.port));
    const local = new LocalCluster(nodes, cluster.admin, clusterProxy, readerProxy, instanceProxies);
    // An earlier run may have left the writer elsewhere: start from the writer the servers name.
    local.writerId = await currentWriter(nodes, cluster.admin);
    await local.reset();
    return local;
  }

  get writer(): string {
    return this.writerId;
  }

  get instanceIds(): string[] {
    return this.nodes.map((n) => n.id);
  }

  readers(): string[] {
    return this.nodes.filter((n) => n.id !== this.writerId).map((n) => n.id);
  }

  get clusterPort(): number {
    return this.clusterProxy.port;
  }

  get readerPort(): number {
    return this.readerProxy.port;
  }

  instancePort(id: string): number | undefined {
    return this.instanceProxies.get(id)?.port;
  }

  /**
   * The stand-in behind an endpoint ('cluster', 'reader' or an instance id):
   * it sees every statement sent through it and can meet one with a fault.
   */
  endpointProxy(endpoint: string): EndpointProxy | undefined {
    if (endpoint === 'cluster') return this.clusterProxy;
    if (endpoint === 'reader') return this.readerProxy;
    return this.instanceProxies.get(endpoint);
  }

  private node(id: string): ClusterNode {
    return this.nodes.find((n) => n.id === id)!;
  }

  /**
   * Moves the writer to the next instance without dropping any connection:
   * connections kept on the old writer now reach a read-only server, the
   * hard case for a client that verified its server only when it connected.
   */
  async demoteKeepingConnections(): Promise<{ from: string; to: string }> {
    const from = this.writerId;
    const to = this.readers()[0];
    await moveWriter(this.nodes, from, to, this.admin);
    this.writerId = to;
    return { from, to };
  }

  /** Makes the topology name `serverId` as the writer (a stale view), on every instance; reset() rewrites it. */
  async staleTopology(serverId: string): Promise<void> {
    await writeTopology(this.nodes, this.writerId, this.admin, serverId);
    this.topologyStale = true;
    await this.caughtUp();
  }

  /**
   * Fails the writer over to the next instance. Resolves once the new writer
   * takes writes; `settled` resolves when the cluster endpoint has caught up.
   */
  async failover(timing: FailoverTiming): Promise<FailoverReport & { settled: Promise<void> }> {
    const from = this.writerId;
    const to = this.readers()[0];
    const startedAt = Date.now();
    const oldWriter = this.instanceProxies.get(from)!;
    // The writer goes away: its own endpoint and the cluster endpoint drop every connection.
    oldWriter.outage();
    this.clusterProxy.outage();
    await moveWriter(this.nodes, from, to, this.admin);
    this.writerId = to;
    const promotedAt = Date.now();
    this.readerProxy.spread(
      this.readers()
        .filter((id) => id !== from)
        .map((id) => this.node(id).port),
    );
    const report = { from, to, startedAt, promotedAt, endpointRepointedAt: 0 } as FailoverReport & { settled: Promise<void> };
    report.settled = (async () => {
      await sleep(Math.max(0, timing.restartMs - (promotedAt - startedAt)));
      // The old writer is back, as a reader; cached DNS still leads clients of the cluster endpoint to it.
      oldWriter.restore();
      this.readerProxy.spread(this.readers().map((id) => this.node(id).port));
      this.clusterProxy.repoint(this.node(from).port);
      this.clusterProxy.restore();
      await sleep(timing.staleMs);
      this.clusterProxy.repoint(this.node(to).port);
      report.endpointRepointedAt = Date.now();
    })();
    this.pending = report.settled;
    return report;
  }

  /** Waits until every reader has applied what the writer wrote (a seed, say). */
  async caughtUp(): Promise<void> {
    await waitForNodes(this.nodes, this.admin, 10_000, this.writerId);
  }

  /** Puts the writer back on the first instance, with every endpoint where it started. */
  async reset(): Promise<void> {
    await this.pending.catch(() => {});
    const first = this.nodes[0].id;
    if (this.writerId !== first) {
      await moveWriter(this.nodes, this.writerId, first, this.admin);
      this.writerId = first;
    } else if (this.topologyStale) {
      await writeTopology(this.nodes, first, this.admin);
    }
    this.topologyStale = false;
    for (const proxy of [this.clusterProxy, this.readerProxy, ...this.instanceProxies.values()]) proxy.clearFaults();
    for (const proxy of this.instanceProxies.values()) proxy.restore();
    this.clusterProxy.repoint(this.node(first).port);
    this.clusterProxy.restore();
    this.readerProxy.spread(this.readers().map((id) => this.node(id).port));
    this.readerProxy.restore();
  }

  async close(): Promise<void> {
    await this.reset().catch(() => {});
    await Promise.allSettled([this.clusterProxy.close(), this.readerProxy.close(), ...[...this.instanceProxies.values()].map((p) => p.close())]);
  }
}
