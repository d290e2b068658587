import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { EnvironmentError } from '../core/errors.js';

const EXTRA_DIRS = ['/usr/sbin', '/usr/local/sbin', '/usr/local/bin', '/opt/homebrew/bin', '/opt/homebrew/sbin'];

/** Finds the first executable among `names` on PATH or in the usual package locations. */
export function findExecutable(names: string[]): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...EXTRA_DIRS];
  for (const name of names) {
    for (const dir of dirs) {
      const candidate = join(dir, name);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not here; keep looking
      }
    }
  }
  return undefined;
}

export const INSTALL_HELP =
  'Install them from your system packages: on Debian/Ubuntu `sudo apt-get install -y redis-server mariadb-server`; ' +
  'on macOS `brew install redis mariadb`; with Docker, run the kit inside a `node:20-bookworm` container and apt-get install the same two packages there. ' +
  'The kit starts its own private copies on loopback; the system services do not need to run. See docs/local-target.md.';

export interface EngineBinaries {
  redisServer: string;
  mariadbd: string;
  installDb: string;
}

export function locateEngineBinaries(need: { redis: boolean; mysql: boolean }): EngineBinaries {
  const redisServer = findExecutable(['redis-server', 'valkey-server']);
  const mariadbd = findExecutable(['mariadbd', 'mysqld']);
  const installDb = findExecutable(['mariadb-install-db', 'mysql_install_db']);
  const missing: string[] = [];
  if (need.redis && !redisServer) missing.push('redis-server');
  if (need.mysql && !mariadbd) missing.push('mariadbd');
  if (need.mysql && !installDb) missing.push('mariadb-install-db');
  if (missing.length > 0) {
    throw new EnvironmentError(
      `The local target needs ${missing.join(', ')}, which ${missing.length === 1 ? 'is' : 'are'} not installed on this machine.`,
      INSTALL_HELP,
    );
  }
  return { redisServer: redisServer ?? '', mariadbd: mariadbd ?? '', installDb: installDb ?? '' };
}
