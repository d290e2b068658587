/**
 * Watch mode, save to verdict: `lab.ts 5 --watch` runs until its first run of
 * all exercises has printed its verdict, then exercise 03 (write-through,
 * five checks) is rewritten with its own bytes and the time from the write to
 * the next verdict line is taken. The file's bytes and mtime are put back at
 * the end. Watch mode prints no machine-readable signal, so the verdict line
 * it prints after every run is the signal.
 */
import { spawn } from 'node:child_process';
import { readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { judge, median, type Comparison } from './model.js';

export interface WatchLatencyOptions {
  saves: number;
}

const AIM = { kind: 'absolute', maxMs: 500 } as const;
const EXERCISE = '03-write-through';
const FILE = join('labs', '05-elasticache-redis', 'exercises', `${EXERCISE}.ts`);

const HEADER = /^─── .*?(\d\d-[\w-]+|all exercises) ───$/;
const VERDICT = /(\d+)\/(\d+) checks pass across the exercises run so far/;

export interface WatchVerdict {
  /** The exercise the run's header named ("all exercises" for a full run). */
  exercise: string;
  pass: number;
  total: number;
}

/** Reads watch mode's output line by line and keeps every verdict with the run it closes. */
export class WatchOutput {
  readonly verdicts: WatchVerdict[] = [];
  private partial = '';
  private exercise = '?';

  feed(chunk: string): void {
    const lines = (this.partial + chunk).split('\n');
    this.partial = lines.pop() ?? '';
    for (const raw of lines) {
      const line = raw.trim();
      const header = HEADER.exec(line);
      if (header) this.exercise = header[1];
      const verdict = VERDICT.exec(line);
      if (verdict) this.verdicts.push({ exercise: this.exercise, pass: Number(verdict[1]), total: Number(verdict[2]) });
    }
  }
}

function until(test: () => boolean, timeoutMs: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const deadline = performance.now() + timeoutMs;
    const tick = () => {
      if (test()) resolve();
      else if (performance.now() > deadline) reject(new Error(`watch mode did not print ${what} within ${timeoutMs / 1000} s`));
      else setTimeout(tick, 5);
    };
    tick();
  });
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function benchWatchLatency(
  repoRoot: string,
  options: WatchLatencyOptions,
  env: NodeJS.ProcessEnv,
  progress: (line: string) => void,
): Promise<Comparison> {
  const started = performance.now();
  const path = join(repoRoot, FILE);
  const bytes = readFileSync(path);
  const { atime, mtime } = statSync(path);
  const output = new WatchOutput();
  let log = '';
  progress('watch-latency: starting lab.ts 5 --watch (engines start once)');
  const child = spawn(process.execPath, ['--import', 'tsx', 'checker/cli/lab.ts', '5', '--watch'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  let gone = false;
  void exited.then(() => (gone = true));
  child.stdout.setEncoding('utf8').on('data', (d: string) => output.feed(d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (log = (log + d).slice(-2000)));
  const latencies: number[] = [];
  try {
    await until(() => output.verdicts.length > 0 || gone, 300_000, 'its first verdict');
    if (gone) throw new Error(`watch mode exited before its first verdict: ${log.trim().split('\n').slice(-1)[0] ?? ''}`);
    for (let save = 1; save <= options.saves; save += 1) {
      // Idle: the previous run has printed and the watcher's write-finish poll has settled.
      await pause(1_000);
      progress(`watch-latency: save ${save}/${options.saves}`);
      const before = output.verdicts.length;
      const at = performance.now();
      writeFileSync(path, bytes);
      await until(() => output.verdicts.length > before || gone, 120_000, `a verdict after save ${save}`);
      if (gone) throw new Error('watch mode exited during the bench');
      latencies.push(performance.now() - at);
    }
  } finally {
    writeFileSync(path, bytes);
    utimesSync(path, atime, mtime);
    child.kill('SIGINT');
    await Promise.race([exited, pause(30_000)]);
    if (!gone) child.kill('SIGKILL');
  }
  const after = output.verdicts.slice(1);
  const judged = after.filter((v) => v.exercise === EXERCISE);
  const row = judge(
    {
      label: `save ${EXERCISE} to verdict`,
      how: `node --import tsx checker/cli/lab.ts 5 --watch; ${FILE} rewritten with its own bytes, write to the next verdict line on stdout`,
      figures: { ms: median(latencies), p50Ms: median(latencies), samples: latencies.length },
    },
    Number.NaN,
    AIM,
  );
  const notes = [
    `median of ${latencies.length} saves, 1 s idle before each, engines warm; the watcher waits for the file to stay unchanged 150 ms (chokidar awaitWriteFinish) before it runs: that wait is inside the figure`,
    `no native floor: watch mode does not report the checks' own time, so the figure stands alone against its absolute aim`,
    `runs after the saves: ${after.length}, of ${EXERCISE}: ${judged.length}` +
      (judged[0] ? ` (${judged[0].pass}/${judged[0].total} checks pass across the exercises run)` : ''),
  ];
  if (judged.length !== latencies.length) notes.push('a verdict came from another exercise than the one saved: the figure is suspect');
  return {
    id: 'watch-latency',
    title: 'Watch mode: save to verdict, one exercise (5 checks), engines warm',
    metric: 'median save to verdict',
    status: 'ran',
    rows: [row],
    notes,
    durationMs: performance.now() - started,
  };
}
