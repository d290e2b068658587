/**
 * Ctrl-C, SIGTERM and SIGHUP for the commands that start engines or run
 * learner code. The first signal ends the command within about a second:
 * every registered stopper runs (engines and exercise processes are killed),
 * one "Stopped" line is printed and the process exits 128 + the signal's
 * number (130, 143, 129). Nothing from the cut-short run is recorded: work
 * that notices the stop throws RunStopped, progress is written only when
 * stopRequested() is false, and the top level says nothing more.
 */
export type StopSignal = 'SIGINT' | 'SIGTERM' | 'SIGHUP';

export const EXIT_CODE_FOR: Record<StopSignal, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

/** How long the stoppers get before the process leaves anyway. */
const STOP_WITHIN_MS = 800;

type Stopper = () => Promise<void> | void;

const stoppers = new Set<Stopper>();
let stoppedBy: StopSignal | undefined;
let installed = false;

/** Thrown by work that was cut short by a stop signal; the top level stays quiet about it. */
export class RunStopped extends Error {
  constructor() {
    super('stopped by a signal');
    this.name = 'RunStopped';
  }
}

/** The signal that is stopping this process, if any. */
export function stopRequested(): StopSignal | undefined {
  return stoppedBy;
}

/** Throws RunStopped when a stop signal arrived: call it before using the outcome of anything a stop could have killed. */
export function throwIfStopped(): void {
  if (stoppedBy) throw new RunStopped();
}

/** Registers something to kill on a stop signal; returns its removal. */
export function onStop(stopper: Stopper): () => void {
  stoppers.add(stopper);
  return () => {
    stoppers.delete(stopper);
  };
}

/** Installs the handlers once per process (idempotent). */
export function exitOnStopSignals(): void {
  if (installed) return;
  installed = true;
  for (const signal of Object.keys(EXIT_CODE_FOR) as StopSignal[]) process.on(signal, () => stop(signal));
}

function stop(signal: StopSignal): void {
  if (stoppedBy) {
    // A second Ctrl-C: leave at once ('exit' handlers still SIGKILL what is left).
    process.exit(EXIT_CODE_FOR[stoppedBy]);
  }
  stoppedBy = signal;
  const leave = () => process.exit(EXIT_CODE_FOR[signal]);
  try {
    process.stderr.write(`\nStopped (${signal === 'SIGINT' ? 'Ctrl-C' : signal}); nothing from the unfinished run was recorded.\n`);
  } catch {
    // The terminal may be gone (SIGHUP).
  }
  const deadline = setTimeout(leave, STOP_WITHIN_MS);
  void Promise.allSettled([...stoppers].map(async (stopper) => stopper())).then(() => {
    clearTimeout(deadline);
    leave();
  });
}
