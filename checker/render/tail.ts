/**
 * The end of a check run at a terminal: the figures measured with the
 * learner's code (drawn by the lab's own renderers) and the summary. Kept
 * apart from the check renderers, so commands load the chart code only when
 * a run has figures.
 */
import type { ChalkInstance } from 'chalk';
import type { MeasurementRenderer } from '../checks/plugin.js';
import type { ResultsDocument } from '../core/result.js';
import { renderSummary, type RunScope } from './terminal.js';

export function renderTail(c: ChalkInstance, doc: ResultsDocument, scope: RunScope = {}, renderers: MeasurementRenderer[] = []): string {
  const out: string[] = [];
  const width = process.stdout.columns ?? 100;
  for (const renderer of renderers) {
    const value = doc.measurements?.[renderer.key];
    const lines = value === undefined ? undefined : renderer.render(c, value, width, doc.target);
    if (lines !== undefined) out.push(lines);
  }
  out.push(renderSummary(c, doc, scope));
  return out.join('\n');
}
