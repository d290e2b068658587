/** Where the checker finds each lab's checks and how it resets a lab's data between checks. */
import type { Redis } from 'ioredis';
import type { Connection } from 'mysql2/promise';
import type { ExerciseCheck } from '../runner/harness.js';
import { lab05ExerciseChecks } from './05-elasticache-redis/exercises/index.js';
import { resetCache, resetDatabase } from '../../labs/05-elasticache-redis/seed.js';

export interface LabChecks {
  exercises: Record<string, ExerciseCheck[]>;
  /** Puts the lab's data back to its seed state, so every check starts alike. */
  reset(redis: Redis, sql: Connection): Promise<void>;
  /** Prepares the data once per run (schema, seed rows). */
  prepare(sql: Connection): Promise<void>;
}

const registry: Record<number, LabChecks> = {
  5: {
    exercises: lab05ExerciseChecks,
    prepare: resetDatabase,
    async reset(redis, sql) {
      await resetCache(redis);
      await resetDatabase(sql);
    },
  },
};

export function checksFor(labId: number): LabChecks | undefined {
  return registry[labId];
}
