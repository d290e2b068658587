/** What the Lab 2 checks share: Db handles that keep a log of what learner code sent, and which server answered. */
import type { Connection } from 'mysql2/promise';
import type { ReplicaContext } from '../../../exercise-api.js';
import { CheckFailed } from '../../../runner/harness.js';
import { CountingDb } from '../../../runner/counting-db.js';
import { LAG_PROBE_GIVE_UP_MS, type ReplicationHarness } from '../../replication-session.js';
import { show } from '../../show-value.js';

/** Markers the kit's seed leaves in lag_markers: a probe must find its own and leave these alone. */
export const CHECKER_MARKERS = ['checker-marker-1', 'checker-marker-2'];

/** One statement learner code sent through a Db handle, timed on the checker's clock. */
export interface SentStatement {
  sql: string;
  params: unknown[];
  startedAt: number;
  endedAt?: number;
  error?: string;
}

/** A Db handle that logs every statement: what was sent, with which params, when it was answered. */
export class ObservedDb extends CountingDb {
  readonly log: SentStatement[] = [];

  constructor(conn: Connection) {
    super(conn);
  }

  override async query<Row = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<Row[]> {
    const sent: SentStatement = { sql: String(sql), params: Array.isArray(params) ? [...params] : [], startedAt: performance.now() };
    this.log.push(sent);
    try {
      return await super.query<Row>(sql, params);
    } catch (err) {
      sent.error = (err as Error).message;
      throw err;
    } finally {
      sent.endedAt = performance.now();
    }
  }

  /** The statements sent since `since` (a checker timestamp). */
  sentSince(since: number): SentStatement[] {
    return this.log.filter((s) => s.startedAt >= since);
  }
}

export interface ObservedContext {
  ctx: ReplicaContext;
  primary: ObservedDb;
  replica: ObservedDb;
}

/** A fresh ReplicaContext whose handles log what learner code sends. */
export function observedContext(h: ReplicationHarness, stickyMs = 2_000): ObservedContext {
  const primary = new ObservedDb(h.learnerPrimary);
  const replica = new ObservedDb(h.learnerReplica);
  return { primary, replica, ctx: { primary, replica, stickyMs, giveUpMs: LAG_PROBE_GIVE_UP_MS } };
}

/** A statement as a check quotes it: its first words on one line. */
export function quoted(sql: string): string {
  const line = sql.replace(/\s+/g, ' ').trim();
  return `"${line.length > 48 ? `${line.slice(0, 45)}...` : line}"`;
}

export function serverIdIn(rows: unknown, what: string): number {
  const first = Array.isArray(rows) ? (rows[0] as Record<string, unknown> | undefined) : undefined;
  const value = first ? ('Value' in first ? first.Value : Object.values(first)[0]) : undefined;
  const id = Number(value);
  if (!Number.isFinite(id)) throw new CheckFailed(`${what} returned ${show(rows)}, not the rows of SELECT @@server_id`);
  return id;
}

export const whichServer = (id: number, primary: number, replica: number): string =>
  id === primary ? `the primary (server ${id})` : id === replica ? `the replica (server ${id})` : `server ${id}`;
