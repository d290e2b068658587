/**
 * A paused Aurora Serverless v2 cluster on loopback: a proxy in front of the
 * database that, once paused, treats the first connection attempt as the
 * wake-up call. From that moment it refuses new connections for `refuseMs`
 * (as a proxy or DNS that is not ready would), then holds every new
 * connection silent until `refuseMs + holdMs` have passed (as Aurora does
 * while it resumes), then lets them through to the server.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export interface PauseOptions {
  refuseMs?: number;
  holdMs?: number;
}

export class PausedClusterProxy {
  private readonly sockets = new Set<Socket>();
  private pause?: Required<PauseOptions>;
  /** performance.now() of the first connection attempt after pause(). */
  firstAttemptAt?: number;
  /** performance.now() when the held connections were let through. */
  resumedAt?: number;
  attempts = 0;
  refused = 0;
  private held: Socket[] = [];
  private timer?: NodeJS.Timeout;

  private constructor(
    private readonly server: Server,
    readonly port: number,
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  static async start(targetHost: string, targetPort: number): Promise<PausedClusterProxy> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    const proxy = new PausedClusterProxy(server, typeof address === 'object' && address ? address.port : 0, targetHost, targetPort);
    server.on('connection', (client) => proxy.accept(client));
    return proxy;
  }

  /** Client connections open through the proxy now. */
  get openClients(): number {
    return [...this.sockets].filter((s) => (s as Socket & { fromClient?: boolean }).fromClient && !s.destroyed).length;
  }

  /** Pauses the cluster: the next connection attempt starts the resume. */
  pauseNow(options: PauseOptions): void {
    this.pause = { refuseMs: options.refuseMs ?? 0, holdMs: options.holdMs ?? 0 };
    this.firstAttemptAt = undefined;
    this.resumedAt = undefined;
    this.attempts = 0;
    this.refused = 0;
  }

  /** Milliseconds from the first attempt to the moment connections went through. */
  get resumeMs(): number | undefined {
    return this.firstAttemptAt !== undefined && this.resumedAt !== undefined ? this.resumedAt - this.firstAttemptAt : undefined;
  }

  private accept(client: Socket): void {
    (client as Socket & { fromClient?: boolean }).fromClient = true;
    this.sockets.add(client);
    client.on('close', () => this.sockets.delete(client));
    client.on('error', () => client.destroy());
    if (!this.pause) {
      this.forward(client);
      return;
    }
    const now = performance.now();
    this.attempts += 1;
    if (this.firstAttemptAt === undefined) {
      this.firstAttemptAt = now;
      this.timer = setTimeout(() => this.resume(), this.pause.refuseMs + this.pause.holdMs);
    }
    if (now - this.firstAttemptAt < this.pause.refuseMs) {
      this.refused += 1;
      client.destroy();
      return;
    }
    this.held.push(client);
  }

  private resume(): void {
    this.resumedAt = performance.now();
    this.pause = undefined;
    for (const client of this.held) if (!client.destroyed) this.forward(client);
    this.held = [];
  }

  private forward(client: Socket): void {
    const upstream = createConnection({ host: this.targetHost, port: this.targetPort });
    this.sockets.add(upstream);
    upstream.on('close', () => {
      this.sockets.delete(upstream);
      client.destroy();
    });
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  }

  async close(): Promise<void> {
    clearTimeout(this.timer);
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
