import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { copyFileSync, cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { lab05 } from '../../../labs/05-elasticache-redis/lab.js';
import { watchExercises } from '../../cli/watch.js';
import { makeChalk } from '../../cli/terminal.js';
import { ROOT, enginePidsUnder } from './helpers.js';

describe('watch mode', () => {
  it('re-runs an exercise when its file is saved (polling, as on WSL), and offers the reference once it passes', async () => {
    // A copy of the exercises: the repository's starting files stay untouched for the tests running beside this one.
    const dir = mkdtempSync(join(tmpdir(), 'dtl-watch-'));
    cpSync(join(ROOT, 'labs/05-elasticache-redis/exercises'), dir, { recursive: true });
    const file = join(dir, '04-invalidation.ts');
    const lines: string[] = [];
    {
      const watching = watchExercises(lab05, makeChalk({ noColor: true }), {
        dir,
        progressFile: join(dir, 'progress.json'),
        poll: true,
        maxRuns: 2,
        write: (t) => {
          lines.push(t);
          if (t.includes('checks pass across') && lines.filter((l) => l.includes('checks pass across')).length === 1) {
            // First full run done: save a solved version of exercise 4.
            copyFileSync(join(ROOT, 'solutions/05-elasticache-redis/exercises/04-invalidation.ts'), file);
          }
        },
      });
      await watching;
    }
    const runs = lines.filter((l) => l.startsWith('\n───') || l.startsWith('───') || l.includes('───'));
    expect(runs.length).toBe(2);
    expect(runs[1]).toContain('04-invalidation');
    const secondRun = lines.slice(lines.indexOf(runs[1]));
    expect(secondRun.join('\n')).toContain('✔ PASS  after an update user:<id> is deleted, every time, and nothing else');
    expect(secondRun.join('\n')).not.toContain('✘ FAIL  after an update user:<id> is deleted');
    expect(lines.slice(0, lines.indexOf(runs[1])).join('\n')).not.toContain('compare it with the reference');
    expect(secondRun.join('\n')).toContain(
      'Your version of 04 Invalidation on update passes: compare it with the reference in solutions/05-elasticache-redis/exercises/04-invalidation.ts',
    );
  });
});

describe('Ctrl-C', () => {
  it('stops the local engines it started: no orphan redis-server or mariadbd', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'dtl-sigint-'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'checker/cli/check.ts', '5', '--target', 'local', '--json'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CI: 'true', TMPDIR: scratch },
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    // Wait until the engines are up and checks are running.
    for (let i = 0; i < 200 && enginePidsUnder(scratch).length < 2; i += 1) await sleep(100);
    expect(enginePidsUnder(scratch).length).toBeGreaterThanOrEqual(2);
    await sleep(500);
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c, signal) => resolve(c ?? (signal ? 130 : null))));
    expect(code).not.toBe(0);
    for (let i = 0; i < 50 && enginePidsUnder(scratch).length > 0; i += 1) await sleep(100);
    expect(enginePidsUnder(scratch)).toEqual([]);
    expect(stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  });
});
