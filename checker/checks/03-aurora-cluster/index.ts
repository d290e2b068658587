/** Lab 3 as the checker sees it: a writer and two readers, with a failover drill on either target. */
import { lab03 } from '../../../labs/03-aurora-cluster/lab.js';
import { defineLabPlugin } from '../plugin.js';
import { labChecks } from '../session.js';

export default defineLabPlugin({
  lab: lab03,
  checks: async () => {
    const [{ lab03ExerciseChecks }, { openLab03 }] = await Promise.all([import('./exercises/index.js'), import('./session.js')]);
    return labChecks({ exercises: lab03ExerciseChecks, open: openLab03 });
  },
  drills: [
    {
      flag: 'failover-drill',
      targets: ['local', 'aws'],
      help: 'the failover drill',
      local: async (ctx) => (await import('./local-drill.js')).localClusterDrill(ctx),
    },
  ],
  awsCheckNames: async () => Object.values((await import('./aws.js')).LAB03_AWS_CHECKS),
  aws: async () => (await import('./aws-plan.js')).awsPlan,
});
