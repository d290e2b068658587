/**
 * Comparison 2: a primary-key SELECT through mysql2, against sysbench's
 * oltp_point_select on the same mariadbd. One connection, one query at a
 * time, uniformly random ids, the same warm-up time on both sides.
 */
import mysql, { type Connection } from 'mysql2/promise';
import type { Endpoints } from '../engines/endpoints.js';
import { connectMysql } from '../runner/connect.js';
import { CountingDb } from '../runner/counting-db.js';
import { summarise, type LatencySummary } from '../core/stats.js';
// eslint-disable-next-line import-x/no-restricted-paths -- the benchmark's workload is Lab 5's cache-aside on its seed data (issue 15 measures that hot path); a second lab would need a workload hook in the plug-in contract
import { USER_COUNT } from '../../labs/05-elasticache-redis/seed.js';
import { judge, median, type Comparison, type Measured } from './model.js';
import { parseSysbench, type SysbenchFigures } from './parse.js';
import { runTool } from './proc.js';
import { timeInterleaved } from './timing.js';

export interface PointSelectOptions {
  /** Alternating rounds; each runs sysbench, then each of our rows. */
  rounds: number;
  /** sysbench --time per round (whole seconds); the total is rounds × this. */
  nativeSeconds: number;
  /** How long our rows run per round, round-robin (one query each in turn). */
  oursSeconds: number;
  /** Warm-up on each side before the first round, in whole seconds. */
  warmupSeconds: number;
}

const SQL = 'SELECT id, name, email FROM users WHERE id = ?';
const AIM = { kind: 'ratio', max: 1.5 } as const;
const TABLE_SIZE = 10_000;

function sysbenchArgs(endpoints: Endpoints): string[] {
  const m = endpoints.mysql;
  return [
    'oltp_point_select',
    '--threads=1',
    `--mysql-host=${m.host}`,
    `--mysql-port=${m.port}`,
    `--mysql-user=${m.user}`,
    ...(m.password ? [`--mysql-password=${m.password}`] : []),
    `--mysql-db=${m.database}`,
    '--tables=1',
    `--table-size=${TABLE_SIZE}`,
  ];
}

