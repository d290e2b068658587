/**
 * Relays one MySQL client connection to its server packet by packet, so the
 * checker sees every statement a client sends on the wire (whatever process
 * sends it) and can meet any of them with a fault: an error in the server's
 * place (a failed COMMIT really rolls back), a dropped connection before or
 * after the server ran it, a statement that never arrives, or a reply held
 * back while another client acts.
 */
import type { Socket } from 'node:net';
import { COMMAND, commandName, errorPacket, isOk, PacketFramer, plainGreeting, queryPacket, UNANSWERED, type Packet } from './mysql-packets.js';

export interface WireStatement {
  /** The relay's number for the client connection: 1, 2, ... per endpoint. */
  connection: number;
  /** `query`, `prepare`, `execute`, `ping`, `quit`, ... */
  command: string;
  /** The statement's text, for query, prepare and execute. */
  sql?: string;
  /** performance.now() when the statement reached the relay. */
  at: number;
}

export type WireFault =
  /** The statement fails with this error; the server never runs it (a COMMIT is rolled back instead). */
  | { type: 'fail'; code?: number; sqlState?: string; message?: string }
  /** The connection is cut: before the server sees the statement, or once it has run it (the reply is lost). */
  | { type: 'drop'; afterServer?: boolean }
  /** The statement is held (and everything after it on that connection): for good, or until `until` settles. */
  | { type: 'stall'; until?: Promise<unknown> }
  /** The server runs the statement at once; its reply reaches the client only when `until` settles. */
  | { type: 'hold-reply'; until: Promise<unknown> };

export type FaultFor = (statement: WireStatement) => WireFault | undefined;

const FAULT_DEFAULTS = { code: 1105, sqlState: 'HY000', message: 'the statement failed (a fault the checker injected)' };
const COMMIT = /^\s*COMMIT\b/i;

type ReplyPlan = { answer: Buffer } | { drop: true };

export class MysqlRelay {
  private phase: 'greeting' | 'auth' | 'command' = 'greeting';
  private readonly fromClientFramer = new PacketFramer();
  private readonly fromServerFramer = new PacketFramer();
  private readonly clientQueue: Packet[] = [];
  private clientHeld = false;
  private replyGate?: Promise<void>;
  private readonly replyQueue: Buffer[] = [];
  private replyPlan?: ReplyPlan;
  private pendingPrepare?: string;
  private readonly prepared = new Map<number, string>();
  private closed = false;

  constructor(
    private readonly client: Socket,
    private readonly server: Socket,
    private readonly connection: number,
    private readonly faultFor: FaultFor,
  ) {
    client.on('data', (chunk: Buffer) => {
      this.clientQueue.push(...this.fromClientFramer.push(chunk));
      this.drainClient();
    });
    server.on('data', (chunk: Buffer) => {
      for (const p of this.fromServerFramer.push(chunk)) this.fromServer(p);
    });
    for (const socket of [client, server]) socket.on('close', () => this.close());
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.client.destroy();
    this.server.destroy();
  }

  private drainClient(): void {
    while (!this.clientHeld && !this.closed && this.clientQueue.length > 0) this.fromClient(this.clientQueue.shift()!);
  }

  private fromClient(p: Packet): void {
    // Handshake answers and the rest of a long command carry a sequence number above 0.
    if (this.phase !== 'command' || p.seq !== 0 || p.payload.length === 0) {
      this.server.write(p.raw);
      return;
    }
    const byte = p.payload[0];
    let sql: string | undefined;
    if (byte === COMMAND.query || byte === COMMAND.prepare) sql = p.payload.subarray(1).toString('utf8');
    if (byte === COMMAND.execute && p.payload.length >= 5) sql = this.prepared.get(p.payload.readUInt32LE(1));
    if (byte === COMMAND.closeStatement && p.payload.length >= 5) this.prepared.delete(p.payload.readUInt32LE(1));
    if (byte === COMMAND.changeUser) this.phase = 'auth';
    this.pendingPrepare = byte === COMMAND.prepare ? sql : undefined;

    const fault = this.faultFor({ connection: this.connection, command: commandName(byte), sql, at: performance.now() });
    if (!fault) {
      this.server.write(p.raw);
      return;
    }
    switch (fault.type) {
      case 'fail': {
        const answer = errorPacket(1, fault.code ?? FAULT_DEFAULTS.code, fault.sqlState ?? FAULT_DEFAULTS.sqlState, fault.message ?? FAULT_DEFAULTS.message);
        this.pendingPrepare = undefined;
        if (byte === COMMAND.query && sql !== undefined && COMMIT.test(sql)) {
          // A COMMIT that fails leaves nothing committed: the server rolls back, the client hears the error.
          this.replyPlan = { answer };
          this.server.write(queryPacket('ROLLBACK'));
        } else if (!UNANSWERED.has(byte)) {
          this.toClient(answer);
        }
        return;
      }
      case 'drop':
        if (fault.afterServer) {
          this.replyPlan = { drop: true };
          this.server.write(p.raw);
        } else {
          this.close();
        }
        return;
      case 'stall':
        this.clientHeld = true;
        void fault.until?.then(
          () => this.release(p),
          () => this.release(p),
        );
        return;
      case 'hold-reply': {
        const gate = fault.until.then(
          () => undefined,
          () => undefined,
        );
        this.replyGate = gate;
        void gate.then(() => {
          if (this.replyGate === gate) this.replyGate = undefined;
          this.flushReplies();
        });
        this.server.write(p.raw);
        return;
      }
    }
  }

  private release(held: Packet): void {
    this.clientHeld = false;
    if (this.closed) return;
    this.server.write(held.raw);
    this.drainClient();
  }

  private fromServer(p: Packet): void {
    if (this.phase === 'greeting') {
      this.phase = 'auth';
      this.toClient(plainGreeting(p));
      return;
    }
    if (this.phase === 'auth') {
      if (isOk(p)) this.phase = 'command';
      this.toClient(p.raw);
      return;
    }
    if (p.seq === 1 && this.pendingPrepare !== undefined) {
      if (isOk(p) && p.payload.length >= 5) this.prepared.set(p.payload.readUInt32LE(1), this.pendingPrepare);
      this.pendingPrepare = undefined;
    }
    if (p.seq === 1 && this.replyPlan) {
      const plan = this.replyPlan;
      this.replyPlan = undefined;
      if ('drop' in plan) this.close();
      else this.toClient(plan.answer);
      return;
    }
    this.toClient(p.raw);
  }

  private toClient(bytes: Buffer): void {
    if (this.replyGate || this.replyQueue.length > 0) this.replyQueue.push(bytes);
    else if (!this.closed) this.client.write(bytes);
  }

  private flushReplies(): void {
    while (!this.replyGate && !this.closed && this.replyQueue.length > 0) this.client.write(this.replyQueue.shift()!);
  }
}
