/** Lab 6 as the checker sees it: one database with performance_schema, and the top-SQL fix measured before and after. */
import { lab06 } from '../../../labs/06-performance-insights/lab.js';
import { defineLabPlugin } from '../plugin.js';
import { labChecks } from '../session.js';

export default defineLabPlugin({
  lab: lab06,
  checks: async () => {
    const [{ lab06ExerciseChecks }, { openLab06 }] = await Promise.all([import('./exercises/index.js'), import('./session.js')]);
    return labChecks({
      exercises: lab06ExerciseChecks,
      open: openLab06,
      measurement: { exercise: '02-fix-the-top-sql', name: 'top-sql-fix', waitingFor: 'running the workload before and after your fix' },
      seed: async (sql) => (await import('../../../labs/06-performance-insights/seed.js')).resetDatabase(sql),
    });
  },
  awsCheckNames: async () => Object.values((await import('./aws.js')).LAB06_AWS_CHECKS),
  renderers: async () => {
    const { renderTopSqlFix } = await import('./top-sql.js');
    type Fix = Parameters<typeof renderTopSqlFix>[1];
    return [
      {
        key: 'topSqlFix',
        render: (c, value, _width, target) => {
          const fix = value as Fix | undefined;
          return fix?.before && fix.after ? renderTopSqlFix(c, fix, target) : undefined;
        },
      },
    ];
  },
  aws: async () => (await import('./aws-plan.js')).awsPlan,
});
