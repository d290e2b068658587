/**
 * Ctrl-C (SIGINT to the whole foreground process group, as a terminal sends
 * it), SIGTERM and SIGHUP against real kit commands on real engines: the
 * command stops within about a second with 130 / 143 / 129, says "Stopped",
 * records nothing from the cut-short run and leaves no process behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { ROOT, STACK_TRACE } from './helpers.js';

interface Command {
  child: ChildProcess;
  scratch: string;
  progressFile: string;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

/** A progress file in which Lab 5's exercise 01 passed earlier: a cut-short run must not turn it to fail. */
function seededProgress(dir: string): string {
  const file = join(dir, 'progress.json');
  const at = '2026-11-22T10:04:00.000Z';
  const entry = { status: 'pass', passedAt: at, firstPassedAt: at, lastRunAt: at, target: 'local', checks: { pass: 5, total: 5 } };
  writeFileSync(file, `${JSON.stringify({ version: 1, labs: { '5': { slug: 'elasticache-redis', exercises: { '01-redis-basics': entry } } } }, null, 2)}\n`);
  return file;
}

/** Starts a kit command in its own process group (so a group SIGINT reaches it and its children, never vitest) with a private TMPDIR. */
function start(script: 'check' | 'lab', args: string[], env: NodeJS.ProcessEnv = {}): Command {
  const scratch = mkdtempSync(join(tmpdir(), 'dtl-stop-'));
  const progressFile = seededProgress(scratch);
  const child = spawn(process.execPath, ['--import', 'tsx', `checker/cli/${script}.ts`, ...args], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, CI: 'true', NO_COLOR: '1', FORCE_COLOR: '0', TMPDIR: scratch, DTL_PROGRESS_FILE: progressFile, ...env },
  });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  return { child, scratch, progressFile, output: () => output, exited };
}

async function waitForOutput(command: Command, pattern: RegExp, ms = 90_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!pattern.test(command.output())) {
    if (Date.now() > deadline || command.child.exitCode !== null) throw new Error(`never printed ${pattern}:\n${command.output()}`);
    await sleep(20);
  }
}

/** Every process still running with this command's TMPDIR (engines, installs, exercise processes, their children). */
function processesOf(scratch: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
      if (!environ.split('\0').some((v) => v.startsWith(`TMPDIR=${scratch}`))) continue;
      if (readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z')) continue;
      found.push(`${pid} ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ')}`);
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}

/** Sends the signal and returns how the command ended; kills what is left so a failing test leaves nothing behind. */
async function interrupt(command: Command, signal: NodeJS.Signals, toGroup: boolean) {
  const sent = Date.now();
  process.kill(toGroup ? -(command.child.pid as number) : (command.child.pid as number), signal);
  const outcome = await Promise.race([command.exited, sleep(15_000).then(() => undefined)]);
  await sleep(300);
  const left = processesOf(command.scratch);
  if (!outcome) process.kill(-(command.child.pid as number), 'SIGKILL');
  for (const line of left) process.kill(Number(line.split(' ')[0]), 'SIGKILL');
  return { code: outcome?.code, ms: outcome ? outcome.at - sent : Infinity, left };
}

const EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

describe('a stop signal during npm run check', () => {
  for (const [signal, toGroup] of [
    ['SIGINT', true],
    ['SIGTERM', false],
    ['SIGHUP', false],
  ] as const) {
    it(`${signal}${toGroup ? ' (Ctrl-C: to the whole process group)' : ''} while checks run: stops within ~1 s, exit ${EXIT[signal]}, nothing recorded, nothing left running`, async () => {
      const command = start('check', ['5', '--target', 'local']);
      const before = readFileSync(command.progressFile, 'utf8');
      await waitForOutput(command, /Redis basics/);
      const { code, ms, left } = await interrupt(command, signal, toGroup);

      expect(code, command.output()).toBe(EXIT[signal]);
      expect(ms, 'took too long to stop').toBeLessThan(2_000);
      expect(command.output()).toMatch(/Stopped/);
      expect(command.output()).not.toMatch(/ended early|Something went wrong/);
      expect(command.output()).not.toMatch(STACK_TRACE);
      expect(readFileSync(command.progressFile, 'utf8'), 'the cut-short run was recorded').toBe(before);
      expect(left, 'processes left running').toEqual([]);
    });
  }

  it('Ctrl-C while "Starting ..." (MariaDB installing): a clean Stopped and 130, no engine, no temporary folder', async () => {
    // An empty cache of prepared data folders, so mariadb-install-db is what the signal interrupts.
    const command = start('check', ['1', '--target', 'local'], { DTL_CACHE_DIR: mkdtempSync(join(tmpdir(), 'dtl-stop-cache-')) });
    await waitForOutput(command, /Starting a MariaDB primary and replica/);
    await sleep(300);
    const { code, ms, left } = await interrupt(command, 'SIGINT', true);

    expect(code, command.output()).toBe(130);
    expect(ms).toBeLessThan(2_000);
    expect(command.output()).toMatch(/Stopped/);
    expect(command.output()).not.toMatch(/Something went wrong|stopped right after starting|ENOTEMPTY|could not initialise/);
    expect(left, 'processes left running').toEqual([]);
    expect(readdirSync(command.scratch).filter((name) => name.startsWith('dtl-engines-'))).toEqual([]);
  });
});

describe('a stop signal in watch mode', () => {
  it('Ctrl-C after a run: Stopped and 130, no ENOTEMPTY, no engine left', async () => {
    const command = start('lab', ['5', '--watch']);
    await waitForOutput(command, /checks pass across/);
    const { code, ms, left } = await interrupt(command, 'SIGINT', true);

    expect(code, command.output()).toBe(130);
    expect(ms).toBeLessThan(2_000);
    expect(command.output()).toMatch(/Stopped/);
    expect(command.output()).not.toMatch(/Something went wrong|ENOTEMPTY|stopped right after starting/);
    expect(left, 'processes left running').toEqual([]);
    expect(readdirSync(command.scratch).filter((name) => name.startsWith('dtl-engines-'))).toEqual([]);
  });
});
