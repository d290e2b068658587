/**
 * Comparisons 4 and 5: the kit's load generator (checker/load) against
 * sysbench on the same mariadbd, the same sbtest1 table (made by `sysbench
 * prepare`), the same number of concurrent connections and uniformly random
 * ids. oltp_point_select is one primary-key SELECT per operation;
 * oltp_read_write is sysbench's 20-query transaction, which
 * readWriteTransaction repeats query for query. The ratio is ours / sysbench
 * in queries per second (higher is better).
 */
import type { Endpoints } from '../engines/endpoints.js';
import { runLoad, type LoadStatement, type LoadSummary } from '../load/load-generator.js';
import { pointSelect, readWriteTransaction, SBTEST_TABLE } from '../load/statements.js';
import { judgeThroughput, median, type Comparison, type Measured } from './model.js';
import { parseSysbench, type SysbenchFigures } from './parse.js';
import { runTool } from './proc.js';

export type LoadComparisonId = 'load-point-select' | 'load-read-write';

export interface LoadCompareOptions {
  /** Concurrent connections on both sides (sysbench --threads, our workers). */
  threads: number;
  /** Alternating rounds: sysbench, then ours. */
  rounds: number;
  /** Seconds per side per round. */
  seconds: number;
  warmupSeconds: number;
}

const TABLE_SIZE = 10_000;
const AIM = { kind: 'min-ratio', min: 0.7 } as const;

const SHAPE: Record<LoadComparisonId, { test: string; title: string; statement: () => LoadStatement; queriesPerOperation: number; what: string }> = {
  'load-point-select': {
    test: 'oltp_point_select',
    title: 'Load generator, point selects vs sysbench oltp_point_select',
    statement: () => pointSelect(SBTEST_TABLE, TABLE_SIZE),
    queriesPerOperation: 1,
    what: 'SELECT c FROM sbtest1 WHERE id=? (prepared), one per operation',
  },
  'load-read-write': {
    test: 'oltp_read_write',
    title: 'Load generator, read-write transactions vs sysbench oltp_read_write',
    statement: () => readWriteTransaction(SBTEST_TABLE, TABLE_SIZE),
    queriesPerOperation: 20,
    what: "sysbench's transaction query for query: BEGIN, 10 point selects, 4 range selects, 2 updates, DELETE + INSERT, COMMIT (20 queries)",
  },
};

function sysbenchArgs(endpoints: Endpoints, test: string, threads: number): string[] {
  const m = endpoints.mysql;
  return [
    test,
    `--threads=${threads}`,
    `--mysql-host=${m.host}`,
    `--mysql-port=${m.port}`,
    `--mysql-user=${m.user}`,
    ...(m.password ? [`--mysql-password=${m.password}`] : []),
    `--mysql-db=${m.database}`,
    '--tables=1',
    `--table-size=${TABLE_SIZE}`,
    '--rand-type=uniform',
  ];
}

/** Successful operations' queries per second (a failed transaction's queries are not counted). */
export function loadQps(summary: LoadSummary, queriesPerOperation: number): number {
  return ((summary.operations - summary.errors) * queriesPerOperation * 1000) / summary.elapsedMs;
}

