/** Lab 1 as the checker sees it: RDS MySQL Multi-AZ on a replicating pair, with a failover drill on either target. */
import { lab01 } from '../../../labs/01-rds-multi-az/lab.js';
import { defineLabPlugin } from '../plugin.js';
import { labChecks } from '../session.js';

export default defineLabPlugin({
  lab: lab01,
  checks: async () => {
    const [{ lab01ExerciseChecks }, { openLab01 }] = await Promise.all([import('./exercises/index.js'), import('./session.js')]);
    return labChecks({ exercises: lab01ExerciseChecks, open: openLab01 });
  },
  drills: [
    {
      flag: 'failover-drill',
      targets: ['local', 'aws'],
      help: 'the failover drill',
      local: async (ctx) => (await import('./local-drill.js')).localFailoverDrill(ctx),
    },
  ],
  aws: async () => (await import('./aws-plan.js')).awsPlan,
});
