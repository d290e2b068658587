/** Renders a results document for a person at a terminal. */
import type { ChalkInstance } from 'chalk';
import type { CheckResult, ResultsDocument } from '../core/result.js';
import { GLYPH, paint } from './status.js';
import { terminalWidth, wrapIndented } from './wrap.js';

const INDENT = ' '.repeat(10);

/** A check's lines, wrapped at word boundaries to `width` columns (the terminal's by default; none when not a terminal). */
export function renderCheck(c: ChalkInstance, check: CheckResult, verbose = true, width: number | undefined = terminalWidth()): string {
  const block = (text: string, first = INDENT) => wrapIndented(text, first, INDENT, width);
  const lines = block(check.name, `  ${paint(c, check.status, GLYPH[check.status].padEnd(7))} `);
  if (check.status !== 'pass' || verbose) {
    // Multi-line messages (a drill's side-by-side table) keep their shape under the check.
    const shade = (text: string) => (check.status === 'pass' ? c.dim(text) : text);
    for (const line of check.message.split('\n')) lines.push(...block(line).map(shade));
  }
  if ((check.status === 'fail' || check.status === 'error') && check.hint) lines.push(...block(`${c.cyan('hint:')} ${check.hint}`));
  if (check.output && check.status !== 'pass') lines.push(...block(`${c.dim('your code printed:')} ${check.output.split('\n').slice(0, 5).join(' | ')}`));
  return lines.join('\n');
}

export function renderGroupHeader(c: ChalkInstance, title: string): string {
  return `\n${c.bold(title)}`;
}

/** What the run covered when it was not the whole lab: `--exercise 02` runs one exercise. */
export interface RunScope {
  exercise?: string;
}

export function renderSummary(c: ChalkInstance, doc: ResultsDocument, scope: RunScope = {}): string {
  const s = doc.summary;
  const parts = [
    paint(c, 'pass', `${s.pass} passed`),
    paint(c, 'fail', `${s.fail} failed`),
    paint(c, 'error', `${s.error} errors`),
    paint(c, 'skipped', `${s.skipped} skipped`),
  ];
  const verdict: Record<string, string> = {
    pass: '✔ All checks passed.',
    fail: '✘ Not there yet: fix the failing checks above (the hints say how).',
    error: '! Some checks could not run: the environment needs attention (see the errors above).',
    skipped: '○ Nothing was verified: every check was skipped.',
  };
  if (scope.exercise) {
    const tag = scope.exercise.slice(0, 2);
    const ran = doc.checks.filter((x) => x.group === scope.exercise).length;
    verdict.pass = `✔ All ${ran} check${ran === 1 ? '' : 's'} of exercise ${tag} passed (the other exercises were not run).`;
    verdict.fail = `✘ Not there yet: fix the failing checks of exercise ${tag} above (the hints say how; the other exercises were not run).`;
  }
  return `\n${parts.join(', ')} in ${(doc.durationMs / 1000).toFixed(1)} s (skipped checks never count as passes)\n${paint(c, doc.status, verdict[doc.status])}`;
}

/** What follows the live check lines: the measured figures and the verdict. */
