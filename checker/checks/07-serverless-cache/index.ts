/** Lab 7, the serverless cache: its plug-in (see ../plugin.ts). */
import { lab07 } from '../../../labs/07-serverless-cache/lab.js';
import { defineLabPlugin } from '../plugin.js';
import type { LabChecks } from '../session.js';

export const lab07Plugin = defineLabPlugin({
  lab: lab07,
  async checks() {
    const [{ lab07ExerciseChecks }, { openLab07 }, { resetDatabase }] = await Promise.all([
      import('./exercises/index.js'),
      import('./session.js'),
      import('../../../labs/07-serverless-cache/seed.js'),
    ]);
    return {
      exercises: lab07ExerciseChecks,
      open: openLab07,
      seed: resetDatabase,
    } as unknown as LabChecks;
  },
});
