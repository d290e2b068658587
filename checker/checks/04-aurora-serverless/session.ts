/**
 * Lab 4's exercise process: one database (a local mariadbd or the Aurora
 * Serverless v2 cluster), a table for the load to read, pooled counted Db
 * handles for the learner's workers, a paused-cluster stand-in for the
 * resume exercise, and the ramp measurement shown as a chart after a pass.
 */
import type { Connection } from 'mysql2/promise';
import type { Endpoints } from '../../engines/endpoints.js';
import type { RampPlan, ServerlessContext } from '../../exercise-api.js';
import { prepareSbtest } from '../../load/sbtest.js';
import { connectMysql } from '../../runner/connect.js';
import { LearnerCalls } from '../../runner/harness.js';
import { portable } from '../../runner/remote-forms.js';
import { learnerConnection } from '../replication-session.js';
import { EnginesUnreachable, PROGRESS_EVENT, progressBar, type LabSession, type SessionPurpose } from '../session.js';
import { EndpointProxy } from '../../engines/endpoint-proxy.js';
import { LoadDb, type LoadDbOptions, type LoadWindow } from './load-db.js';
import { PausedClusterProxy } from './paused-cluster.js';

export const LOAD_TABLE = 'load_items';
export const LOAD_ROWS = 1_000;

/** The ramp `npm run check -- 4` charts after a pass: short locally; on AWS the lesson's 7 steps of 15 s, back to back, step k with 10 x k workers. */
export const MEASURED_RAMP: Record<'local' | 'aws', RampPlan> = {
  local: { steps: 3, workersPerStep: 4, stepMs: 1_500 },
  aws: { steps: 7, workersPerStep: 10, stepMs: 15_000 },
};

export interface ContextOptions extends LoadDbOptions {
  /** Replaces the capacity reading (checks use scripted values to follow them through the learner's code). */
  sampleCapacity?: () => Promise<number | undefined>;
  /** Points ctx.connection at a paused-cluster stand-in. */
  via?: PausedClusterProxy;
  /** Replace the target's connect timeout and give-up time (probes that must end sooner). */
  connectTimeoutMs?: number;
  giveUpMs?: number;
}

/** A paused-cluster stand-in and, on the local target, the MySQL relay behind it that sees every statement. */
export interface PausedCluster {
  proxy: PausedClusterProxy;
  /** Undefined on AWS: the connection is TLS end to end, so statements cannot be read. */
  relay?: EndpointProxy;
}

export interface Instrumented {
  ctx: ServerlessContext;
  db: LoadDb;
  /** One window per capacity sample: what the workers did before each. */
  windows: LoadWindow[];
  /** Capacity values handed back to the learner, in order. */
  samples: Array<number | undefined>;
}

export type CapacitySampler = () => Promise<number | undefined>;

export class ServerlessHarness extends LearnerCalls {
  private readonly dbs: LoadDb[] = [];
  private readonly proxies: Array<PausedClusterProxy | EndpointProxy> = [];
  private readonly memos = new Map<string, Promise<unknown>>();
  /** Every runStep call the checks observed, oldest first (code that keeps counts across calls shows against them). */
  readonly stepsObserved: Array<{ queries: number }> = [];

  constructor(
    module: Record<string, unknown>,
    file: string,
    callTimeoutMs: number,
    readonly endpoints: Endpoints,
    /** The checker's own connection (none in the resume drill, which must not wake the cluster). */
    readonly sql: Connection | undefined,
    private readonly capacity: CapacitySampler,
  ) {
    super(module, file, callTimeoutMs);
  }

  get target(): 'local' | 'aws' {
    return this.endpoints.target;
  }

  context(options: ContextOptions = {}): Instrumented {
    const settings = learnerConnection(this.endpoints.mysql);
    const db = new LoadDb(settings, options);
    this.dbs.push(db);
    const windows: LoadWindow[] = [];
    const samples: Array<number | undefined> = [];
    const read = options.sampleCapacity ?? this.capacity;
    const ctx: ServerlessContext = {
      db,
      workload: {
        sql: `SELECT c FROM ${LOAD_TABLE} WHERE id = ?`,
        // Called synchronously by learner code in its own process: it travels as source (see remote-forms.ts).
        params: portable((rows: number) => [1 + Math.floor(Math.random() * rows)], LOAD_ROWS),
      },
      connection: options.via ? learnerConnection(this.endpoints.mysql, options.via.port, '127.0.0.1') : settings,
      connectTimeoutMs: options.connectTimeoutMs ?? (this.target === 'aws' ? 30_000 : 5_000),
      giveUpMs: options.giveUpMs ?? (this.target === 'aws' ? 60_000 : 10_000),
      async sampleCapacity() {
        windows.push(db.mark());
        const value = await read();
        samples.push(value);
        return value;
      },
    };
    return { ctx, db, windows, samples };
  }

