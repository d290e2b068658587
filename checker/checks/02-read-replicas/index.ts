/** Lab 2 as the checker sees it: a primary and a read replica. */
import { lab02 } from '../../../labs/02-read-replicas/lab.js';
import { defineLabPlugin } from '../plugin.js';
import { labChecks } from '../session.js';

export default defineLabPlugin({
  lab: lab02,
  checks: async () => {
    const [{ lab02ExerciseChecks }, { openLab02 }] = await Promise.all([import('./exercises/index.js'), import('./session.js')]);
    return labChecks({ exercises: lab02ExerciseChecks, open: openLab02 });
  },
  aws: async () => (await import('./aws-plan.js')).awsPlan,
});
