/**
 * The engine every AWS failover drill runs on: a probe once a second while
 * the resource's state is polled, the outage windows the probe saw, and the
 * AWS events around the drill. Each lab's drill (in its folder) says which
 * call starts the failover and what "done" means; one refusal type covers
 * every drill that did not start.
 */
import type { AwsCallContext } from '../aws/errors.js';
import { classifyAwsError, errorSummary, explainAwsError } from '../aws/errors.js';
import { KitError } from '../core/errors.js';
import { outageWindows, type ProbeRecord } from './outage.js';

/** The drill did not start (nothing was changed). Exit code 1: the setup is what is wrong. */
export class DrillRefused<Reason extends string = string> extends KitError {
  constructor(
    readonly reason: Reason,
    message: string,
    nextStep?: string,
  ) {
    super(message, 1, nextStep);
    this.name = 'DrillRefused';
  }
}

/** Runs a drill; a refusal (not confirmed, single-AZ, ...) is said and leaves no result. */
export async function unlessRefused<T>(drill: () => Promise<T>, say: (line: string) => void): Promise<T | undefined> {
  try {
    return await drill();
  } catch (err) {
    if (err instanceof DrillRefused) {
      say(err.message);
      return undefined;
    }
    throw err;
  }
}

/** What one probe saw: `ok` when the resource answered, and (when the probe knows) which server answered. */
export interface ProbeOutcome {
  ok: boolean;
  serverId?: string | number;
  /** Why it failed, when the probe knows. */
  error?: string;
}

/** Resolves with the outcome; a rejection or a timeout counts as `ok: false`. */
export type OutcomeProbe = () => Promise<ProbeOutcome>;

export async function runProbe(probe: OutcomeProbe, timeoutMs: number): Promise<ProbeOutcome> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const outcome = await Promise.race([
      Promise.resolve().then(probe),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    if (!outcome || outcome.ok !== true) return { ok: false, error: outcome?.error ?? 'probe reported failure' };
    return outcome;
  } catch (err) {
    return { ok: false, error: errorSummary(err) || 'probe failed' };
  } finally {
    if (timer) clearTimeout(timer);
  }
}

export const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Seconds with one decimal. */
export const seconds = (ms: number) => Math.round(ms / 100) / 10;

/**
 * A failed status poll is ignored (the API is busy during a failover), except
 * when the credentials or permissions are gone: that is explained and ends the drill.
 */
export function fatalPollError(err: unknown, region: string | undefined, call: AwsCallContext): Error | undefined {
  const kind = classifyAwsError(err, region);
  return kind === 'credentials' || kind === 'expired' || kind === 'access-denied' ? explainAwsError(err, call) : undefined;
}

export interface ProbeLoopOptions<State> {
  probe: OutcomeProbe;
  /** Reads the resource's state. */
  poll: () => Promise<State | undefined>;
  /** Judges one polled state: true once the failover the drill asked for is done. */
  done: (state: State) => boolean;
  /** Each probe's outcome, in order (e.g. to note which servers answered). */
  onProbe?: (outcome: ProbeOutcome) => void;
  /** The poll call, to explain lost credentials or permissions. */
  pollCall: AwsCallContext;
  region?: string;
  /** When the failover was requested (the `now()` reading). */
  started: number;
  probeIntervalMs: number;
  pollIntervalMs: number;
  probeTimeoutMs: number;
  /** Give up waiting for "done" after this long. */
  maxDurationMs: number;
  /** After "done", keep probing this long for the first success. */
  settleMs: number;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
}

export interface ProbeLoopResult {
  completed: boolean;
  finished: number;
  probes: { ok: number; failed: number };
  /** Probe failures, with the second of the drill they happened in. */
  errors: { atSecond: number; message: string }[];
  /** Total time the probe could not get an answer, and the longest gap (ms). */
  withoutMs: number;
  longestMs: number;
}

/**
 * Probes once per interval and polls the state every poll interval until the
 * state is done and the probe answers again (or the settle time passed), or
 * until the maximum duration without "done".
 */
export async function probeUntilDone<State>(o: ProbeLoopOptions<State>): Promise<ProbeLoopResult> {
  const records: ProbeRecord[] = [];
  const errors: ProbeLoopResult['errors'] = [];
  let lastPoll = Number.NEGATIVE_INFINITY;
  let doneAt: number | undefined;
  while (true) {
    const tick = o.now();
    const elapsedMs = tick - o.started;
    const poll = doneAt === undefined && tick - lastPoll >= o.pollIntervalMs;
    if (poll) lastPoll = tick;
    const [seen, polled] = await Promise.all([
      runProbe(o.probe, o.probeTimeoutMs),
      poll
        ? o.poll().then(
            (state) => ({ state, err: undefined as unknown }),
            (err: unknown) => ({ state: undefined as State | undefined, err }),
          )
        : Promise.resolve(undefined),
    ]);
    records.push({ at: tick, ok: seen.ok });
    if (!seen.ok) errors.push({ atSecond: Math.round(elapsedMs / 1000), message: seen.error ?? 'failed' });
    o.onProbe?.(seen);

    if (polled?.err) {
      const fatal = fatalPollError(polled.err, o.region, o.pollCall);
      if (fatal) throw fatal;
    } else if (polled?.state && o.done(polled.state)) {
      doneAt = tick;
    }

    if (doneAt !== undefined) {
      if (seen.ok || tick - doneAt >= o.settleMs) break;
    } else if (elapsedMs >= o.maxDurationMs) {
      break;
    }
    const spent = o.now() - tick;
    await o.sleep(Math.max(0, o.probeIntervalMs - spent));
  }
  const finished = o.now();
  const { withoutMs, longestMs } = outageWindows(records, finished, o.probeIntervalMs);
  const ok = records.filter((r) => r.ok).length;
  return { completed: doneAt !== undefined, finished, probes: { ok, failed: records.length - ok }, errors, withoutMs, longestMs };
}

/** The time window events are read for: a minute either side of the drill. */
export function eventWindow(started: number, finished: number): { StartTime: Date; EndTime: Date } {
  return { StartTime: new Date(started - 60_000), EndTime: new Date(finished + 60_000) };
}

/**
 * Reads events page by page (at most `maxPages`), sorted by date. A failure
 * keeps what was read and says why: events are context, never the verdict.
 */
export async function readEventPages<E extends { date: Date }>(
  page: (marker: string | undefined) => Promise<{ events: E[]; marker?: string }>,
  maxPages = 10,
): Promise<{ list: E[]; error?: string }> {
  const list: E[] = [];
  try {
    let marker: string | undefined;
    let pages = 0;
    do {
      const out = await page(marker);
      list.push(...out.events);
      marker = out.marker;
      pages += 1;
    } while (marker && pages < maxPages);
  } catch (err) {
    return { list, error: errorSummary(err) || 'unknown error' };
  }
  list.sort((a, b) => a.date.getTime() - b.date.getTime());
  return { list };
}
