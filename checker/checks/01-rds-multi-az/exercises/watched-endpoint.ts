/**
 * An endpoint stand-in for Lab 1's checks, in front of another port (a server
 * or an EndpointProxy): it notes when each client connection opened and closed,
 * so a check can tell from the wire how many attempts a probe made, when they
 * began, which ones failed, and whether the learner's code closed them. An
 * outage either refuses new connections or swallows them (accepted, never
 * answered: a host that vanished).
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface WireConnection {
  /** Date.now() when the client connected. */
  openedAt: number;
  /** Date.now() when the client's socket closed, if it has. */
  closedAt?: number;
  /** Refused or swallowed by an outage: the attempt could not have succeeded. */
  failed: boolean;
}

type Mode = 'pass' | 'refuse' | 'silent';

export class WatchedEndpoint {
  readonly connections: WireConnection[] = [];
  private readonly open = new Map<Socket, { record: WireConnection; upstream?: Socket }>();
  private mode: Mode = 'pass';

  private constructor(
    private readonly server: Server,
    readonly port: number,
    private readonly targetPort: number,
  ) {}

  static async start(targetPort: number): Promise<WatchedEndpoint> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    const endpoint = new WatchedEndpoint(server, typeof address === 'object' && address ? address.port : 0, targetPort);
    server.on('connection', (client) => endpoint.accept(client));
    return endpoint;
  }

  private accept(client: Socket): void {
    const record: WireConnection = { openedAt: Date.now(), failed: this.mode !== 'pass' };
    this.connections.push(record);
    client.on('error', () => {});
    client.on('close', () => {
      record.closedAt = Date.now();
      this.open.get(client)?.upstream?.destroy();
      this.open.delete(client);
    });
    if (this.mode === 'refuse') {
      client.destroy();
      return;
    }
    if (this.mode === 'silent') {
      this.open.set(client, { record });
      return;
    }
    const upstream = createConnection({ host: '127.0.0.1', port: this.targetPort });
    upstream.on('error', () => client.destroy());
    upstream.on('close', () => client.destroy());
    this.open.set(client, { record, upstream });
    client.pipe(upstream);
    upstream.pipe(client);
  }

  /**
   * Starts an outage: new connections are refused, or accepted and never
   * answered (`silent`). Open ones may finish, so every attempt's fate is
   * settled when it connects (cutting one that already had its answer would
   * count a success as a failure).
   */
  outage(kind: 'refuse' | 'silent'): void {
    this.mode = kind;
  }

  restore(): void {
    this.mode = 'pass';
  }

  /** Connections whose client has not closed them yet. */
  openConnections(): WireConnection[] {
    return this.connections.filter((c) => c.closedAt === undefined);
  }

  /** Waits up to `ms` for every connection to be closed by its client; resolves to those still open. */
  async settle(ms: number): Promise<WireConnection[]> {
    const until = Date.now() + ms;
    while (this.openConnections().length > 0 && Date.now() < until) await sleep(25);
    return this.openConnections();
  }

  async close(): Promise<void> {
    for (const [client, { upstream }] of this.open) {
      upstream?.destroy();
      client.destroy();
    }
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * The downtime a probe should report for the attempts seen on the wire: from
 * each outage's first failed attempt to the next successful one, and an
 * outage still open at the end counted up to `end`.
 */
export function wireDowntime(connections: WireConnection[], end: number): number {
  let total = 0;
  let since: number | undefined;
  for (const c of [...connections].sort((a, b) => a.openedAt - b.openedAt)) {
    if (c.failed) since ??= c.openedAt;
    else if (since !== undefined) {
      total += c.openedAt - since;
      since = undefined;
    }
  }
  if (since !== undefined) total += end - since;
  return total / 1000;
}
