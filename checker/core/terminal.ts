/**
 * Colour and the prompt gate. chalk does not read NO_COLOR itself, so the
 * level is set here once (the status glyphs and colours are render/status.ts).
 */
import { Chalk, type ChalkInstance } from 'chalk';

export interface TerminalOptions {
  noColor?: boolean;
  noInput?: boolean;
}

export function colourEnabled(options: TerminalOptions, stream: NodeJS.WriteStream = process.stdout): boolean {
  if (options.noColor) return false;
  if (process.env.NO_COLOR && process.env.NO_COLOR !== '') return false;
  if (process.env.FORCE_COLOR && process.env.FORCE_COLOR !== '0') return true;
  return Boolean(stream.isTTY);
}

export function makeChalk(options: TerminalOptions, stream?: NodeJS.WriteStream): ChalkInstance {
  return new Chalk({ level: colourEnabled(options, stream) ? 1 : 0 });
}

/**
 * The one gate in front of every prompt: never prompt in CI, without a
 * terminal on both ends, or when --no-input was given.
 */
export function canPrompt(options: TerminalOptions): boolean {
  if (options.noInput) return false;
  if (process.env.CI && process.env.CI !== 'false' && process.env.CI !== '0') return false;
  return Boolean(process.stdin.isTTY && process.stdout.isTTY);
}

/** Messages for people go to stderr, so stdout stays clean for --json. */
export function say(line = ''): void {
  process.stderr.write(`${line}\n`);
}
