/**
 * A paused Aurora Serverless v2 cluster on loopback: a proxy in front of the
 * database that, once paused, treats the first connection attempt as the
 * wake-up call. From that moment it refuses new connections for `refuseMs`
 * (as a proxy or DNS that is not ready would), then holds every new
 * connection silent until `refuseMs + holdMs` have passed (as Aurora does
 * while it resumes), then lets them through to the server. Either may be
 * Infinity: an outage that never ends. It keeps a record of every attempt
 * (when it came, when it was refused or given up by the client, whether it
 * went through), so checks judge the client's retries from outside.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export interface PauseOptions {
  refuseMs?: number;
  holdMs?: number;
}

/** One connection attempt while paused, on the proxy's clock (performance.now()). */
export interface Attempt {
  at: number;
  /** The proxy refused it (closed it at once). */
  refused: boolean;
  /** When the socket closed before it went through: refused, or given up by the client (its connect timeout). */
  closedAt?: number;
  /** When it went through to the server. */
  forwardedAt?: number;
}

type ClientSocket = Socket & { fromClient?: boolean; attempt?: Attempt };

export class PausedClusterProxy {
  private readonly sockets = new Set<Socket>();
  private pause?: Required<PauseOptions>;
  /** performance.now() of the first connection attempt after pause(). */
  firstAttemptAt?: number;
  /** performance.now() when the held connections were let through. */
  resumedAt?: number;
  attempts = 0;
  refused = 0;
  /** Every attempt since pauseNow(), oldest first. */
  readonly log: Attempt[] = [];
  /** The most attempts waiting (held, not yet through or given up) at the same moment. */
  peakWaiting = 0;
  /** performance.now() of every chunk the server sent back to a client, oldest first (the answers, as they left). */
  readonly repliedAt: number[] = [];
  private held: ClientSocket[] = [];
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
    return [...this.sockets].filter((s) => (s as ClientSocket).fromClient && !s.destroyed).length;
  }

  /** Pauses the cluster: the next connection attempt starts the resume. */
  pauseNow(options: PauseOptions): void {
    this.pause = { refuseMs: options.refuseMs ?? 0, holdMs: options.holdMs ?? 0 };
    this.firstAttemptAt = undefined;
    this.resumedAt = undefined;
    this.attempts = 0;
    this.refused = 0;
    this.log.length = 0;
    this.peakWaiting = 0;
    this.repliedAt.length = 0;
  }

  /** Milliseconds from the first attempt to the moment connections went through. */
  get resumeMs(): number | undefined {
    return this.firstAttemptAt !== undefined && this.resumedAt !== undefined ? this.resumedAt - this.firstAttemptAt : undefined;
  }

  private accept(client: ClientSocket): void {
    client.fromClient = true;
    this.sockets.add(client);
    client.on('close', () => {
      this.sockets.delete(client);
      if (client.attempt && client.attempt.forwardedAt === undefined) client.attempt.closedAt ??= performance.now();
      this.held = this.held.filter((c) => c !== client);
    });
    client.on('error', () => client.destroy());
    if (!this.pause) {
      this.forward(client);
      return;
    }
    const now = performance.now();
    this.attempts += 1;
    const attempt: Attempt = { at: now, refused: false };
    this.log.push(attempt);
    client.attempt = attempt;
    if (this.firstAttemptAt === undefined) {
      this.firstAttemptAt = now;
      const total = this.pause.refuseMs + this.pause.holdMs;
      if (Number.isFinite(total)) this.timer = setTimeout(() => this.resume(), total);
    }
    if (now - this.firstAttemptAt < this.pause.refuseMs) {
      this.refused += 1;
      attempt.refused = true;
      attempt.closedAt = now;
      client.destroy();
      return;
    }
    this.held.push(client);
    this.peakWaiting = Math.max(this.peakWaiting, this.held.filter((c) => !c.destroyed).length);
  }

  private resume(): void {
    this.resumedAt = performance.now();
    this.pause = undefined;
    for (const client of this.held) {
      if (client.destroyed) continue;
      if (client.attempt) client.attempt.forwardedAt = this.resumedAt;
      this.forward(client);
    }
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
    upstream.on('data', () => this.repliedAt.push(performance.now()));
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
