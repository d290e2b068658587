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
import { EnvironmentError, UsageError } from '../../core/errors.js';
import { runEnvironmentProblem } from '../environment.js';
import type { LoadSummary } from '../load-generator.js';
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
    [['--workers', '0'], /--workers must be a whole number from 1 to 1,000/],
    [['--workers', '1e9'], /--workers must be a whole number from 1 to 1,000 \(got "1e9"\)/],
    [['--workers', '5000'], /--workers must be a whole number from 1 to 1,000/],
    [['--workers', '2.5'], /--workers must be a whole number/],
    [['--duration=-1'], /--duration is in seconds/],
    [['--duration', 'Infinity'], /--duration is in seconds, above 0 and at most 86,400/],
    [['--duration', '1e3'], /--duration is in seconds/],
    [['--duration', '0'], /--duration is in seconds/],
    [['--operations', '0x10'], /--operations must be a whole number/],
    [['--rows', '100000000'], /--rows must be a whole number from 1 to 10,000,000/],
    [['--seed', 'abc'], /--seed must be a whole number from 0 to 4,294,967,295 \(got "abc"\)/],
    [['--seed', '-1'], /--seed needs a value, but the next argument "-1" starts with a dash/],
    [['--host', 'db', '--port', '99999999'], /--port must be a whole number from 1 to 65,535/],
    [['--host', 'db', '--port', ''], /--port was given an empty value/],
    [['--mix', 'write-only'], /--mix must be point-select, read-write or mixed/],
    [['--mix', 'mixed', '--writes', '120'], /--writes must be a whole number from 0 to 100/],
    [['--writes', '30'], /--writes sets the share of updates in --mix mixed/],
    [['--sql', 'SELECT 1', '--mix', 'read-write'], /--sql replaces --mix/],
    [['--port', '3306'], /go with --host/],
    [['--bogus'], /"--bogus" is not an option of `npm run load`/],
    [['extra'], /Unexpected "extra"/],
  ])('refuses %j with one usage error', (argv, message) => {
    expect(() => parseLoadFlags(argv)).toThrow(UsageError);
    expect(() => parseLoadFlags(argv)).toThrow(message);
  });
});

describe('npm run load at the process boundary', () => {
  function load(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'checker/load/cli.ts', ...args], {
        cwd: REPO_ROOT,
        env: { ...process.env, CI: 'true', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.once('exit', (code) => resolve({ code, stdout, stderr }));
    });
  }

  it('--help prints the options on stdout and exits 0', async () => {
    const run = await load(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: npm run load/);
    expect(run.stdout).toMatch(/--workers/);
    expect(run.stderr).toBe('');
  });

  it('a refused connection is an environment problem: exit 2, one paragraph, nothing run', async () => {
    const run = await load(['--host', '127.0.0.1', '--port', '1', '--duration', '1']);
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toMatch(
      /^The load generator could not connect to admin@127\.0\.0\.1:1\/labs: nothing is listening there \(connection refused\)\. Nothing was run\./,
    );
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('errors from the environment during a run make it exit 2, with the reason', () => {
    const summary = { workers: 500, operations: 1000, errors: 600, firstErrors: ['ER_CON_COUNT_ERROR: Too many connections'] } as LoadSummary;
    const problem = runEnvironmentProblem(summary, { host: 'db', port: 3306, user: 'u', password: '', database: 'labs' });
    expect(problem).toBeInstanceOf(EnvironmentError);
    expect(problem?.message).toMatch(/600 of 1000 operations failed because the server has too many connections/);
    expect(
      runEnvironmentProblem(
        { ...summary, firstErrors: ["ER_NO_SUCH_TABLE: Table 'labs.nope' doesn't exist"] },
        { host: 'db', port: 3306, user: 'u', password: '', database: 'labs' },
      ),
    ).toBeUndefined();
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
    const [rows] = await admin.query(
      "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID() AND USER <> 'system user' AND COMMAND <> 'Daemon'",
    );
    return Number((rows as Array<{ n: number }>)[0].n);
  }

  const run = (args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> => {
    const m = database.endpoints.mysql;
    return new Promise((resolve) => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', 'checker/load/cli.ts', '--host', m.host, '--port', String(m.port), '--user', m.user, '--database', m.database, ...args],
        {
          cwd: REPO_ROOT,
          env: { ...process.env, CI: 'true', MYSQL_PWD: m.password },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.once('exit', (code) => resolve({ code, stdout, stderr }));
    });
  };

  it('more workers than the server has connections for: exit 2 before the run, no connection left', async () => {
    const started = Date.now();
    const result = await run(['--workers', '450', '--duration', '5', '--rows', '1000', '--json']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--workers 450 needs 450 connections, but .* allows 400 \(max_connections\)/);
    expect(result.stderr).toMatch(/Lower --workers to \d+ or fewer/);
    expect(result.stdout).toBe('');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await otherConnections()).toBe(0);
  });

  it('a user the server refuses is an environment problem: exit 2 before the run', async () => {
    const result = await run(['--user', 'nobody_here', '--duration', '1', '--rows', '1000']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/could not connect to nobody_here@.*: the server refused the user or password\. Nothing was run\./);
  });

  it('a run where every operation failed exits 1, not 0', async () => {
    const result = await run(['--sql', 'SELECT c FROM no_such_table WHERE id=?', '--operations', '20', '--workers', '2', '--json']);
    expect(result.code).toBe(1);
    const summary = JSON.parse(result.stdout) as { operations: number; errors: number };
    expect(summary.errors).toBe(summary.operations);
  });

  it('Ctrl-C stops the run, prints the summary, exits 130 and leaves no connection open', async () => {
    const m = database.endpoints.mysql;
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'checker/load/cli.ts',
        '--host',
        m.host,
        '--port',
        String(m.port),
        '--user',
        m.user,
        '--database',
        m.database,
        '--workers',
        '5',
        '--duration',
        '60',
        '--rows',
        '1000',
        '--json',
      ],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, MYSQL_PWD: m.password },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    let seen = 0;
    for (let i = 0; i < 100 && seen < 5; i += 1) {
      await sleep(100);
      seen = await otherConnections();
    }
    expect(seen).toBe(5);
    // Connected is not yet working: on a busy machine the first statement can come later, so wait for some.
    const questions = async () => {
      const [rows] = await admin.query("SHOW GLOBAL STATUS LIKE 'Questions'");
      return Number((rows as Array<{ Value: string }>)[0].Value);
    };
    const before = await questions();
    for (let i = 0; i < 100 && (await questions()) - before < 100; i += 1) await sleep(50);
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    const summary = JSON.parse(stdout) as { aborted: boolean; workers: number; operations: number; errors: number };
    expect(summary).toMatchObject({ aborted: true, workers: 5, errors: 0 });
    expect(summary.operations).toBeGreaterThan(0);
    expect(await otherConnections()).toBe(0);
  });
});
