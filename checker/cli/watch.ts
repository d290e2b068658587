/**
 * Watch mode: re-runs an exercise's checks each time its file is saved, on
 * engines started once. File events can go missing (WSL, network drives), so
 * --poll switches to polling and Enter always re-runs by hand. Ctrl-C stops the
 * engines and ends the command (see core/stop-signals.ts).
 */
import { join, basename } from 'node:path';
import { createInterface } from 'node:readline';
import chokidar from 'chokidar';
import type { ChalkInstance } from 'chalk';
import { labDir, type LabMeta } from '../core/lab.js';
import { overallStatus, summarise, type CheckResult } from '../core/result.js';
import { REPO_ROOT } from '../runner/run-exercise.js';
import { renderCheck, renderGroupHeader } from '../render/terminal.js';
import { runLabExercises } from './run-lab.js';
import { RunStopped, stopRequested } from '../core/stop-signals.js';
import { defaultProgressPath } from '../progress/state.js';
import { reportProgress } from './report-progress.js';
import { GLYPH, paint } from '../render/status.js';

export interface WatchOptions {
  poll?: boolean;
  write?: (text: string) => void;
  /** Stop after this many runs (tests); runs until Ctrl-C or q otherwise. */
  maxRuns?: number;
  /** Watch this folder instead of the lab's exercises folder (tests). */
  dir?: string;
  /** Record runs in this progress file; by default the learner's, and none when watching another folder. */
  progressFile?: string;
}

export async function watchExercises(lab: LabMeta, c: ChalkInstance, options: WatchOptions = {}): Promise<number> {
  const write = options.write ?? ((t: string) => process.stdout.write(`${t}\n`));
  const dir = options.dir ?? join(REPO_ROOT, labDir(lab), 'exercises');
  const progressFile = options.progressFile ?? (options.dir ? undefined : defaultProgressPath());
  const { startLocalFor } = await import('./targets.js');
  const engines = await startLocalFor(lab);
  const latest = new Map<string, CheckResult[]>();
  let runs = 0;
  let queue = Promise.resolve();

  const runOne = (exerciseId?: string) => {
    queue = queue
      .then(async () => {
        const doc = await runLabExercises(lab, { target: 'local', endpoints: engines.endpoints, exercise: exerciseId, exercisesDir: options.dir });
        if (stopRequested()) return;
        for (const check of doc.checks) latest.set(check.group ?? '', []);
        for (const check of doc.checks) latest.get(check.group ?? '')?.push(check);
        write(c.dim(`\n─── ${new Date().toLocaleTimeString()} ${exerciseId ?? 'all exercises'} ───`));
        let group: string | undefined;
        for (const check of doc.checks) {
          if (check.group !== group) {
            group = check.group;
            write(renderGroupHeader(c, lab.exercises.find((e) => e.id === group)?.title ?? group ?? ''));
          }
          write(renderCheck(c, check, false));
        }
        // As after npm run check: the run is recorded, and an exercise that has just passed gets its reference offered.
        if (progressFile) reportProgress(lab, doc, write, progressFile);
        const all = [...latest.values()].flat();
        const status = overallStatus(all);
        const s = summarise(all);
        write(
          `\n${paint(c, status, GLYPH[status])}  ${s.pass}/${all.length} checks pass across the exercises run so far. Save a file to re-run it; Enter re-runs all; q + Enter quits.`,
        );
        runs += 1;
      })
      .catch((err: unknown) => {
        // Ctrl-C cut the run short: the stop handler ends the process.
        if (!(err instanceof RunStopped)) throw err;
      });
    return queue;
  };

  const watcher = chokidar.watch(dir, {
    ignoreInitial: true,
    usePolling: Boolean(options.poll || process.env.DTL_POLL),
    interval: 500,
    awaitWriteFinish: { stabilityThreshold: 150, pollInterval: 50 },
  });
  const rl = process.stdin.isTTY ? createInterface({ input: process.stdin }) : undefined;
  const done = new Promise<void>((resolve) => {
    const finishIfDone = () => {
      if (options.maxRuns !== undefined && runs >= options.maxRuns) resolve();
    };
    watcher.on('change', (path) => {
      const id = basename(path).replace(/\.ts$/, '');
      if (lab.exercises.some((e) => e.id === id)) void runOne(id).then(finishIfDone);
    });
    rl?.on('line', (line) => {
      if (line.trim().toLowerCase() === 'q') resolve();
      else void runOne().then(finishIfDone);
    });
    void watcher.once('ready', () => {
      write(c.bold(`Watching ${options.dir ?? `${labDir(lab)}/exercises/`} ${options.poll || process.env.DTL_POLL ? '(polling)' : ''}`));
      write(c.dim('If saving a file does not re-run its checks (WSL, network drives, some editors), restart with --poll, or press Enter to re-run by hand.'));
      void runOne().then(finishIfDone);
    });
  });
  await done;
  rl?.close();
  await queue;
  await watcher.close();
  await engines.stop();
  return 0;
}