  /**
   * A paused-cluster stand-in in front of the database (see paused-cluster.ts); locally with a MySQL relay
   * between it and the server, so checks see the statements the learner's connections send.
   */
  async pausedCluster(): Promise<PausedCluster> {
    const m = this.endpoints.mysql;
    const host = m.host === 'localhost' ? '127.0.0.1' : m.host;
    const relay = this.target === 'local' ? await EndpointProxy.start(m.port, host, { protocol: 'mysql' }) : undefined;
    if (relay) this.proxies.push(relay);
    const proxy = await PausedClusterProxy.start(relay ? '127.0.0.1' : host, relay ? relay.port : m.port);
    this.proxies.push(proxy);
    return { proxy, relay };
  }

  /** Runs `task` once per harness and hands every later caller the same outcome (several checks judge one run). */
  once<T>(key: string, task: () => Promise<T>): Promise<T> {
    if (!this.memos.has(key)) this.memos.set(key, task());
    return this.memos.get(key) as Promise<T>;
  }

  /** Ends the pools and proxies the last check opened. */
  async release(): Promise<void> {
    const dbs = this.dbs.splice(0);
    const proxies = this.proxies.splice(0);
    await Promise.allSettled([...dbs.map((d) => d.close()), ...proxies.map((p) => p.close())]);
  }

  override async dispose(): Promise<void> {
    await this.release();
  }
}

/** The load table the exercises query, filled once (kept when it already holds every row). */
export async function ensureLoadTable(sql: Connection): Promise<void> {
  const [rows] = await sql.query('SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?', [LOAD_TABLE]);
  if (Number((rows as Array<{ n: number }>)[0].n) > 0) {
    const [count] = await sql.query(`SELECT COUNT(*) AS n FROM ${LOAD_TABLE}`);
    if (Number((count as Array<{ n: number }>)[0].n) === LOAD_ROWS) return;
  }
  await prepareSbtest(sql, LOAD_ROWS, LOAD_TABLE);
}

export function capacitySampler(endpoints: Endpoints): CapacitySampler {
  if (endpoints.target !== 'aws' || !endpoints.aws) return async () => undefined;
  const aws = endpoints.aws;
  return async () => {
    // Loaded only on AWS, so local runs never load the SDK clients.
    const { sampleServerlessCapacity } = await import('../../aws/serverless-capacity.js');
    return sampleServerlessCapacity(aws);
  };
}

export async function openLab04(endpoints: Endpoints, purpose: SessionPurpose = {}): Promise<LabSession<ServerlessHarness>> {
  if (purpose.measure === 'resume-from-pause') return openForResume(endpoints);
  let sql: Connection;
  try {
    sql = await connectMysql(endpoints.mysql);
    await ensureLoadTable(sql);
  } catch (err) {
    const { host, port } = endpoints.mysql;
    throw new EnginesUnreachable(`Could not reach the database at ${host}:${port} (${endpoints.target} target): ${(err as Error).message}`);
  }
  const sampler = capacitySampler(endpoints);
  let current: ServerlessHarness | undefined;
  return {
    harness(module, file, callTimeoutMs) {
      current = new ServerlessHarness(module, file, callTimeoutMs, endpoints, sql, sampler);
      return current;
    },
    async reset() {
      await current?.release();
    },
    async measure(harness, name, signal) {
      if (name !== 'load-ramp') throw new Error(`Lab 4 has no measurement named ${name}`);
      const { measureRamp } = await import('./ramp-measurement.js');
      return measureRamp(harness, MEASURED_RAMP[endpoints.target], (done, total) => {
        void signal(`${PROGRESS_EVENT}${progressBar(done / total, `step ${done} of ${total}`)}`);
      });
    },
    async close() {
      await current?.release();
      await sql.end().catch(() => {});
    },
  };
}

/**
 * The resume drill's session: it must not touch the database before the
 * learner's measureResume does, or the checker itself would wake the cluster.
 */
function openForResume(endpoints: Endpoints): LabSession<ServerlessHarness> {
  let current: ServerlessHarness | undefined;
  const noChecks = () => Promise.reject(new Error('the resume drill session runs no checks'));
  return {
    harness(module, file, callTimeoutMs) {
      current = new ServerlessHarness(module, file, callTimeoutMs, endpoints, undefined, capacitySampler(endpoints));
      return current;
    },
    async reset() {
      await current?.release();
    },
    async measure(harness, name) {
      if (name !== 'resume-from-pause') return noChecks();
      // The real endpoint, no stand-in: the learner's first connection wakes the paused cluster.
      const { ctx } = harness.context();
      const started = performance.now();
      try {
        const reportedMs = await harness.callFor(ctx.giveUpMs + 10_000, 'measureResume', ctx);
        return { reportedMs: typeof reportedMs === 'number' ? reportedMs : undefined, callMs: Math.round(performance.now() - started) };
      } catch (err) {
        return { error: (err as Error).message, callMs: Math.round(performance.now() - started) };
      } finally {
        await harness.release();
      }
    },
    async close() {
      await current?.release();
    },
  };
}
