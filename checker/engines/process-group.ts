/**
 * The processes one start of the kit owns, in one temporary folder. Every
 * process's pid is written under pids/, with the owner's pid beside them, so
 * a later start can stop engines whose owner died without stopping them
 * (kill -9, a closed terminal), and Ctrl-C never leaves one behind.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { EnvironmentError } from '../core/errors.js';

const DIR_PREFIX = 'dtl-engines-';

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

/** Stops engines left behind by a process that no longer exists. */
export function reapOrphans(): number {
  let reaped = 0;
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith(DIR_PREFIX)) continue;
    const dir = join(tmpdir(), name);
    try {
      const owner = Number(readFileSync(join(dir, 'owner.pid'), 'utf8'));
      if (!owner || alive(owner)) continue;
      for (const pid of pidsIn(dir)) if (alive(pid)) process.kill(pid, 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      reaped += 1;
    } catch {
      // not ours, or already gone
    }
  }
  return reaped;
}

export class ProcessGroup {
  readonly dir: string;
  private readonly children = new Map<string, ChildProcess>();
  private releaseSignals = () => {};

  constructor(options: { stopOnSignals?: boolean } = {}) {
    reapOrphans();
    this.dir = mkdtempSync(join(tmpdir(), DIR_PREFIX));
    mkdirSync(join(this.dir, 'pids'));
    writeFileSync(join(this.dir, 'owner.pid'), String(process.pid));
    if (options.stopOnSignals) this.releaseSignals = this.stopOnSignals();
  }

  spawn(name: string, command: string, args: string[], options: SpawnOptions = {}): ChildProcess {
    const child = spawn(command, args, { stdio: 'ignore', ...options });
    this.children.set(name, child);
    writeFileSync(join(this.dir, 'pids', name), String(child.pid));
    return child;
  }

  child(name: string): ChildProcess | undefined {
    return this.children.get(name);
  }

  /** Stops one process: SIGTERM, then SIGKILL after `graceMs`. */
  async stopOne(name: string, graceMs = 5_000): Promise<void> {
    const child = this.children.get(name);
    if (!child) return;
    this.children.delete(name);
    rmSync(join(this.dir, 'pids', name), { force: true });
    if (child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => child.kill('SIGKILL'), graceMs);
      child.once('exit', () => {
        clearTimeout(force);
        resolve();
      });
      child.kill(graceMs === 0 ? 'SIGKILL' : 'SIGTERM');
    });
  }

  async stop(): Promise<void> {
    this.releaseSignals();
    await Promise.all([...this.children.keys()].map((name) => this.stopOne(name)));
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Installs Ctrl-C, SIGTERM, SIGHUP and exit handlers; returns their removal. */
  stopOnSignals(): () => void {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      void this.stop().finally(() => {
        // Leave through the default handler so the shell sees the signal exit.
        process.kill(process.pid, signal);
      });
    };
    const onExit = () => {
      // Synchronous last resort: nothing async runs in 'exit'.
      for (const pid of pidsIn(this.dir)) if (alive(pid)) process.kill(pid, 'SIGKILL');
      rmSync(this.dir, { recursive: true, force: true });
    };
    const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
    for (const signal of signals) process.on(signal, onSignal);
    process.on('exit', onExit);
    return () => {
      // Keep the handlers while stopping on a signal, so a second Ctrl-C cannot cut the clean-up short.
      if (stopping) return;
      for (const signal of signals) process.removeListener(signal, onSignal);
      process.removeListener('exit', onExit);
    };
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

export async function waitFor(
  what: string,
  probe: () => Promise<boolean>,
  timeoutMs: number,
  child: ChildProcess,
  logHint: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new EnvironmentError(`${what} stopped right after starting. ${logHint()}`, 'Check that the package is installed correctly (see docs/local-target.md).');
    }
    if (await probe().catch(() => false)) return;
    await sleep(50);
  }
  throw new EnvironmentError(`${what} did not become ready within ${Math.round(timeoutMs / 1000)} s. ${logHint()}`, 'Is the machine very busy? Re-run; if it persists see docs/local-target.md.');
}
