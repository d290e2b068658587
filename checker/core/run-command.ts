/**
 * The top of every command: a KitError becomes one paragraph and its exit
 * code; anything else is a kit bug, reported without a stack trace unless
 * DTL_DEBUG is set. Exit codes go through process.exitCode so output that is
 * still being written (a JSON document) is never cut short.
 */
import { KitError } from './errors.js';
import { stopRequested } from './stop-signals.js';
import { guardOutputStreams } from './output-errors.js';
import { say } from './terminal.js';

// The AWS SDK warns on every run under Node 20 that its later releases need Node 22; the
// kit supports Node 20 and its README says which Node to use, so commands stay quiet.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export function explain(err: unknown): { text: string; exitCode: number } {
  if (err instanceof KitError) {
    return { text: err.nextStep ? `${err.message} ${err.nextStep}` : err.message, exitCode: err.exitCode };
  }
  if (err instanceof Error && err.name === 'ExitPromptError') {
    return { text: 'Stopped at your request.', exitCode: 130 };
  }
  const message = err instanceof Error ? err.message : String(err);
  return {
    text: `Something went wrong inside the kit: ${message}. This is a bug, not your mistake: please report it with the command you ran (set DTL_DEBUG=1 to see the details).`,
    exitCode: 2,
  };
}

export async function runCommand(main: () => Promise<number>): Promise<void> {
  guardOutputStreams();
  try {
    process.exitCode = await main();
  } catch (err) {
    // Stopped by Ctrl-C, SIGTERM or SIGHUP: the stop handler has said so and sets the exit code.
    if (stopRequested()) return;
    const { text, exitCode } = explain(err);
    say(`\n${text}`);
    if (process.env.DTL_DEBUG && err instanceof Error && err.stack) say(err.stack);
    process.exitCode = exitCode;
  }
}
