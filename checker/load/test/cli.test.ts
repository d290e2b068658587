/**
 * npm run load: flags parsed into a run (or one clear usage error), and
 * Ctrl-C on a real run against a real mariadbd: exit 130, the summary of what
 * ran, and no connection of the run left on the server.
 */
import { spawn } from 'node:child_process';
import mysql, { type Connection } from 'mysql2/promise';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../core/errors.js';
import { startLocalDatabase, type LocalDatabase } from '../../engines/local.js';
import { parseLoadFlags, statementsFor } from '../cli.js';
import { prepareSbtest } from '../sbtest.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

describe('parseLoadFlags', () => {
  it('defaults to 8 workers for 10 s of point selects on a private database', () => {
    const flags = parseLoadFlags([]);
    expect(flags).toMatchObject({ workers: 8, durationMs: 10_000, operations: undefined, mix: 'point-select', json: false });
    expect(flags.server).toBeUndefined();
    expect(statementsFor(flags).map((s) => s.name)).toEqual(['point-select']);
  });

  it('runs by operation count when only --operations is given, and reads the mixes', () => {
    expect(parseLoadFlags(['--operations', '500'])).toMatchObject({ operations: 500, durationMs: undefined });
    expect(statementsFor(parseLoadFlags(['--mix', 'read-write'])).map((s) => [s.name, s.queries])).toEqual([['read-write-transaction', 20]]);
    expect(statementsFor(parseLoadFlags(['--mix', 'mixed', '--writes', '30'])).map((s) => [s.name, s.weight])).toEqual([
      ['point-select', 70],
      ['index-update', 30],
    ]);
    expect(statementsFor(parseLoadFlags(['--sql', 'SELECT ?', '--sql', 'SELECT 2'])).map((s) => s.name)).toEqual(['sql-1', 'sql-2']);
  });

  it('takes an existing server with --host', () => {
    expect(parseLoadFlags(['--host', 'db.example', '--port', '3307', '--user', 'u', '--password', 'p', '--database', 'd']).server).toEqual({
      host: 'db.example',
      port: 3307,
      user: 'u',
      password: 'p',
      database: 'd',
    });
  });

  it.each([
    [['--workers', '0'], /--workers must be a whole number/],
    [['--duration=-1'], /--duration is in seconds/],
    [['--mix', 'write-only'], /--mix must be point-select, read-write or mixed/],
    [['--writes', '120'], /--writes is a percentage/],
    [['--port', '3306'], /go with --host/],
    [['--bogus'], /Unknown option/],
  ])('refuses %j with one usage error', (argv, message) => {
    expect(() => parseLoadFlags(argv)).toThrow(UsageError);
    expect(() => parseLoadFlags(argv)).toThrow(message);
  });
});

describe('npm run load on a real mariadbd', () => {
  let database: LocalDatabase;
  let admin: Connection;

  beforeAll(async () => {
    database = await startLocalDatabase();
    const { host, port, user, password, database: name } = database.endpoints.mysql;
    admin = await mysql.createConnection({ host, port, user, password, database: name });
    await prepareSbtest(admin, 1_000);
  });

  afterAll(async () => {
    await admin?.end();
    await database?.stop();
  });

  async function otherConnections(): Promise<number> {
    const [rows] = await admin.query("SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID() AND USER <> 'system user' AND COMMAND <> 'Daemon'");
    return Number((rows as Array<{ n: number }>)[0].n);
  }

  it('Ctrl-C stops the run, prints the summary, exits 130 and leaves no connection open', async () => {
    const m = database.endpoints.mysql;
    const child = spawn(process.execPath, ['--import', 'tsx', 'checker/load/cli.ts', '--host', m.host, '--port', String(m.port), '--user', m.user, '--database', m.database, '--workers', '5', '--duration', '60', '--rows', '1000', '--json'], {
      cwd: REPO_ROOT,
      env: { ...process.env, MYSQL_PWD: m.password },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    let seen = 0;
    for (let i = 0; i < 100 && seen < 5; i += 1) {
      await sleep(100);
      seen = await otherConnections();
    }
    expect(seen).toBe(5);
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    const summary = JSON.parse(stdout) as { aborted: boolean; workers: number; operations: number; errors: number };
    expect(summary).toMatchObject({ aborted: true, workers: 5, errors: 0 });
    expect(summary.operations).toBeGreaterThan(0);
    expect(await otherConnections()).toBe(0);
  });
});
