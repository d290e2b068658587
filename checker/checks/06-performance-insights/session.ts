/**
 * Lab 6's exercise process: the checker's own connection (to read the
 * digests and reset the tables), one for learner code, the settings the
 * workload's pool connects with, and the baseline the fix is judged against:
 * rows examined per call of the hot query on the unindexed table, measured
 * on this server at the start of the run.
 */
import mysql, { type Connection } from 'mysql2/promise';
import { DIGEST_TABLE, ORDERS_FOR_CUSTOMER_SQL, resetDatabase } from '../../../labs/06-performance-insights/seed.js';
import { forLearner, type Endpoints } from '../../engines/endpoints.js';
import type { ConnectionSettings, TopSqlContext } from '../../exercise-api.js';
import { connectMysql } from '../../runner/connect.js';
import { CheckFailed, LearnerCalls, type Attempt } from '../../runner/harness.js';
import { LearnerError } from '../../runner/learner-call.js';
import { learnerConnection } from '../replication-session.js';
import { EnginesUnreachable, type LabSession, PROGRESS_EVENT, progressBar } from '../session.js';
import {
  avgMs,
  clearDigests,
  combine,
  digestsSince,
  isBookkeeping,
  isCourseStatement,
  isPlantedStatement,
  perCall,
  readDigests,
  SLOW_ONCE_SQL,
  type DigestRow,
} from './digests.js';
import { measureTopSqlFix } from './measure.js';
import { TextProtocolDb } from './text-db.js';
import { runWorkload, type HotQuery, type WorkloadOptions, type WorkloadRun } from './workload.js';

export interface Baseline {
  /** Rows examined per call of the starting hot query on the unindexed table. */
  rowsExaminedPerCall: number;
  rowsSentPerCall: number;
  avgMs: number;
}

export interface MeasuredWorkload {
  run: WorkloadRun;
  /** Every digest the workload added, ranked by total time. */
  digests: DigestRow[];
  /** The digests of the hot query's statements (whatever text the learner gave them), summed. */
  hot: DigestRow;
  hotStatements: DigestRow[];
}

const BASELINE_CUSTOMERS = [11, 22, 33];
/** A schema change on 100,000 rows may take seconds on a busy machine or a small instance. */
const MIGRATE_TIMEOUT_MS = 8_000;
/** How long after migrate returns its statements are looked at (an index build on 100,000 rows takes far longer). */
const IN_FLIGHT_GRACE_MS = 30;

/** What migrate(db) did, as the Db it was handed saw it. */
export interface MigrateRun {
  outcome: Attempt<unknown>;
  /** Every statement migrate sent. */
  sent: string[];
  /** Statements still running on the server when migrate returned. */
  inFlight: string[];
}

export class InsightsHarness extends LearnerCalls {
  constructor(
    module: Record<string, unknown>,
    file: string,
    callTimeoutMs: number,
    /** The checker's own connection, never handed to learner code. */
    readonly sql: Connection,
    private readonly learnerSql: Connection,
    /** What the workload's pool connects with. */
    readonly connection: ConnectionSettings,
    readonly baseline: () => Baseline,
  ) {
    super(module, file, callTimeoutMs);
  }

  /** Exercise 1's context: a Db for learner code, and the digest table's name. */
  topSqlContext(): TopSqlContext {
    return { db: new TextProtocolDb(this.learnerSql), digestTable: DIGEST_TABLE };
  }

  learnerDb(): TextProtocolDb {
    return new TextProtocolDb(this.learnerSql);
  }

  digests(): Promise<DigestRow[]> {
    return readDigests(this.sql);
  }

  /**
   * The digests once the server has folded in every statement that already
   * answered: it records a statement just after sending its result, so a
   * reading taken the moment a workload ends can miss the last one.
   */
  async settledDigests(): Promise<DigestRow[]> {
    const calls = (rows: DigestRow[]) => rows.filter((d) => !isBookkeeping(d.digestText)).reduce((sum, d) => sum + d.calls, 0);
    let previous = await this.digests();
    for (let i = 0; i < 50; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      const next = await this.digests();
      if (calls(next) === calls(previous)) return next;
      previous = next;
    }
    return previous;
  }

  clearDigests(): Promise<void> {
    return clearDigests(this.sql);
  }

  /** Runs the learner's migrate(db) on the learner's connection. */
  async migrate(): Promise<Attempt<unknown>> {
    return (await this.migrateWatched()).outcome;
  }

  /** Runs migrate(db) and notes what it sent, and what was still running when it returned. */
  async migrateWatched(): Promise<MigrateRun> {
    const db = this.learnerDb();
    let outcome: Attempt<unknown>;
    try {
      outcome = { ok: true, value: await this.callFor(MIGRATE_TIMEOUT_MS, 'migrate', db) };
    } catch (err) {
      if (!(err instanceof LearnerError)) throw err;
      outcome = { ok: false, error: err };
    }
    // A statement sent just before migrate returned may reach this side a moment after its return does.
    await new Promise((resolve) => setTimeout(resolve, IN_FLIGHT_GRACE_MS));
    return { outcome, inFlight: db.inFlight(), sent: [...db.sent] };
  }

