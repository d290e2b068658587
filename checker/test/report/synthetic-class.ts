/**
 * A large synthetic class for the report's size and load-time tests: every
 * learner has the fixture class's full Lab 5 run (grace.json) with statuses
 * and messages varied deterministically, as a real class would vary them.
 */
import { readFileSync } from 'node:fs';
import type { CheckResult, CheckStatus } from '../../core/result.js';
import type { ClassResults } from '../../report/collect.js';
import type { LearnerResults } from '../../report/learner-results.js';
import { fixture, labDoc, learner } from './helpers.js';

/** A small linear congruential generator: the same class on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

const STATUSES: CheckStatus[] = ['pass', 'pass', 'pass', 'pass', 'fail', 'fail', 'error', 'skipped'];

export function syntheticClass(size: number, seed = 42): ClassResults {
  const template = (JSON.parse(readFileSync(fixture('grace.json'), 'utf8')) as LearnerResults).labs[0];
  const next = random(seed);
  const learners = Array.from({ length: size }, (_, i) => {
    const id = `learner-${String(i + 1).padStart(4, '0')}`;
    const checks: CheckResult[] = template.checks.map((c) => {
      const status = STATUSES[Math.floor(next() * STATUSES.length)];
      const message =
        status === 'pass'
          ? c.message
          : status === 'fail'
            ? next() < 0.3
              ? `${c.name.split(' ')[0]} is not written yet: it still throws the starting TODO (at labs/05-elasticache-redis/exercises/${c.group}.ts:${10 + Math.floor(next() * 40)})`
              : `user:${Math.floor(next() * 1000)} has no TTL, so it would live forever after ${Math.floor(next() * 5000)} ms: pass 'EX', ctx.ttlSeconds to SET (got ${JSON.stringify({ value: next().toFixed(4) })})`
            : status === 'error'
              ? `Redis at 127.0.0.1:${6000 + Math.floor(next() * 1000)} did not answer within 3 s (connect ECONNREFUSED)`
              : c.message;
      return { ...c, status, message, durationMs: Math.floor(next() * 300) };
    });
    return learner(id, [labDoc(checks, { target: next() < 0.5 ? 'local' : 'aws' })], `Learner ${i + 1} ${'Surname'.repeat(1 + (i % 3))}`);
  });
  return { learners, leftOut: [] };
}
