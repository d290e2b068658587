/**
 * npm run load -- [--workers 8] [--duration 10 | --operations 50000] [--mix point-select|read-write|mixed]
 *                 [--writes 20] [--sql "SELECT ..."]... [--rows 10000] [--seed N] [--json]
 *                 [--host H --port P --user U --password W --database D]
 *
 * Drives a database with the kit's load generator and prints throughput and
 * latency percentiles. Without --host it starts a private MariaDB on this
 * machine, fills sysbench's sbtest1 table and stops the server afterwards.
 * Ctrl-C stops issuing, lets in-flight statements finish and prints the
 * summary of what ran. Exit 0 after a run, 1 when every operation failed (or
 * none ran), 2 on a usage or environment error (refused, too many
 * connections, wrong password: also when found mid-run), 130 when stopped with Ctrl-C.
 */
import mysql from 'mysql2/promise';
import { UsageError } from '../core/errors.js';
import { parseCommandLine } from '../core/command-line.js';
import { echo } from '../core/echo.js';
import { checkServer, runEnvironmentProblem } from './environment.js';
import type { ConnectionSettings } from '../exercise-api.js';
import { runCommand } from '../core/run-command.js';
import { startProgress } from '../core/spinner.js';
import { say } from '../core/terminal.js';
import { runLoad, type LoadStatement } from './load-generator.js';
import { startProgressBar } from './progress.js';
import { renderLoadSummary } from './render.js';
import { prepareSbtest } from './sbtest.js';
import { customStatement, pointSelect, readWriteMix, readWriteTransaction, SBTEST_ROWS, SBTEST_TABLE } from './statements.js';

export const LOAD_USAGE =
  'Usage: npm run load -- [--workers N] [--duration S | --operations N] [--mix point-select|read-write|mixed] [--host H ...] [--json]; npm run load -- --help lists every option.';

export const LOAD_HELP = [
  'Usage: npm run load -- [--workers 8] [--duration 10 | --operations N]',
  '                       [--mix point-select|read-write|mixed] [--writes 20]',
  '                       [--sql "SELECT c FROM sbtest1 WHERE id=?"]... [--rows 10000]',
  '                       [--seed N] [--json]',
  '                       [--host H --port P --user U --password W --database D]',
  '  --workers     concurrent workers, one connection each (default 8; at most 1000,',
  '                and no more than the server has free connections)',
  '  --duration    seconds to run, up to 86400 (default 10 unless --operations is given)',
  '  --operations  total operations across all workers',
  '  --mix         point-select (sysbench oltp_point_select),',
  '                read-write (oltp_read_write transactions), or mixed (point selects and',
  '                single-row updates, --writes percent of them updates, 0 to 100)',
  '  --sql         your own statement (repeatable, replaces --mix);',
  '                each ? gets a random id from 1 to --rows',
  '  --seed        a whole number from 0 to 4294967295: the same seed picks the same ids',
  '  --host ...    an existing database with an sbtest1 table;',
  '                without it a private MariaDB is started and filled',
  '  --json        the summary as JSON on stdout, no progress bar',
  'Exit codes: 0 after a run, 1 when every operation failed, 2 usage or environment problem,',
  '130 stopped with Ctrl-C.',
].join('\n');

export interface LoadFlags {
  workers: number;
  durationMs?: number;
  operations?: number;
  mix: 'point-select' | 'read-write' | 'mixed';
  writes: number;
  sql: string[];
  rows: number;
  seed?: number;
  json: boolean;
  help: boolean;
  server?: ConnectionSettings;
}

/** Bounds that keep a run inside what one machine and one server can do (a typo like 1e9 workers must not reach the pool). */
export const LOAD_LIMITS = {
  workers: { min: 1, max: 1_000 },
  operations: { min: 1, max: 1_000_000_000 },
  rows: { min: 1, max: 10_000_000 },
  writes: { min: 0, max: 100 },
  seed: { min: 0, max: 4_294_967_295 },
  port: { min: 1, max: 65_535 },
  durationSeconds: { min: 0.001, max: 86_400 },
} as const;

function wholeNumber(name: keyof typeof LOAD_LIMITS, raw: string | undefined, fallback?: number): number | undefined {
  if (raw === undefined) return fallback;
  const { min, max } = LOAD_LIMITS[name];
  const value = /^\d{1,15}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(value >= min && value <= max)) {
    throw new UsageError(
      `--${name} must be a whole number from ${min.toLocaleString('en-US')} to ${max.toLocaleString('en-US')} (got ${echo(raw)}).`,
      LOAD_USAGE,
    );
  }
  return value;
}

function durationMs(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const { min, max } = LOAD_LIMITS.durationSeconds;
  const seconds = /^\d{1,6}(\.\d{1,3})?$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(seconds >= min && seconds <= max)) {
    throw new UsageError(`--duration is in seconds, above 0 and at most ${max.toLocaleString('en-US')} (24 hours) (got ${echo(raw)}).`, LOAD_USAGE);
  }
  return Math.round(seconds * 1000);
}

