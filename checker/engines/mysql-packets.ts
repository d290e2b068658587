/**
 * Just enough of the MySQL client/server protocol for a relay to see which
 * statement a client sends and to answer for the server: framing, the
 * greeting's capability flags, command bytes and ERR packets.
 * https://mariadb.com/kb/en/clientserver-protocol/
 */

export interface Packet {
  seq: number;
  payload: Buffer;
  /** Header and payload, as they arrived. */
  raw: Buffer;
}

const MAX_PAYLOAD = 0xffffff;

/** Cuts a byte stream into packets; keeps the tail until it is complete. */
export class PacketFramer {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Packet[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const packets: Packet[] = [];
    while (this.pending.length >= 4) {
      const length = this.pending.readUIntLE(0, 3);
      if (this.pending.length < 4 + length) break;
      const raw = this.pending.subarray(0, 4 + length);
      packets.push({ seq: raw[3], payload: raw.subarray(4), raw });
      this.pending = this.pending.subarray(4 + length);
    }
    return packets;
  }
}

/** A packet that continues in the next one (payloads of 16 MiB - 1 are split). */
export const continues = (packet: Packet): boolean => packet.payload.length === MAX_PAYLOAD;

export function packet(seq: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(4);
  header.writeUIntLE(payload.length, 0, 3);
  header[3] = seq & 0xff;
  return Buffer.concat([header, payload]);
}

export const COMMAND = {
  quit: 0x01,
  initDb: 0x02,
  query: 0x03,
  ping: 0x0e,
  changeUser: 0x11,
  prepare: 0x16,
  execute: 0x17,
  closeStatement: 0x19,
  resetStatement: 0x1a,
} as const;

const COMMAND_NAMES = new Map<number, string>(Object.entries(COMMAND).map(([name, byte]) => [byte, name]));

export const commandName = (byte: number): string => COMMAND_NAMES.get(byte) ?? `0x${byte.toString(16).padStart(2, '0')}`;

/** Commands the server never answers. */
export const UNANSWERED = new Set<number>([COMMAND.quit, COMMAND.closeStatement]);

export const queryPacket = (sql: string): Buffer => packet(0, Buffer.concat([Buffer.from([COMMAND.query]), Buffer.from(sql, 'utf8')]));

export function errorPacket(seq: number, code: number, sqlState: string, message: string): Buffer {
  const head = Buffer.alloc(3);
  head[0] = 0xff;
  head.writeUInt16LE(code, 1);
  return packet(seq, Buffer.concat([head, Buffer.from(`#${sqlState.padEnd(5, '0').slice(0, 5)}`, 'latin1'), Buffer.from(message, 'utf8')]));
}

export const isOk = (p: Packet): boolean => p.payload[0] === 0x00;
export const isError = (p: Packet): boolean => p.payload[0] === 0xff;

const CLIENT_COMPRESS = 0x20;
const CLIENT_SSL = 0x800;

/**
 * The server's greeting with compression and TLS taken out of its
 * capabilities, so every client talks plain packets the relay can read
 * (the local engines have no TLS; a client that requires it is refused, as
 * it would be by a server without it).
 */
export function plainGreeting(greeting: Packet): Buffer {
  const payload = Buffer.from(greeting.payload);
  if (payload[0] !== 0x0a) return greeting.raw;
  const versionEnd = payload.indexOf(0, 1);
  if (versionEnd < 0) return greeting.raw;
  const flagsAt = versionEnd + 1 + 4 + 8 + 1;
  if (payload.length < flagsAt + 2) return greeting.raw;
  payload.writeUInt16LE(payload.readUInt16LE(flagsAt) & ~(CLIENT_COMPRESS | CLIENT_SSL), flagsAt);
  return packet(greeting.seq, payload);
}
