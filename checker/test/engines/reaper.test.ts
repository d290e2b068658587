/**
 * The orphan reaper stops engines whose owner died, and nothing else: a pid
 * read from a stale dtl-engines-* folder is killed only when it is still our
 * redis-server or mariadbd working in that folder.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { locateEngineBinaries } from '../../engines/binaries.js';
import { freePort, reapOrphans } from '../../engines/local.js';

const started: ChildProcess[] = [];
let scratch: string;
const savedTmpdir = process.env.TMPDIR;

beforeEach(() => {
  // The reaper scans the temporary folder: give it one with only this test's folders in it.
  scratch = mkdtempSync(join(tmpdir(), 'dtl-reaper-'));
  process.env.TMPDIR = scratch;
});
afterEach(() => {
  // Assigning undefined to process.env stores the string "undefined": unset it instead.
  if (savedTmpdir === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmpdir;
});
afterAll(() => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

function deadPid(): number {
  return spawnSync('true').pid as number;
}

/** A dtl-engines-* folder whose owner is gone, listing `pids`. */
function staleFolder(pids: Record<string, number>): string {
  const dir = mkdtempSync(join(scratch, 'dtl-engines-'));
  mkdirSync(join(dir, 'pids'));
  writeFileSync(join(dir, 'owner.pid'), String(deadPid()));
  for (const [name, pid] of Object.entries(pids)) writeFileSync(join(dir, 'pids', name), String(pid));
  return dir;
}

function launch(command: string, args: string[]): ChildProcess {
  const child = spawn(command, args, { stdio: 'ignore' });
  started.push(child);
  return child;
}

async function redisIn(dir: string): Promise<ChildProcess> {
  const { redisServer } = locateEngineBinaries({ redis: true, mysql: false });
  const child = launch(redisServer, ['--port', String(await freePort()), '--bind', '127.0.0.1', '--save', '', '--dir', dir]);
  await sleep(300);
  return child;
}

const running = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

async function settle(): Promise<void> {
  await sleep(200);
}

describe('reapOrphans', () => {
  it('leaves alone a pid that now belongs to another program', async () => {
    const stranger = launch('sleep', ['60']);
    const dir = staleFolder({ redis: stranger.pid as number });
    reapOrphans();
    await settle();
    expect(running(stranger), 'the reaper killed a process that is not an engine').toBe(true);
    expect(existsSync(dir)).toBe(false);
  });

  it('leaves alone a redis-server working in another folder (another start of the kit)', async () => {
    const elsewhere = mkdtempSync(join(scratch, 'other-'));
    const other = await redisIn(elsewhere);
    staleFolder({ redis: other.pid as number });
    reapOrphans();
    await settle();
    expect(running(other), 'the reaper killed an engine that is not in its folder').toBe(true);
  });

  it('stops our redis-server whose owner died', async () => {
    const dir = mkdtempSync(join(scratch, 'dtl-engines-'));
    const orphan = await redisIn(dir);
    mkdirSync(join(dir, 'pids'));
    writeFileSync(join(dir, 'owner.pid'), String(deadPid()));
    writeFileSync(join(dir, 'pids', 'redis'), String(orphan.pid));
    expect(reapOrphans()).toBe(1);
    await settle();
    expect(running(orphan)).toBe(false);
    expect(existsSync(dir)).toBe(false);
  });
});