const LOAD_OPTIONS = {
  workers: { type: 'string' },
  duration: { type: 'string' },
  operations: { type: 'string' },
  mix: { type: 'string' },
  writes: { type: 'string' },
  sql: { type: 'string', multiple: true },
  rows: { type: 'string' },
  seed: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  host: { type: 'string' },
  port: { type: 'string' },
  user: { type: 'string' },
  password: { type: 'string' },
  database: { type: 'string' },
} as const;

export function parseLoadFlags(argv: string[], env: NodeJS.ProcessEnv = process.env): LoadFlags {
  const { values } = parseCommandLine(argv, LOAD_OPTIONS, { script: 'load', usage: LOAD_USAGE, allowEmpty: ['password'] }, env);
  const mix = values.mix ?? 'point-select';
  if (!['point-select', 'read-write', 'mixed'].includes(mix))
    throw new UsageError(`--mix must be point-select, read-write or mixed (got ${echo(mix)}).`, LOAD_USAGE);
  if (values.sql && values.mix !== undefined) throw new UsageError('--sql replaces --mix: give one or the other.', LOAD_USAGE);
  if (values.writes !== undefined && mix !== 'mixed')
    throw new UsageError('--writes sets the share of updates in --mix mixed; the other mixes would ignore it.', LOAD_USAGE);
  const writes = wholeNumber('writes', values.writes, 20) as number;
  const operations = wholeNumber('operations', values.operations);
  const server = values.host
    ? {
        host: values.host,
        port: wholeNumber('port', values.port, 3306) as number,
        user: values.user ?? 'admin',
        password: values.password ?? env.MYSQL_PWD ?? '',
        database: values.database ?? 'labs',
      }
    : undefined;
  if (!values.host && (values.port !== undefined || values.user !== undefined || values.password !== undefined || values.database !== undefined)) {
    throw new UsageError('--port, --user, --password and --database go with --host.', LOAD_USAGE);
  }
  const duration = durationMs(values.duration);
  return {
    workers: wholeNumber('workers', values.workers, 8) as number,
    durationMs: duration ?? (operations === undefined ? 10_000 : undefined),
    operations,
    mix: mix as LoadFlags['mix'],
    writes,
    sql: values.sql ?? [],
    rows: wholeNumber('rows', values.rows, SBTEST_ROWS) as number,
    seed: wholeNumber('seed', values.seed),
    json: Boolean(values.json),
    help: Boolean(values.help),
    server,
  };
}

export function statementsFor(flags: LoadFlags): LoadStatement[] {
  if (flags.sql.length > 0) return flags.sql.map((sql, i) => customStatement(sql, flags.sql.length === 1 ? 'sql' : `sql-${i + 1}`, flags.rows));
  if (flags.mix === 'read-write') return [readWriteTransaction(SBTEST_TABLE, flags.rows)];
  if (flags.mix === 'mixed') return readWriteMix(flags.writes, SBTEST_TABLE, flags.rows);
  return [pointSelect(SBTEST_TABLE, flags.rows)];
}

async function main(): Promise<number> {
  const flags = parseLoadFlags(process.argv.slice(2));
  if (flags.help) {
    process.stdout.write(`${LOAD_HELP}\n`);
    return 0;
  }
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = () => {
    interrupts += 1;
    if (interrupts > 1) process.exit(130);
    if (!flags.json) process.stderr.write('\nStopping: letting in-flight statements finish (Ctrl-C again to quit at once)...\n');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let stop: (() => Promise<void>) | undefined;
  try {
    let connection = flags.server;
    if (!connection) {
      const { startLocalDatabase } = await import('../engines/local.js');
      const progress = startProgress(`Starting MariaDB and filling ${SBTEST_TABLE} with ${flags.rows.toLocaleString('en-US')} rows`, flags.json);
      // Our own signal handler aborts the run first; the server is stopped in the finally below.
      const database = await startLocalDatabase().catch((err) => {
        progress.fail();
        throw err;
      });
      stop = database.stop;
      const m = database.endpoints.mysql;
      connection = { host: m.host, port: m.port, user: m.user, password: m.password, database: m.database };
      const conn = await mysql.createConnection(connection);
      try {
        await prepareSbtest(conn, flags.rows);
      } finally {
        await conn.end();
      }
      progress.succeed(`Local MariaDB on 127.0.0.1:${m.port}, ${SBTEST_TABLE} filled`);
    }
    if (controller.signal.aborted) return 130;
    await checkServer(connection, flags.workers);
    const bar = startProgressBar({ quiet: flags.json });
    const summary = await runLoad({
      connection,
      workers: flags.workers,
      durationMs: flags.durationMs,
      operations: flags.operations,
      statements: statementsFor(flags),
      seed: flags.seed,
      signal: controller.signal,
      onProgress: bar.onProgress,
    }).finally(() => bar.stop());
    if (flags.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    else say(renderLoadSummary(summary));
    if (summary.aborted) return 130;
    const problem = runEnvironmentProblem(summary, connection);
    if (problem) throw problem;
    // Every operation failed (or none ran): the statements did not work, which is not a successful run.
    return summary.errors === summary.operations ? 1 : 0;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    await stop?.();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) void runCommand(main);
