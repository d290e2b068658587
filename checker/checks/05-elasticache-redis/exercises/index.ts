import type { ExerciseCheck } from '../harness.js';
import { redisBasicsChecks } from './01-redis-basics.js';
import { cacheAsideChecks } from './02-cache-aside.js';
import { writeThroughChecks } from './03-write-through.js';
import { invalidationChecks } from './04-invalidation.js';
import { sessionLeaderboardChecks } from './05-sessions-leaderboard.js';

/** Checks per exercise id, in the order the learner meets them. */
export const lab05ExerciseChecks: Record<string, ExerciseCheck[]> = {
  '01-redis-basics': redisBasicsChecks,
  '02-cache-aside': cacheAsideChecks,
  '03-write-through': writeThroughChecks,
  '04-invalidation': invalidationChecks,
  '05-sessions-leaderboard': sessionLeaderboardChecks,
};
