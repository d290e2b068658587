/** Renders a results document for a person at a terminal. */
import type { ChalkInstance } from 'chalk';
import type { CheckResult, ResultsDocument } from '../core/result.js';
import { GLYPH, paint } from '../cli/terminal.js';

export function renderCheck(c: ChalkInstance, check: CheckResult, verbose = true): string {
  const lines = [`  ${paint(c, check.status, GLYPH[check.status].padEnd(7))} ${check.name}`];
  if (check.status !== 'pass' || verbose) {
    // Multi-line messages (a drill's side-by-side table) keep their shape under the check.
    const [first, ...rest] = check.message.split('\n');
    const shade = (text: string) => (check.status === 'pass' ? c.dim(text) : text);
    lines.push(`          ${shade(first ?? '')}`, ...rest.map((line) => `          ${shade(line)}`));
  }
  if ((check.status === 'fail' || check.status === 'error') && check.hint) lines.push(`          ${c.cyan('hint:')} ${check.hint}`);
  if (check.output && check.status !== 'pass') lines.push(`          ${c.dim('your code printed:')} ${check.output.split('\n').slice(0, 5).join(' | ')}`);
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
