/**
 * The prepared MariaDB data folder: built once per mariadbd version, copied
 * for every server start, safe when several processes race to build it, and
 * skipped (a plain install) when no cache folder can be written.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startLocalDatabase } from '../../engines/local.js';
import { ROOT } from '../cli/helpers.js';

afterEach(() => {
  vi.unstubAllEnvs();
});

function startDatabaseIn(cacheDir: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'checker/test/fixtures/start-database.ts'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, DTL_CACHE_DIR: cacheDir },
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

describe('the prepared MariaDB data folder', () => {
  it('three processes racing to build it all start, and leave one complete folder behind', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'dtl-cache-'));
    const runs = await Promise.all([1, 2, 3].map(() => startDatabaseIn(cache)));
    for (const run of runs) {
      expect(run.output).toContain('started');
      expect(run.code).toBe(0);
    }
    const left = readdirSync(cache);
    expect(left.filter((name) => name.startsWith('mariadb-'))).toHaveLength(1);
    expect(left.filter((name) => name.startsWith('.build-'))).toEqual([]);
  });

  it('is copied for the next start instead of installing again', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'dtl-cache-'));
    vi.stubEnv('DTL_CACHE_DIR', cache);
    const first = await startLocalDatabase();
    await first.stop();
    const [template] = readdirSync(cache).filter((name) => name.startsWith('mariadb-'));
    writeFileSync(join(cache, template, 'copied-from-the-template'), '');
    const second = await startLocalDatabase();
    try {
      expect(existsSync(join(second.dir, 'mariadb', 'copied-from-the-template'))).toBe(true);
      const conn = await mysql.createConnection({
        host: second.endpoints.mysql.host,
        port: second.endpoints.mysql.port,
        user: second.endpoints.mysql.user,
        password: second.endpoints.mysql.password,
      });
      try {
        const [rows] = await conn.query('SELECT COUNT(*) AS users FROM mysql.global_priv WHERE User = "root"');
        expect((rows as Array<{ users: number }>)[0].users).toBeGreaterThan(0);
      } finally {
        await conn.end();
      }
    } finally {
      await second.stop();
    }
  });

  it('without a writable cache folder, installs straight into the data folder', async () => {
    const blocker = join(mkdtempSync(join(tmpdir(), 'dtl-cache-')), 'a-file');
    writeFileSync(blocker, '');
    vi.stubEnv('DTL_CACHE_DIR', join(blocker, 'cache'));
    const database = await startLocalDatabase();
    try {
      expect(existsSync(join(database.dir, 'mariadb', 'mysql'))).toBe(true);
    } finally {
      await database.stop();
    }
  });
});
