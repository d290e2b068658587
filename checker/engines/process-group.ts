/**
 * The processes one start of the kit owns, in one private temporary folder.
 * Every process's pid is written under pids/, with the owner's pid beside
 * them, so a later start can stop engines whose owner died without stopping
 * them (kill -9, a closed terminal), and Ctrl-C never leaves one behind.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { EnvironmentError } from '../core/errors.js';
import { findExecutable } from './binaries.js';
import { exitOnStopSignals, onStop, RunStopped, stopRequested } from '../core/stop-signals.js';

const DIR_PREFIX = 'dtl-engines-';
const ENGINE_NAMES = ['redis-server', 'valkey-server', 'mariadbd', 'mysqld'];

/** The engine binaries by name and by the file they resolve to (Debian's redis-server is a link to redis-check-rdb). */
function engineBinaries(): Set<string> {
  const known = new Set(ENGINE_NAMES);
  for (const name of ENGINE_NAMES) {
    const found = findExecutable([name]);
    try {
      if (found) known.add(realpathSync(found));
    } catch {
      // a dangling link: the name alone is known
    }
  }
  return known;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function pidsIn(dir: string): number[] {
  const folder = join(dir, 'pids');
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .map((file) => Number(readFileSync(join(folder, file), 'utf8')))
    .filter((pid) => pid > 0);
}

/**
 * True only when `pid` is a redis-server or mariadbd working in `dir`: its
 * command line names the folder (mariadbd's --datadir) or it runs inside it
 * (redis-server rewrites its command line but keeps --dir as its working
 * folder). A pid the system has since given to another program is left alone.
 * Without /proc (macOS) nothing can be verified, so nothing is killed.
 */
export function isOurEngine(pid: number, dir: string): boolean {
  try {
    const exe = readlinkSync(`/proc/${pid}/exe`).replace(/ \(deleted\)$/, '');
    const known = engineBinaries();
    if (!known.has(exe) && !known.has(basename(exe))) return false;
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    if (cmdline.some((arg) => arg.includes(`${dir}/`) || arg.endsWith(dir))) return true;
    const cwd = readlinkSync(`/proc/${pid}/cwd`);
    return cwd === dir || cwd.startsWith(`${dir}/`);
  } catch {
    return false;
  }
}

/** Stops engines left behind by a process that no longer exists. */
export function reapOrphans(): number {
  let reaped = 0;
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith(DIR_PREFIX)) continue;
    const dir = join(tmpdir(), name);
    try {
      const owner = Number(readFileSync(join(dir, 'owner.pid'), 'utf8'));
      if (!owner || alive(owner)) continue;
      for (const pid of pidsIn(dir)) if (alive(pid) && isOurEngine(pid, dir)) process.kill(pid, 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      reaped += 1;
    } catch {
      // not ours, or already gone
    }
  }
  return reaped;
}

/** Sends a signal to a child's whole process group (it leads one: see spawn), or to the child alone. */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

const running = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

export class ProcessGroup {
  readonly dir: string;
  private readonly children = new Map<string, ChildProcess>();
  private readonly releases: Array<() => void> = [];
  private stopping?: Promise<void>;

  constructor(options: { stopOnSignals?: boolean } = {}) {
    reapOrphans();
    this.dir = mkdtempSync(join(tmpdir(), DIR_PREFIX));
    mkdirSync(join(this.dir, 'pids'));
    writeFileSync(join(this.dir, 'owner.pid'), String(process.pid));
    // Synchronous last resort: nothing async runs in 'exit'.
    const onExit = () => this.killAll();
    process.on('exit', onExit);
    this.releases.push(() => process.removeListener('exit', onExit));
    if (options.stopOnSignals) {
      exitOnStopSignals();
      this.releases.push(
        onStop(() => {
          this.killAll();
          return this.stop(0);
        }),
      );
    }
  }

