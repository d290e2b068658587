/**
 * The end of a check run at a terminal: the figures measured with the
 * learner's code (as charts) and the summary. Kept apart from the check
 * renderers, so commands load the chart code only when a run has figures.
 */
import type { ChalkInstance } from 'chalk';
import type { ResultsDocument } from '../core/result.js';
import type { CacheMeasurement } from '../runner/measure.js';
import { renderSpeedup } from './speedup.js';
import { renderRamp, type RampMeasurement } from '../load/ramp-chart.js';
import { renderTopSqlFix } from './top-sql.js';
import type { TopSqlFixMeasurement } from '../checks/06-performance-insights/measure.js';
import { renderSummary, type RunScope } from './terminal.js';

export function renderTail(c: ChalkInstance, doc: ResultsDocument, scope: RunScope = {}): string {
  const out: string[] = [];
  const measurement = doc.measurements?.cacheSpeedup as CacheMeasurement | undefined;
  if (measurement?.comparisons) out.push(renderSpeedup(c, measurement, doc.target));
  const topSqlFix = doc.measurements?.topSqlFix as TopSqlFixMeasurement | undefined;
  if (topSqlFix?.before && topSqlFix.after) out.push(renderTopSqlFix(c, topSqlFix, doc.target));
  const ramp = doc.measurements?.loadRamp as RampMeasurement | undefined;
  if (ramp?.steps) out.push(renderRamp(c, ramp));
  out.push(renderSummary(c, doc, scope));
  return out.join('\n');
}
