/** Lab 5 as the checker sees it: Redis and a database, the cache speed-up measured with the learner's code, a failover drill on AWS. */
import { lab05 } from '../../../labs/05-elasticache-redis/lab.js';
import { defineLabPlugin } from '../plugin.js';
import { labChecks } from '../session.js';

export default defineLabPlugin({
  lab: lab05,
  checks: async () => {
    const [{ lab05ExerciseChecks }, { openLab05 }] = await Promise.all([import('./exercises/index.js'), import('./session.js')]);
    return labChecks({
      exercises: lab05ExerciseChecks,
      open: openLab05,
      measurement: { exercise: '02-cache-aside', name: 'cache-speedup', waitingFor: 'measuring the speed-up of your cacheAside' },
      seed: async (sql) => (await import('../../../labs/05-elasticache-redis/seed.js')).resetDatabase(sql),
    });
  },
  drills: [{ flag: 'failover-drill', targets: ['aws'], help: 'the failover drill' }],
  renderers: async () => {
    const { renderSpeedup } = await import('./speedup.js');
    type Speedup = Parameters<typeof renderSpeedup>[1];
    return [
      {
        key: 'cacheSpeedup',
        render: (c, value, _width, target) => ((value as Speedup | undefined)?.comparisons ? renderSpeedup(c, value as Speedup, target) : undefined),
      },
    ];
  },
  aws: async () => (await import('./aws-plan.js')).awsPlan,
  beforeDeploy: async (ctx) => (await import('./cache-update-guard.js')).refuseRejectedLab05Update(ctx),
});