export async function benchLoad(
  id: LoadComparisonId,
  endpoints: Endpoints,
  bin: string,
  options: LoadCompareOptions,
  progress: (line: string) => void,
): Promise<Comparison> {
  const started = performance.now();
  const shape = SHAPE[id];
  const base = sysbenchArgs(endpoints, shape.test, options.threads);
  const m = endpoints.mysql;
  const connection = { host: m.host, port: m.port, user: m.user, password: m.password, database: m.database };
  const sysbenchRun = async (seconds: number): Promise<SysbenchFigures> => {
    const out = await runTool(bin, [...base, `--time=${seconds}`, 'run'], { timeoutMs: (seconds + 60) * 1000 });
    const figures = parseSysbench(out.stdout);
    if (!figures?.qps) throw new Error(`could not read queries per second from sysbench's output: ${out.stdout.trim().slice(-300)}`);
    return figures;
  };
  const oursRun = (seconds: number) => runLoad({ connection, workers: options.threads, durationMs: seconds * 1000, statements: [shape.statement()] });

  try {
    progress(`${id}: sysbench prepare (${TABLE_SIZE.toLocaleString('en-US')} rows in sbtest1)`);
    await runTool(bin, [...base, 'cleanup'], { timeoutMs: 60_000 }).catch(() => undefined);
    await runTool(bin, [...base, 'prepare'], { timeoutMs: 120_000 });
    progress(`${id}: warm-up (${options.warmupSeconds} s per side, ${options.threads} connections)`);
    await sysbenchRun(options.warmupSeconds);
    await oursRun(options.warmupSeconds);

    const native: SysbenchFigures[] = [];
    const ours: LoadSummary[] = [];
    for (let round = 1; round <= options.rounds; round += 1) {
      progress(`${id}: round ${round}/${options.rounds} (sysbench ${options.seconds} s, then ours ${options.seconds} s, ${options.threads} connections each)`);
      native.push(await sysbenchRun(options.seconds));
      ours.push(await oursRun(options.seconds));
    }

    const nativeQps = median(native.map((r) => r.qps ?? Number.NaN));
    const nativeMeasured: Measured = {
      label: `sysbench ${shape.test}`,
      how: `sysbench ${[...base, `--time=${options.seconds}`, 'run'].join(' ')}, after prepare`,
      figures: {
        ms: median(native.map((r) => r.avgMs)),
        qps: nativeQps,
        avgMs: median(native.map((r) => r.avgMs)),
        ...(native.every((r) => r.percentile?.p === 95) ? { p95Ms: median(native.map((r) => r.percentile?.ms ?? Number.NaN)) } : {}),
        samples: native.reduce((sum, r) => sum + r.events, 0),
        note: 'latency per event (one query, or one 20-query transaction)',
      },
    };
    const errors = ours.reduce((sum, s) => sum + s.errors, 0);
    const oursMeasured: Measured = {
      label: `runLoad, ${options.threads} workers`,
      how: `runLoad({ workers: ${options.threads}, durationMs: ${options.seconds * 1000}, statements: [${shape.statement().name}] }) from checker/load: ${shape.what}`,
      figures: {
        ms: median(ours.map((s) => s.latency.meanMs)),
        qps: median(ours.map((s) => loadQps(s, shape.queriesPerOperation))),
        avgMs: median(ours.map((s) => s.latency.meanMs)),
        p95Ms: median(ours.map((s) => s.latency.p95Ms)),
        p99Ms: median(ours.map((s) => s.latency.p99Ms)),
        samples: ours.reduce((sum, s) => sum + s.operations, 0),
      },
    };
    const ignored = native.reduce((sum, r) => sum + (r.ignoredErrors ?? 0), 0);
    await runTool(bin, [...base, 'cleanup'], { timeoutMs: 60_000 }).catch(() => undefined);
    return {
      id,
      title: `${shape.title} (${options.threads} connections each, uniform random ids, sbtest1 of ${TABLE_SIZE.toLocaleString('en-US')} rows; median of ${options.rounds} rounds)`,
      metric: 'qps',
      status: 'ran',
      native: nativeMeasured,
      rows: [judgeThroughput(oursMeasured, nativeQps, AIM)],
      notes: [
        `${options.rounds} alternating rounds of ${options.seconds} s per side after ${options.warmupSeconds} s of warm-up on each; queries/s is the median of the rounds`,
        `errors: ours ${errors} failed operation(s) (not counted in queries/s); sysbench ${ignored} ignored error(s) (deadlocks it retries)`,
      ],
      durationMs: performance.now() - started,
    };
  } catch (err) {
    await runTool(bin, [...base, 'cleanup'], { timeoutMs: 60_000 }).catch(() => undefined);
    throw err;
  }
}
