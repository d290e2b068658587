/** Where the checker finds each lab's checks and the session they run in. */
import { lab01ExerciseChecks } from './01-rds-multi-az/exercises/index.js';
import { openLab01 } from './01-rds-multi-az/session.js';
import { lab02ExerciseChecks } from './02-read-replicas/exercises/index.js';
import { openLab02 } from './02-read-replicas/session.js';
import { lab03ExerciseChecks } from './03-aurora-cluster/exercises/index.js';
import { openLab03 } from './03-aurora-cluster/session.js';
import { lab04ExerciseChecks } from './04-aurora-serverless/exercises/index.js';
import { openLab04 } from './04-aurora-serverless/session.js';
import { lab05ExerciseChecks } from './05-elasticache-redis/exercises/index.js';
import { openLab05 } from './05-elasticache-redis/session.js';
import { lab06ExerciseChecks } from './06-performance-insights/exercises/index.js';
import { openLab06 } from './06-performance-insights/session.js';
import { lab07ExerciseChecks } from './07-serverless-cache/exercises/index.js';
import { openLab07 } from './07-serverless-cache/session.js';
import type { LabChecks } from './session.js';
import type { LearnerCalls } from '../runner/harness.js';

type AnyLabChecks = LabChecks<LearnerCalls>;

const registry: Record<number, AnyLabChecks> = {
  1: {
    exercises: lab01ExerciseChecks as AnyLabChecks['exercises'],
    open: openLab01 as AnyLabChecks['open'],
  },
  2: {
    exercises: lab02ExerciseChecks as AnyLabChecks['exercises'],
    open: openLab02 as AnyLabChecks['open'],
  },
  3: {
    exercises: lab03ExerciseChecks as AnyLabChecks['exercises'],
    open: openLab03 as AnyLabChecks['open'],
    awsChecks: async () => (await import('./03-aurora-cluster/aws.js')).LAB03_AWS_CHECKS,
  },
  4: {
    exercises: lab04ExerciseChecks as AnyLabChecks['exercises'],
    open: openLab04 as AnyLabChecks['open'],
    measurement: {
      exercise: '02-ramp',
      name: 'load-ramp',
      // On AWS the ramp is the lesson's: 7 steps of 10 workers, 15 s each, with a CloudWatch read after each.
      timeoutMs: { local: 30_000, aws: 240_000 },
      waitingFor: 'ramping the load with your rampLoad (on AWS about 2 minutes: 7 steps of 15 s)',
    },
    awsChecks: async () => (await import('./04-aurora-serverless/aws.js')).LAB04_AWS_CHECKS,
    seed: async (sql) => (await import('./04-aurora-serverless/session.js')).ensureLoadTable(sql),
  },
  5: {
    exercises: lab05ExerciseChecks as AnyLabChecks['exercises'],
    open: openLab05 as AnyLabChecks['open'],
    measurement: { exercise: '02-cache-aside', name: 'cache-speedup', waitingFor: 'measuring the speed-up of your cacheAside' },
    seed: async (sql) => (await import('../../labs/05-elasticache-redis/seed.js')).resetDatabase(sql),
  },
  6: {
    exercises: lab06ExerciseChecks as AnyLabChecks['exercises'],
    open: openLab06 as AnyLabChecks['open'],
    measurement: { exercise: '02-fix-the-top-sql', name: 'top-sql-fix', waitingFor: 'running the workload before and after your fix' },
    awsChecks: async () => (await import('./06-performance-insights/aws.js')).LAB06_AWS_CHECKS,
    seed: async (sql) => (await import('../../labs/06-performance-insights/seed.js')).resetDatabase(sql),
  },
  7: { exercises: lab07ExerciseChecks as unknown as AnyLabChecks['exercises'], open: openLab07 as unknown as AnyLabChecks['open'], measurement: { exercise: '02-read-through', name: 'cache-vs-database', timeoutMs: { local: 120_000, aws: 180_000 }, waitingFor: 'timing database reads and cache hits through your handler' }, seed: async (sql) => (await import('../../labs/07-serverless-cache/seed.js')).resetDatabase(sql) },
};

export function checksFor(labId: number): AnyLabChecks | undefined {
  return registry[labId];
}
