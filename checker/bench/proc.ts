/**
 * Running the native tools and the timed CLI starts. Every child is tracked
 * so Ctrl-C (or SIGTERM) takes them down with the bench instead of leaving a
 * sysbench run hammering an engine that is being stopped.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { findExecutable } from '../engines/binaries.js';

const active = new Set<ChildProcess>();

function track(child: ChildProcess): ChildProcess {
  active.add(child);
  child.once('exit', () => active.delete(child));
  return child;
}

/** Sends SIGTERM to every child still running. */
export function killActiveChildren(): void {
  for (const child of active) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  }
}

export interface ToolResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export class ToolFailed extends Error {
  constructor(
    readonly tool: string,
    readonly result: ToolResult,
  ) {
    const tail = (result.stderr || result.stdout).trim().split('\n').slice(-3).join(' | ');
    super(`${tool} exited with ${result.signal ?? result.code}${tail ? `: ${tail}` : ''}`);
    this.name = 'ToolFailed';
  }
}

/** Runs a command to the end and collects its output; rejects on a non-zero exit. */
export function runTool(command: string, args: string[], options: { timeoutMs?: number; cwd?: string } = {}): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = track(spawn(command, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] }));
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = options.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), options.timeoutMs) : undefined;
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const result = { code, signal, stdout, stderr, ms: performance.now() - started };
      if (code === 0) resolve(result);
      else reject(new ToolFailed(command.split('/').pop() ?? command, result));
    });
  });
}

export interface StartTiming {
  /** Spawn to the first byte on stdout or stderr; undefined if it printed nothing. */
  firstByteMs?: number;
  /** Spawn to exit. */
  exitMs: number;
  code: number | null;
  firstLine: string;
}

/** Times one start of a command: to its first output byte and to its exit. */
export function timeStart(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<StartTiming> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = track(spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] }));
    let firstByteMs: number | undefined;
    let output = '';
    const onData = (d: Buffer) => {
      firstByteMs ??= performance.now() - started;
      if (output.length < 400) output += d.toString('utf8');
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      const exitMs = performance.now() - started;
      const firstLine = output.trim().split('\n')[0]?.slice(0, 160) ?? '';
      resolve({ firstByteMs, exitMs, code, firstLine });
    });
  });
}

/** The first line a tool prints for --version, or undefined when it is not installed. */
export function toolVersion(path: string, flag = '--version'): string | undefined {
  const out = spawnSync(path, [flag], { encoding: 'utf8', timeout: 10_000 });
  if (out.error) return undefined;
  return (out.stdout || out.stderr).trim().split('\n')[0];
}

export function findTool(name: string): string | undefined {
  return findExecutable([name]);
}

export interface RunTiming {
  /** Spawn to exit. */
  exitMs: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Times one run of a command to its exit, keeping its output; `onSpawn` gets the child (to watch its memory). */
export function timeRun(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; onSpawn?: (child: ChildProcess) => void },
): Promise<RunTiming> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = track(spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] }));
    options.onSpawn?.(child);
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGTERM'), options.timeoutMs ?? 600_000);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      const exitMs = performance.now() - started;
      // Output may still be draining: wait for the pipes to close before handing it back.
      child.once('close', () => resolve({ exitMs, code, stdout, stderr }));
    });
  });
}
