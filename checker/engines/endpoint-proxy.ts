/**
 * A stand-in for an RDS endpoint's DNS name on loopback: clients connect to
 * one fixed port and reach whichever server is primary now. A failover
 * repoints it (and drops the connections to the old primary, as the old
 * host going away would); an outage makes it drop every connection.
 */
import { createServer, createConnection, type Server, type Socket } from 'node:net';

export class EndpointProxy {
  private readonly sockets = new Set<Socket>();
  private refusing = false;
  /** When set, new connections take turns over these ports (a reader endpoint). */
  private rotation: number[] = [];
  private turn = 0;

  private constructor(
    private readonly server: Server,
    readonly port: number,
    private targetPort: number,
    private readonly targetHost: string,
  ) {}

  static async start(targetPort: number, targetHost = '127.0.0.1'): Promise<EndpointProxy> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    const proxy = new EndpointProxy(server, typeof address === 'object' && address ? address.port : 0, targetPort, targetHost);
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
    client.pipe(upstream);
    upstream.pipe(client);
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
