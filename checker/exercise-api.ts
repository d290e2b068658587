/**
 * The types every lab's exercise functions receive (one context per lab,
 * named below). The checker builds them; your code only uses them. Keep to
 * these members: the checker watches what goes through them from outside
 * your code, counting database queries and injecting faults.
 */
import type { Redis } from 'ioredis';

export interface Db {
  /** Runs one SQL statement with `?` placeholders and resolves to its rows. */
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
}

/** What Lab 5 exercises receive. */
export interface LabContext {
  /** A connected ioredis client (TLS and AUTH already set up on AWS). */
  redis: Redis;
  /** The MySQL/MariaDB database holding the `users` table. */
  db: Db;
  /** How long cache entries may live, in seconds. Never cache longer than this. */
  ttlSeconds: number;
}

export interface User {
  id: number;
  name: string;
  email: string;
}

/** mysql2 connection options for a database endpoint (TLS options included on AWS). */
export interface ConnectionSettings {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  ssl?: Record<string, unknown>;
}

/** What Lab 1 exercises receive: where the database endpoint is, and how long a connection attempt may take. */
export interface EndpointContext {
  /** Spread into mysql.createConnection({ ...ctx.connection, connectTimeout }). */
  connection: ConnectionSettings;
  /** Give up on an attempt after this many milliseconds: for connect() the connection, for a probe the whole attempt (connect and query). */
  timeoutMs: number;
}

/** What Lab 2 exercises receive: the primary and a read replica, each a Db. */
export interface ReplicaContext {
  primary: Db;
  replica: Db;
  /** Read-your-writes: how long after a user's write their reads stay on the primary. */
  stickyMs: number;
  /** Lag probe: how long after the call to keep polling before giving up (30 000 in production code; the checks use a few seconds). */
  giveUpMs: number;
}

/**
 * What Lab 3 exercises receive: an Aurora cluster's endpoints as mysql2
 * connection settings, and how to ask a server who it is.
 */
export interface ClusterContext {
  /** The cluster endpoint: follows the writer (through DNS, so it can lag behind a failover). */
  writer: ConnectionSettings;
  /** The reader endpoint: spreads new connections over the readers. */
  reader: ConnectionSettings;
  /** An instance endpoint by instance id (the SERVER_ID of the topology, @@aurora_server_id). */
  instance(serverId: string): ConnectionSettings;
  /** Every instance id the cluster had when the check started. */
  instanceIds: string[];
  /** Returns one row { server_id, read_only } naming the server that ran it. */
  identitySql: string;
  /** The topology view: SERVER_ID, SESSION_ID ('MASTER_SESSION_ID' on the writer's row), ... */
  topologyTable: string;
  /**
   * In milliseconds: how long a connection attempt may take (connectTimeout, every exercise) and,
   * in exercises 02 and 03, how long a statement may wait for its answer (the query's `timeout`).
   */
  timeoutMs: number;
}

/** What `identify` reports about the server behind a connection. */
export interface ServerIdentity {
  serverId: string;
  readOnly: boolean;
}

/** What Lab 6's first exercise receives: a Db, and where the server keeps its statement digests. */
export interface TopSqlContext {
  /** Statements sent through it go over the text protocol, so the digests count them like any client's. */
  db: Db;
  /** performance_schema.events_statements_summary_by_digest (the same table on MariaDB and RDS MySQL). */
  digestTable: string;
}

/** One statement digest of top SQL, timers in milliseconds. */
export interface TopSqlRow {
  /** The normalised statement text (DIGEST_TEXT): literals replaced by `?`. */
  digestText: string;
  calls: number;
  totalMs: number;
  avgMs: number;
  rowsExamined: number;
  rowsSent: number;
}

/** A row of Lab 6's orders table, as the hot query returns it. */
export interface Order {
  id: number;
  customer_id: number;
  status: string;
  total: string;
  created_at: Date;
}

/** What Lab 4 exercises receive: a database that takes many queries at once, and how to read its capacity. */
export interface ServerlessContext {
  /** Pooled: each query in flight gets its own connection, so N workers awaiting one query each put N on the server. */
  db: Db;
  /** One unit of load: `ctx.db.query(ctx.workload.sql, ctx.workload.params())`. */
  workload: { sql: string; params(): unknown[] };
  /** Where the cluster is, for connections of your own (measureResume): spread into mysql.createConnection. */
  connection: ConnectionSettings;
  /** Give up on one connection attempt after this many milliseconds. */
  connectTimeoutMs: number;
  /** Stop waiting for a resume after this many milliseconds in all. */
  giveUpMs: number;
  /** The cluster's capacity now, in ACUs (ServerlessDatabaseCapacity); undefined where there is none to read (local target). */
  sampleCapacity(): Promise<number | undefined>;
}

/** What one load step reports (Lab 4): every query sent is an operation, every failed one also an error. */
export interface StepResult {
  workers: number;
  operations: number;
  errors: number;
  elapsedMs: number;
  /** Set by rampLoad: the capacity sampled right after the step. */
  capacity?: number;
}

/** A ramp (Lab 4): step k runs k x workersPerStep workers for stepMs. */
export interface RampPlan {
  steps: number;
  workersPerStep: number;
  stepMs: number;
}
