/**
 * npm run load -- [--workers 8] [--duration 10 | --operations 50000] [--mix point-select|read-write|mixed]
 *                 [--writes 20] [--sql "SELECT ..."]... [--rows 10000] [--seed N] [--json]
 *                 [--host H --port P --user U --password W --database D]
 *
 * Drives a database with the kit's load generator and prints throughput and
 * latency percentiles. Without --host it starts a private MariaDB on this
 * machine, fills sysbench's sbtest1 table and stops the server afterwards.
 * Ctrl-C stops issuing, lets in-flight statements finish and prints the
 * summary of what ran. Exit 0 after a run, 1 when every operation failed,
 * 2 on a usage or environment error, 130 when stopped with Ctrl-C.
 */
import mysql from 'mysql2/promise';
import { parseArgs } from 'node:util';
import { UsageError } from '../core/errors.js';
import type { ConnectionSettings } from '../exercise-api.js';
import { runCommand } from '../cli/run-command.js';
import { startProgress } from '../cli/spinner.js';
import { say } from '../cli/terminal.js';
import { runLoad, type LoadStatement } from './load-generator.js';
import { startProgressBar } from './progress.js';
import { renderLoadSummary } from './render.js';
import { prepareSbtest } from './sbtest.js';
import { customStatement, pointSelect, readWriteMix, readWriteTransaction, SBTEST_ROWS, SBTEST_TABLE } from './statements.js';

export const LOAD_USAGE = [
  'Usage: npm run load -- [--workers 8] [--duration 10 | --operations N] [--mix point-select|read-write|mixed] [--writes 20]',
  '                       [--sql "SELECT c FROM sbtest1 WHERE id=?"]... [--rows 10000] [--seed N] [--json]',
  '                       [--host H --port P --user U --password W --database D]',
  '  --workers     concurrent workers, one connection each (default 8)',
  '  --duration    seconds to run (default 10 unless --operations is given)',
  '  --operations  total operations across all workers',
  '  --mix         point-select (sysbench oltp_point_select), read-write (oltp_read_write transactions),',
  '                or mixed (point selects and single-row updates, --writes percent of them updates)',
  '  --sql         your own statement (repeatable, replaces --mix); each ? gets a random id from 1 to --rows',
  '  --host ...    an existing database with an sbtest1 table; without it a private MariaDB is started and filled',
  '  --json        the summary as JSON on stdout, no progress bar',
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

function positiveInteger(name: string, raw: string | undefined, fallback?: number): number | undefined {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new UsageError(`--${name} must be a whole number of at least 1 (got "${raw}").`, LOAD_USAGE);
  return value;
}

export function parseLoadFlags(argv: string[]): LoadFlags {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
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
      },
    }));
  } catch (err) {
    throw new UsageError(`${(err as Error).message}.`, LOAD_USAGE);
  }
  const mix = values.mix ?? 'point-select';
  if (!['point-select', 'read-write', 'mixed'].includes(mix)) throw new UsageError(`--mix must be point-select, read-write or mixed (got "${mix}").`, LOAD_USAGE);
  const writes = values.writes === undefined ? 20 : Number(values.writes);
  if (!(writes >= 0 && writes <= 100)) throw new UsageError(`--writes is a percentage from 0 to 100 (got "${values.writes}").`, LOAD_USAGE);
  const seconds = values.duration === undefined ? undefined : Number(values.duration);
  if (seconds !== undefined && !(seconds > 0)) throw new UsageError(`--duration is in seconds and must be above 0 (got "${values.duration}").`, LOAD_USAGE);
  const operations = positiveInteger('operations', values.operations);
  const server = values.host
    ? {
        host: values.host,
        port: positiveInteger('port', values.port, 3306) as number,
        user: values.user ?? 'admin',
        password: values.password ?? process.env.MYSQL_PWD ?? '',
        database: values.database ?? 'labs',
      }
    : undefined;
  if (!values.host && (values.port || values.user || values.password || values.database)) throw new UsageError('--port, --user, --password and --database go with --host.', LOAD_USAGE);
  return {
    workers: positiveInteger('workers', values.workers, 8) as number,
    durationMs: seconds !== undefined ? seconds * 1000 : operations === undefined ? 10_000 : undefined,
    operations,
    mix: mix as LoadFlags['mix'],
    writes,
    sql: values.sql ?? [],
    rows: positiveInteger('rows', values.rows, SBTEST_ROWS) as number,
    seed: values.seed === undefined ? undefined : Number(values.seed),
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
    say(LOAD_USAGE);
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
    return summary.operations > 0 && summary.errors === summary.operations ? 1 : 0;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    await stop?.();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) void runCommand(main);
