import type { ExerciseCheck } from '../../../runner/harness.js';
import type { InsightsHarness } from '../session.js';
import { topSqlChecks } from './01-top-sql.js';
import { fixTopSqlChecks } from './02-fix-the-top-sql.js';

/** Checks per exercise id, in the order the learner meets them. */
export const lab06ExerciseChecks: Record<string, ExerciseCheck<InsightsHarness>[]> = {
  '01-top-sql': topSqlChecks,
  '02-fix-the-top-sql': fixTopSqlChecks,
};
