/**
 * A stand-in for an RDS endpoint's DNS name on loopback: clients connect to
 * one fixed port and reach whichever server is primary now. A failover
 * repoints it (and drops the connections to the old primary, as the old
 * host going away would); an outage makes it drop every connection.
 */
import { createServer, createConnection, type Server, type Socket } from 'node:net';
import { MysqlRelay, type WireFault, type WireStatement } from './mysql-relay.js';

export interface FaultRule {
  /** Which statements the fault meets. */
  match: (statement: WireStatement) => boolean;
  fault: WireFault | ((statement: WireStatement) => WireFault);
  /** How many matching statements it meets before it is spent; 1 unless set (Infinity: until removed). */
  times?: number;
}

export interface ArmedFault {
  /** The statements the fault has met so far. */
  readonly hits: WireStatement[];
  /** Settles with the first statement the fault meets. */
  readonly firstHit: Promise<WireStatement>;
  remove(): void;
}

interface Armed extends ArmedFault {
  rule: FaultRule;
  left: number;
  hit(statement: WireStatement): void;
}

export interface ProxyOptions {
  /** `mysql`: read the protocol, so statements are seen and can meet faults; `tcp` (default): bytes only. */
  protocol?: 'tcp' | 'mysql';
}

export class EndpointProxy {
  private readonly sockets = new Set<Socket>();
  private refusing = false;
  /** When set, new connections take turns over these ports (a reader endpoint). */
  private rotation: number[] = [];
  private turn = 0;
  private connections = 0;
  private readonly armed: Armed[] = [];
  /** Every statement clients sent through this endpoint (mysql protocol only), oldest first. */
  readonly statements: WireStatement[] = [];

  private constructor(
    private readonly server: Server,
    readonly port: number,
    private targetPort: number,
    private readonly targetHost: string,
    private readonly protocol: 'tcp' | 'mysql',
  ) {}

  static async start(targetPort: number, targetHost = '127.0.0.1', options: ProxyOptions = {}): Promise<EndpointProxy> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    const proxy = new EndpointProxy(server, typeof address === 'object' && address ? address.port : 0, targetPort, targetHost, options.protocol ?? 'tcp');
    server.on('connection', (client) => proxy.accept(client));
    return proxy;
  }

  get target(): number {
    return this.targetPort;
  }

  private accept(client: Socket): void {
    if (this.refusing) {
      client.destroy();
      return;
    }
    const port = this.rotation.length > 0 ? this.rotation[this.turn++ % this.rotation.length] : this.targetPort;
    const upstream = createConnection({ host: this.targetHost, port });
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    if (this.protocol === 'mysql') {
      new MysqlRelay(client, upstream, ++this.connections, (statement) => this.faultFor(statement));
      return;
    }
    client.pipe(upstream);
    upstream.pipe(client);
  }

  /** Arms a fault for statements sent through this endpoint from now on (mysql protocol only). */
  inject(rule: FaultRule): ArmedFault {
    if (this.protocol !== 'mysql') throw new Error('statement faults need a proxy started with protocol: mysql');
    let resolveFirst!: (s: WireStatement) => void;
    const firstHit = new Promise<WireStatement>((resolve) => (resolveFirst = resolve));
    const armed: Armed = {
      rule,
      left: rule.times ?? 1,
      hits: [],
      firstHit,
      remove: () => {
        const at = this.armed.indexOf(armed);
        if (at >= 0) this.armed.splice(at, 1);
      },
      hit(statement) {
        this.hits.push(statement);
        if (this.hits.length === 1) resolveFirst(statement);
        if (--this.left <= 0) this.remove();
      },
    };
    this.armed.push(armed);
    return armed;
  }

  /** Removes every armed fault and forgets the statements seen so far. */
  clearFaults(): void {
    this.armed.length = 0;
    this.statements.length = 0;
  }

  private faultFor(statement: WireStatement): WireFault | undefined {
    this.statements.push(statement);
    const armed = this.armed.find((a) => a.rule.match(statement));
    if (!armed) return undefined;
    armed.hit(statement);
    return typeof armed.rule.fault === 'function' ? armed.rule.fault(statement) : armed.rule.fault;
  }

  private dropAll(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  /** Points the endpoint at another server; open connections are dropped. */
  repoint(targetPort: number): void {
    this.targetPort = targetPort;
    this.rotation = [];
    this.dropAll();
  }

  /**
   * Spreads new connections over several servers in turn, as Aurora's reader
   * endpoint does; open connections are dropped.
   */
  spread(targetPorts: number[]): void {
    this.rotation = [...targetPorts];
    this.targetPort = targetPorts[0] ?? this.targetPort;
    this.dropAll();
  }

  /** Starts an outage: every connection is dropped until `restore()`. */
  outage(): void {
    this.refusing = true;
    this.dropAll();
  }

  restore(): void {
    this.refusing = false;
  }

  async close(): Promise<void> {
    this.dropAll();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
