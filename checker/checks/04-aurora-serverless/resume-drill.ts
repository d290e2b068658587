/**
 * Lab 4's resume drill on AWS: wait until the cluster has auto-paused (its
 * ServerlessDatabaseCapacity reads 0), then let the learner's measureResume
 * wake it and time the first answer. The checker times the same call from
 * outside, so a figure that was not measured shows.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { CheckResult } from '../../core/result.js';

export const RESUME_CHECK = { id: '04.drill.resume', name: 'resume from pause, timed by your measureResume' } as const;

export interface PauseWait {
  paused: boolean;
  waitedMs: number;
  /** The last capacity read (ACUs), when there was one. */
  lastCapacity?: number;
}

export interface ResumeFigures {
  /** What the learner's measureResume returned (ms). */
  reportedMs?: number;
  /** How long the call took, timed by the checker around it (ms). */
  callMs?: number;
  error?: string;
}

export interface WaitOptions {
  timeoutMs: number;
  intervalMs: number;
  onWaiting?: (line: string) => void;
  wait?: (ms: number) => Promise<unknown>;
  now?: () => number;
}

/** Polls the capacity until it reads 0 (paused) or the time is up. Nothing here opens a database connection, which would keep the cluster awake. */
export async function waitForPause(sample: () => Promise<number | undefined>, options: WaitOptions): Promise<PauseWait> {
  const now = options.now ?? Date.now;
  const wait = options.wait ?? sleep;
  const started = now();
  let lastCapacity: number | undefined;
  for (;;) {
    const value = await sample().catch(() => undefined);
    if (typeof value === 'number') lastCapacity = value;
    const waitedMs = now() - started;
    if (value === 0) return { paused: true, waitedMs, lastCapacity };
    if (waitedMs >= options.timeoutMs) return { paused: false, waitedMs, lastCapacity };
    options.onWaiting?.(
      `Waiting for the cluster to pause (auto-pause after 5 idle minutes; CloudWatch lags about a minute): ` +
        `${Math.round(waitedMs / 1000)} s so far, capacity ${lastCapacity === undefined ? 'not published yet' : `${lastCapacity} ACU`}`,
    );
    await wait(options.intervalMs);
  }
}

export function resumeCheck(pause: PauseWait, figures?: ResumeFigures): CheckResult {
  const base = { ...RESUME_CHECK, group: 'drill', durationMs: pause.waitedMs + (figures?.callMs ?? 0) };
  if (!pause.paused) {
    return {
      ...base,
      status: 'error',
      message: `the cluster had not paused after ${Math.round(pause.waitedMs / 60_000)} min (capacity ${pause.lastCapacity ?? 'unknown'} ACU), so there was no resume to time`,
      hint: 'Any open connection keeps it awake: close SQL clients and tunnels to other tools, check that the minimum capacity is 0 with auto-pause on, then run the drill again.',
    };
  }
  if (!figures || figures.error || typeof figures.reportedMs !== 'number' || typeof figures.callMs !== 'number') {
    return {
      ...base,
      status: 'fail',
      message: `your measureResume did not report a resume time${figures?.error ? `: ${figures.error}` : ''}`,
      hint: 'Complete exercise 03 first: npm run check -- 4 --exercise 03',
    };
  }
  const { reportedMs, callMs } = figures;
  const seconds = (v: number) => `${(v / 1000).toFixed(1)} s`;
  // The call also connects through the tunnel and returns; the figure cannot exceed it, and should be most of it.
  if (reportedMs > callMs + 50 || reportedMs < callMs / 2) {
    return {
      ...base,
      status: 'fail',
      message: `your measureResume reported ${seconds(reportedMs)}, but the call took ${seconds(callMs)} from start to return: time from the first attempt to the first answer`,
      hint: 'Start the clock before the first connection attempt and stop it when SELECT 1 answers.',
    };
  }
  return {
    ...base,
    status: 'pass',
    message: `the cluster paused after ${Math.round(pause.waitedMs / 1000)} s of waiting and resumed in ${seconds(reportedMs)} by your measureResume (the call took ${seconds(callMs)})`,
  };
}
