/**
 * Colour, glyphs and the prompt gate. chalk does not read NO_COLOR itself,
 * so the level is set here once; status is never shown by colour alone.
 */
import { Chalk, type ChalkInstance } from 'chalk';
import type { CheckStatus } from '../core/result.js';

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

export const GLYPH: Record<CheckStatus, string> = { pass: '✔ PASS', fail: '✘ FAIL', error: '! ERROR', skipped: '○ SKIP' };

export function paint(c: ChalkInstance, status: CheckStatus, text: string): string {
  switch (status) {
    case 'pass':
      return c.green(text);
    case 'fail':
      return c.red(text);
    case 'error':
      return c.yellow(text);
    case 'skipped':
      return c.dim(text);
  }
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
