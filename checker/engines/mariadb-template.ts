/**
 * A prepared MariaDB data folder, built once per mariadbd version with
 * mariadb-install-db and copied for each server start: a copy takes a small
 * fraction of an install. It is built in a private folder and renamed into
 * place, so processes racing to build it never see half a folder: the first
 * rename wins and the others use the winner's.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, renameSync, rmSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { EngineBinaries } from './binaries.js';

/** Arguments of every data folder initialisation (the redo log at the servers' own 16 MB keeps the copy small). */
export const INSTALL_ARGS = ['--no-defaults', '--auth-root-authentication-method=normal', '--skip-test-db', '--innodb-log-file-size=16M'];

/** A build folder older than this belonged to a process that died mid-build. */
const STALE_BUILD_MS = 60 * 60 * 1000;

export function templateRoot(): string {
  if (process.env.DTL_CACHE_DIR) return process.env.DTL_CACHE_DIR;
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'data-tier-labs');
}

/** The template's name: the mariadbd binary, its version and the install arguments. */
async function templateName(bins: EngineBinaries): Promise<string> {
  const { stdout } = await promisify(execFile)(bins.mariadbd, ['--version'], { timeout: 10_000 });
  const hash = createHash('sha256')
    .update([realpathSync(bins.mariadbd), stdout.trim(), ...INSTALL_ARGS].join('\n'))
    .digest('hex');
  return `mariadb-${hash.slice(0, 16)}`;
}

function removeStaleBuilds(root: string): void {
  for (const name of readdirSync(root)) {
    if (!name.startsWith('.build-')) continue;
    try {
      if (Date.now() - statSync(join(root, name)).mtimeMs > STALE_BUILD_MS) rmSync(join(root, name), { recursive: true, force: true });
    } catch {
      // another process is removing it
    }
  }
}

/** Builds are shared inside one process too (Lab 3 starts three servers at once). */
const building = new Map<string, Promise<string | undefined>>();

/**
 * The prepared folder for these binaries, built with `install(dataDir)` when
 * missing. Resolves undefined when the cache folder cannot be used (read-only
 * home): the caller then installs straight into its own data folder.
 * Rejects with the install's own error when the install fails.
 */
export async function preparedDataFolder(bins: EngineBinaries, install: (dataDir: string) => Promise<void>): Promise<string | undefined> {
  let root: string;
  let name: string;
  try {
    root = templateRoot();
    name = await templateName(bins);
    mkdirSync(root, { recursive: true });
  } catch {
    return undefined;
  }
  const final = join(root, name);
  if (existsSync(final)) return final;
  const key = final;
  let pending = building.get(key);
  if (!pending) {
    pending = build(root, final, install).finally(() => building.delete(key));
    building.set(key, pending);
  }
  return pending;
}

async function build(root: string, final: string, install: (dataDir: string) => Promise<void>): Promise<string | undefined> {
  removeStaleBuilds(root);
  let workspace: string;
  try {
    workspace = mkdtempSync(join(root, '.build-'));
  } catch {
    return undefined;
  }
  try {
    await install(join(workspace, 'data'));
    try {
      renameSync(join(workspace, 'data'), final);
    } catch (err) {
      // Another process renamed its build into place first: use that one.
      if (!existsSync(final)) throw err;
    }
    return final;
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}