export async function benchPointSelect(endpoints: Endpoints, bin: string, options: PointSelectOptions, progress: (line: string) => void): Promise<Comparison> {
  const started = performance.now();
  const base = sysbenchArgs(endpoints);
  let conn: Connection | undefined;
  let untraced: Connection | undefined;
  try {
    progress('point-select: sysbench prepare (10,000 rows in sbtest1)');
    await runTool(bin, [...base, 'cleanup'], { timeoutMs: 60_000 }).catch(() => undefined);
    await runTool(bin, [...base, 'prepare'], { timeoutMs: 120_000 });

    conn = await connectMysql(endpoints.mysql);
    const c = conn;
    const db = new CountingDb(c);
    // mysql2 captures a stack trace per query unless told not to; the kit's connectMysql turns that off (trace: false).
    const m = endpoints.mysql;
    untraced = await mysql.createConnection({ host: m.host, port: m.port, user: m.user, password: m.password, database: m.database });
    const traced = untraced;
    const paths: Array<{ label: string; how: string; run: (id: number) => Promise<unknown>; rounds: LatencySummary[] }> = [
      {
        label: 'mysql2 execute, default options',
        how: `conn.execute("${SQL}", [id]) with mysql2's defaults (a stack capture per query)`,
        run: (id) => traced.execute(SQL, [id]),
        rounds: [],
      },
      {
        label: 'mysql2 execute, trace: false',
        how: `conn.execute("${SQL}", [id]) on the kit's connection (connectMysql: trace: false)`,
        run: (id) => c.execute(SQL, [id]),
        rounds: [],
      },
      { label: 'mysql2 query (text protocol)', how: `conn.query("${SQL}", [id])`, run: (id) => c.query(SQL, [id]), rounds: [] },
      {
        label: 'harness ctx.db.query (CountingDb)',
        how: 'the Db an exercise receives: CountingDb.query → conn.execute (prepared) on the kit connection',
        run: (id) => db.query(SQL, [id]),
        rounds: [],
      },
    ];
    const runArgs = [...base, '--rand-type=uniform', `--time=${options.nativeSeconds}`, 'run'];
    const sysbenchRun = async (seconds: number) => {
      const args = [...base, '--rand-type=uniform', `--time=${seconds}`, 'run'];
      const out = await runTool(bin, args, { timeoutMs: (seconds + 60) * 1000 });
      const figures = parseSysbench(out.stdout);
      if (!figures) throw new Error(`could not read the latency from sysbench's output: ${out.stdout.trim().slice(-300)}`);
      return figures;
    };

    const tasks = paths.map((path) => path.run);
    const randomId = () => 1 + Math.floor(Math.random() * USER_COUNT);
    progress(`point-select: warm-up (${options.warmupSeconds} s per side)`);
    // sysbench 1.0 has no --warmup-time: its warm-up is a separate, discarded run as long as ours.
    await sysbenchRun(options.warmupSeconds);
    await timeInterleaved(tasks, { seconds: options.warmupSeconds }, randomId);

    const nativeRounds: SysbenchFigures[] = [];
    for (let round = 1; round <= options.rounds; round += 1) {
      progress(`point-select: round ${round}/${options.rounds} (sysbench ${options.nativeSeconds} s, then our rows round-robin for ${options.oursSeconds} s)`);
      nativeRounds.push(await sysbenchRun(options.nativeSeconds));
      const samples = await timeInterleaved(tasks, { seconds: options.oursSeconds }, randomId);
      paths.forEach((path, i) => path.rounds.push(summarise(samples[i])));
    }

    const events = nativeRounds.reduce((sum, r) => sum + r.events, 0);
    const native: Measured = {
      label: 'sysbench oltp_point_select',
      how: `sysbench ${runArgs.join(' ')} (SELECT c FROM sbtest1 WHERE id=?, server-side prepared)`,
      figures: {
        ms: median(nativeRounds.map((r) => r.avgMs)),
        avgMs: median(nativeRounds.map((r) => r.avgMs)),
        ...(nativeRounds.every((r) => r.percentile?.p === 95) ? { p95Ms: median(nativeRounds.map((r) => r.percentile?.ms ?? Number.NaN)) } : {}),
        samples: events,
        note: `per round, avg = latency sum / events (sysbench prints the avg rounded to 0.01 ms: ${nativeRounds.map((r) => r.avgPrintedMs).join(', ')})`,
      },
    };
    const rows = paths.map((path) =>
      judge(
        {
          label: path.label,
          how: path.how,
          figures: {
            ms: median(path.rounds.map((r) => r.mean)),
            avgMs: median(path.rounds.map((r) => r.mean)),
            p50Ms: median(path.rounds.map((r) => r.p50)),
            p95Ms: median(path.rounds.map((r) => r.p95)),
            p99Ms: median(path.rounds.map((r) => r.p99)),
            samples: path.rounds.reduce((sum, r) => sum + r.samples, 0),
          },
        },
        native.figures.ms,
        AIM,
      ),
    );
    await runTool(bin, [...base, 'cleanup'], { timeoutMs: 60_000 }).catch(() => undefined);
    return {
      id: 'point-select',
      title: 'Primary-key SELECT vs sysbench oltp_point_select (1 connection, sequential, uniform random ids; median of round averages)',
      metric: 'avg',
      status: 'ran',
      native,
      rows,
      notes: [
        `${options.rounds} rounds: sysbench ${options.nativeSeconds} s, then our rows round-robin (one query each in turn) for ${options.oursSeconds} s; ` +
          `figures are the median of the round averages, after ${options.warmupSeconds} s of warm-up on every side`,
      ],
      durationMs: performance.now() - started,
    };
  } finally {
    await conn?.end().catch(() => {});
    await untraced?.end().catch(() => {});
  }
}
