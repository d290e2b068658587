/** A spinner on a terminal; plain lines (or nothing) elsewhere. */
import ora from 'ora';
import { say } from './terminal.js';

export interface Progress {
  succeed(text?: string): void;
  fail(text?: string): void;
  update(text: string): void;
}

export function startProgress(text: string, quiet = false): Progress {
  if (process.stderr.isTTY && !process.env.CI) {
    const spinner = ora({ text, stream: process.stderr, isEnabled: true }).start();
    return {
      succeed: (t) => spinner.succeed(t ?? text),
      fail: (t) => spinner.fail(t ?? text),
      update: (t) => {
        spinner.text = t;
      },
    };
  }
  if (!quiet) say(`${text}...`);
  return { succeed: () => {}, fail: () => {}, update: () => {} };
}
