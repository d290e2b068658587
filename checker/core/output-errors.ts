/**
 * What a command does when its own output cannot be written. A reader that
 * went away (`| head`) is normal: the command stops without a word. A full
 * disk or another write failure is said in one line, exit 2. Either way no
 * stack trace; engines started with stopOnSignals are killed by their exit
 * handler on the way out.
 */
import { writeSync } from 'node:fs';

type Exit = (code: number) => never;

export function onOutputError(streamName: 'stdout' | 'stderr', exit: Exit = process.exit): (err: NodeJS.ErrnoException) => void {
  let handled = false;
  return (err) => {
    if (handled) return;
    handled = true;
    // A run cut short by its reader is not a pass: keep the verdict if there already is one, else 2.
    const code = typeof process.exitCode === 'number' ? process.exitCode : 2;
    if (err.code === 'EPIPE') exit(code);
    const why = err.code === 'ENOSPC' ? 'no space left on the device' : (err.code ?? err.message);
    if (streamName === 'stdout') {
      try {
        writeSync(2, `The kit could not write its output (${why}); the output is incomplete. Free some space or write it somewhere else.\n`);
      } catch {
        // stderr is gone too: the exit code is all that is left.
      }
    }
    exit(2);
  };
}

let installed = false;

/** Installs the handlers once per process (every command entry point calls it through runCommand). */
export function guardOutputStreams(): void {
  if (installed) return;
  installed = true;
  process.stdout.on('error', onOutputError('stdout'));
  process.stderr.on('error', onOutputError('stderr'));
}