  /** Exercise 1's slow statement: one call that takes `ms` on the server. */
  async runSlowOnce(ms: number): Promise<void> {
    await this.sql.query(SLOW_ONCE_SQL, [Math.round(ms) / 1000]);
  }

  /** A Db on a learner connection of its own, for checks that make its queries fail; closed by `end`. */
  async separateDb(): Promise<{ db: TextProtocolDb; conn: Connection; end: () => Promise<void> }> {
    const conn = await mysql.createConnection({ ...this.connection, connectTimeout: 5_000 } as mysql.ConnectionOptions);
    return { db: new TextProtocolDb(conn), conn, end: () => conn.end().catch(() => conn.destroy()) };
  }

  /** The learner's ordersForCustomer, under the same time limit as any call. */
  readonly learnerHotQuery: HotQuery = (db, customerId) => this.call('ordersForCustomer', db, customerId);

  /** The starting code's query, as the checker runs it for its own reference workload. */
  readonly referenceHotQuery: HotQuery = (db, customerId) => db.query(ORDERS_FOR_CUSTOMER_SQL, [customerId]);

  /** Runs the workload and reads what it added to the digests. */
  async measureWorkload(options: Omit<WorkloadOptions, 'connection'>): Promise<MeasuredWorkload> {
    await this.clearDigests();
    const before = await this.digests();
    const run = await runWorkload({ ...options, connection: this.connection });
    const digests = digestsSince(before, await this.settledDigests());
    const hotStatements = digests.filter((d) => !isCourseStatement(d.digestText) && !isBookkeeping(d.digestText));
    return { run, digests, hot: combine(hotStatements), hotStatements };
  }
}

/** Rows examined per call of the starting query on the unindexed table, as this server reports them. */
async function measureBaseline(sql: Connection): Promise<Baseline> {
  const before = await readDigests(sql);
  for (const customer of BASELINE_CUSTOMERS) await sql.query(ORDERS_FOR_CUSTOMER_SQL, [customer]);
  const planted = digestsSince(before, await readDigests(sql)).find((d) => isPlantedStatement(d.digestText));
  if (!planted) throw new Error(`the server recorded no digest for the hot query in ${DIGEST_TABLE}: is the statements_digest consumer off?`);
  return {
    rowsExaminedPerCall: perCall(planted.rowsExamined, planted.calls),
    rowsSentPerCall: perCall(planted.rowsSent, planted.calls),
    avgMs: avgMs(planted),
  };
}

async function performanceSchemaOn(sql: Connection): Promise<boolean> {
  const [rows] = await sql.query('SELECT @@performance_schema AS on_');
  return Number((rows as Array<{ on_: unknown }>)[0]?.on_) === 1;
}

export async function openLab06(endpoints: Endpoints): Promise<LabSession<InsightsHarness>> {
  let sql: Connection;
  let learnerSql: Connection;
  try {
    [sql, learnerSql] = await Promise.all([connectMysql(endpoints.mysql), connectMysql(forLearner(endpoints.mysql))]);
  } catch (err) {
    const { host, port } = endpoints.mysql;
    throw new EnginesUnreachable(`Could not reach the database at ${host}:${port} (${endpoints.target} target): ${(err as Error).message}`);
  }
  const close = () => Promise.allSettled([sql.end(), learnerSql.end()]).then(() => undefined);
  if (!(await performanceSchemaOn(sql).catch(() => false))) {
    await close();
    throw new EnginesUnreachable(
      `performance_schema is off on ${endpoints.mysql.host}:${endpoints.mysql.port}, so there are no statement digests to read. ` +
        'Locally the kit starts mariadbd with it on; on RDS turn on Performance Insights (or set performance_schema = 1 in the parameter group) and reboot.',
    );
  }
  let baseline: Baseline | undefined;
  const reset = async () => {
    await resetDatabase(sql);
    baseline ??= await measureBaseline(sql);
    await clearDigests(sql);
  };
  try {
    await reset();
  } catch (err) {
    await close();
    throw new EnginesUnreachable(`Could not prepare Lab 6's tables on ${endpoints.mysql.host}:${endpoints.mysql.port}: ${(err as Error).message}`);
  }
  const settings = learnerConnection(endpoints.mysql);
  const knownBaseline = () => {
    if (!baseline) throw new CheckFailed('the baseline of the hot query was not measured');
    return baseline;
  };
  return {
    harness: (module, file, callTimeoutMs) => new InsightsHarness(module, file, callTimeoutMs, sql, learnerSql, settings, knownBaseline),
    reset,
    async measure(harness, name, signal) {
      if (name !== 'top-sql-fix') throw new Error(`Lab 6 has no measurement named ${name}`);
      let last = '';
      return measureTopSqlFix(harness, reset, (label, fraction) => {
        const line = progressBar(fraction, label);
        if (line !== last) void signal(`${PROGRESS_EVENT}${(last = line)}`);
      });
    },
    close,
  };
}
