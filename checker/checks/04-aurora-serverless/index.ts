/** Lab 4 as the checker sees it: one database under a load ramp, and a resume drill that needs AWS. */
import { lab04 } from '../../../labs/04-aurora-serverless/lab.js';
import { defineLabPlugin } from '../plugin.js';
import { labChecks } from '../session.js';
import { RESUME_CHECK } from './resume-drill.js';

export default defineLabPlugin({
  lab: lab04,
  checks: async () => {
    const [{ lab04ExerciseChecks }, { openLab04, ensureLoadTable }] = await Promise.all([import('./exercises/index.js'), import('./session.js')]);
    return labChecks({
      exercises: lab04ExerciseChecks,
      open: openLab04,
      measurement: {
        exercise: '02-ramp',
        name: 'load-ramp',
        // On AWS the ramp is the lesson's: 7 steps of 15 s, back to back, step k with 10 x k workers, a CloudWatch read after each.
        timeoutMs: { local: 30_000, aws: 240_000 },
        waitingFor: 'ramping the load with your rampLoad (on AWS about 2 minutes: 7 steps of 15 s)',
      },
      seed: ensureLoadTable,
    });
  },
  drills: [
    {
      flag: 'resume-drill',
      targets: ['aws'],
      help: 'time the resume of the paused cluster',
      needs: 'cluster that pauses',
      skippedLocally: {
        ...RESUME_CHECK,
        message: 'needs AWS: a local MariaDB never pauses (exercise 03 timed a staged resume); run npm run check -- 4 --target aws --resume-drill',
      },
    },
  ],
  awsCheckNames: async () => Object.values((await import('./aws.js')).LAB04_AWS_CHECKS),
  renderers: async () => {
    const { renderRamp } = await import('../../load/ramp-chart.js');
    type Ramp = Parameters<typeof renderRamp>[1];
    return [{ key: 'loadRamp', render: (c, value) => ((value as Ramp | undefined)?.steps ? renderRamp(c, value as Ramp) : undefined) }];
  },
  aws: async () => (await import('./aws-plan.js')).awsPlan,
});