  /**
   * Starts a process in its own process group, so a Ctrl-C at the terminal
   * reaches the kit alone and the kit stops its engines in order (instead of
   * each engine dying on its own while the kit still waits for it).
   */
  spawn(name: string, command: string, args: string[], options: SpawnOptions = {}): ChildProcess {
    if (this.stopping) throw stopRequested() ? new RunStopped() : new Error(`the engines in ${this.dir} were already stopped`);
    const child = spawn(command, args, { stdio: 'ignore', ...options, detached: true });
    // An error event (ENOENT, EACCES) also ends in 'exit' or is reported by the caller's wait.
    child.on('error', () => {});
    this.children.set(name, child);
    writeFileSync(join(this.dir, 'pids', name), String(child.pid));
    return child;
  }

  child(name: string): ChildProcess | undefined {
    return this.children.get(name);
  }

  /** Forgets a process that has ended by itself (an install step). */
  forget(name: string): void {
    this.children.delete(name);
    rmSync(join(this.dir, 'pids', name), { force: true });
  }

  /** Stops one process: SIGTERM, then SIGKILL after `graceMs` (at once with 0). */
  async stopOne(name: string, graceMs = 5_000): Promise<void> {
    const child = this.children.get(name);
    if (!child) return;
    this.forget(name);
    if (!running(child)) return;
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs);
      child.once('exit', () => {
        clearTimeout(force);
        resolve();
      });
      signalGroup(child, graceMs === 0 ? 'SIGKILL' : 'SIGTERM');
    });
  }

  /** Stops every process and removes the folder. Every caller waits for the same stop, so the folder goes only once all have exited. */
  stop(graceMs = 5_000): Promise<void> {
    this.stopping ??= (async () => {
      await Promise.all([...this.children.keys()].map((name) => this.stopOne(name, graceMs)));
      for (const release of this.releases) release();
      try {
        rmSync(this.dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
      } catch {
        // A leftover temporary folder is removed by the next start's reapOrphans.
      }
    })();
    return this.stopping;
  }

  /** SIGKILLs every process at once, synchronously. */
  killAll(): void {
    for (const child of this.children.values()) if (running(child)) signalGroup(child, 'SIGKILL');
  }
}

export function tail(path: string, lines = 5): string {
  try {
    const text = readFileSync(path, 'utf8').trim().split('\n');
    return `Last lines of ${path}: ${text.slice(-lines).join(' | ')}`;
  } catch {
    return '';
  }
}

/** What a readiness probe found on the engine's port. */
export type ProbeAnswer = 'ours' | 'someone-else' | 'nothing-yet';

export interface WaitForEngine {
  what: string;
  child: ChildProcess;
  probe: () => Promise<ProbeAnswer>;
  timeoutMs: number;
  logHint: () => string;
  /** True when the engine's log says its port was taken (it then exits by itself). */
  portTaken: () => boolean;
}

/**
 * Waits until the engine answers as itself. Resolves 'port-taken' when its
 * port turned out to belong to another program (the caller retries on a fresh
 * port); throws when it stopped for another reason or never became ready.
 */
export async function waitForEngine(wait: WaitForEngine): Promise<'ready' | 'port-taken'> {
  const deadline = Date.now() + wait.timeoutMs;
  while (Date.now() < deadline) {
    if (stopRequested()) throw new RunStopped();
    if (!running(wait.child)) {
      if (wait.portTaken()) return 'port-taken';
      throw new EnvironmentError(
        `${wait.what} stopped right after starting. ${wait.logHint()}`,
        'Check that the package is installed correctly (see docs/local-target.md).',
      );
    }
    const answer = await wait.probe().catch((): ProbeAnswer => 'nothing-yet');
    if (answer === 'ours') return 'ready';
    if (answer === 'someone-else') return 'port-taken';
    await sleep(50);
  }
  if (wait.portTaken()) return 'port-taken';
  throw new EnvironmentError(
    `${wait.what} did not become ready within ${Math.round(wait.timeoutMs / 1000)} s. ${wait.logHint()}`,
    'Is the machine very busy? Re-run; if it persists see docs/local-target.md.',
  );
}
