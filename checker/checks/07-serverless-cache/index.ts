/** Lab 7, the serverless cache: its plug-in (see ../plugin.ts). */
import { lab07 } from '../../../labs/07-serverless-cache/lab.js';
import { defineLabPlugin } from '../plugin.js';
import { labChecks } from '../session.js';
import { MEASUREMENT } from './measure.js';

export default defineLabPlugin({
  lab: lab07,
  async checks() {
    const [{ lab07ExerciseChecks }, { openLab07 }, { resetDatabase }] = await Promise.all([
      import('./exercises/index.js'),
      import('./session.js'),
      import('../../../labs/07-serverless-cache/seed.js'),
    ]);
    return labChecks({
      exercises: lab07ExerciseChecks,
      open: openLab07,
      seed: resetDatabase,
      measurement: {
        exercise: '02-read-through',
        name: MEASUREMENT,
        timeoutMs: { local: 120_000, aws: 180_000 },
        waitingFor: 'timing database reads and cache hits through your handler',
      },
    });
  },
  async renderers() {
    return [(await import('./render.js')).cacheVsDatabaseRenderer];
  },
  aws: async () => (await import('./aws-plan.js')).awsPlan,
  awsCheckNames: async () => (await import('./aws-plan.js')).lab07AwsCheckNames(),
});
