/** How a check's status looks on a terminal: a glyph and word (never colour alone), then its colour. */
import type { ChalkInstance } from 'chalk';
import type { CheckStatus } from '../core/result.js';

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
