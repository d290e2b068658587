import { execSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Each test file's CLI runs keep their progress here, never in the repository's own file. */
export const PROGRESS_FILE = join(mkdtempSync(join(tmpdir(), 'dtl-progress-')), 'progress.json');

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a kit command the way CI does: no standard input, CI set, no TTY. */
export function runCli(script: 'check' | 'lab' | 'deploy', args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', `checker/cli/${script}.ts`, ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CI: 'true', NO_COLOR: '', FORCE_COLOR: '0', DTL_PROGRESS_FILE: PROGRESS_FILE, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

export const STACK_TRACE = /^\s+at .+:\d+:\d+\)?$/m;

/**
 * redis-server and mariadbd processes started under `dir`: their command line names it, or (redis-server
 * rewrites its command line) their working folder is inside it.
 */
export function enginePidsUnder(dir: string): string[] {
  let pids: string[];
  try {
    pids = execSync('pgrep -f "redis-server|mariadbd"', { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  } catch {
    return [];
  }
  return pids.filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dir) || readlinkSync(`/proc/${pid}/cwd`).startsWith(dir);
    } catch {
      return false;
    }
  });
}
