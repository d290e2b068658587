/**
 * A live progress bar for a load run, redrawn in place on a terminal. Quiet
 * (draws nothing) when the stream is not a TTY, in CI, or when asked to be
 * (--json), so piped output stays clean.
 */
import type { LoadProgress } from './load-generator.js';

export interface ProgressBar {
  /** Pass as LoadOptions.onProgress. */
  onProgress(p: LoadProgress): void;
  /** Clears the bar's line; call before printing the summary. */
  stop(): void;
}

export interface ProgressBarOptions {
  stream?: NodeJS.WriteStream;
  quiet?: boolean;
  /** Shown before the bar, e.g. "step 2/3". */
  label?: string;
  width?: number;
}

const grouped = (n: number) => Math.round(n).toLocaleString('en-US');

/** How far the run is, 0..1, by time or by operations (whichever ends it first); undefined when open-ended. */
export function fractionDone(p: LoadProgress): number | undefined {
  const parts: number[] = [];
  if (p.durationMs) parts.push(p.elapsedMs / p.durationMs);
  if (p.targetOperations) parts.push(p.operations / p.targetOperations);
  return parts.length ? Math.min(1, Math.max(0, ...parts)) : undefined;
}

/** One line of progress, without colour or control characters. */
export function progressLine(p: LoadProgress, width = 24, label?: string): string {
  const done = fractionDone(p) ?? 0;
  const filled = Math.round(done * width);
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.floor(done * 100)).padStart(3)}%`;
  const time = p.durationMs ? `${(p.elapsedMs / 1000).toFixed(1)}/${(p.durationMs / 1000).toFixed(0)} s` : `${(p.elapsedMs / 1000).toFixed(1)} s`;
  const ops = p.targetOperations ? `${grouped(p.operations)}/${grouped(p.targetOperations)} ops` : `${grouped(p.operations)} ops`;
  const parts = [bar, time, ops, `${grouped(p.opsPerSecond)} ops/s`, `${p.workers} workers`, `${grouped(p.errors)} errors`];
  return `${label ? `${label} ` : ''}${parts.join('  ')}`;
}

export function isQuietStream(stream: NodeJS.WriteStream): boolean {
  return !stream.isTTY || Boolean(process.env.CI);
}

export function startProgressBar(options: ProgressBarOptions = {}): ProgressBar {
  const stream = options.stream ?? process.stderr;
  if (options.quiet || isQuietStream(stream)) return { onProgress: () => {}, stop: () => {} };
  let drawn = false;
  return {
    onProgress(p) {
      const columns = stream.columns ?? 100;
      stream.write(`\r${progressLine(p, options.width ?? 24, options.label).slice(0, columns - 1)}\x1b[K`);
      drawn = true;
    },
    stop() {
      if (drawn) stream.write('\r\x1b[K');
      drawn = false;
    },
  };
}
