/**
 * The kit gate for Lab 7 (the serverless cache), against real redis-server and
 * mariadbd, with each handler running in the local Lambda runtime: every
 * starting handler fails every check with a message, every reference handler
 * passes, each wrong handler below is rejected by the check that names its
 * defect (and is singled out: some other check of its exercise still passes),
 * every check is made to fail by at least one of them, and right handlers in
 * other styles (many from a blind red team) pass every check.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Chalk } from 'chalk';
import { lab07 } from '../../../labs/07-serverless-cache/lab.js';
import type { CacheVsDatabase } from '../../checks/07-serverless-cache/measure.js';
import { renderCacheVsDatabase } from '../../checks/07-serverless-cache/render.js';
import { checksFor } from '../../../labs/index.js';
import type { CheckResult } from '../../core/result.js';
import { runExercise } from '../../runner/run-exercise.js';
import {
  describeResults,
  EnginePool,
  expectRejectedPrecisely,
  itAgreesWithMetadata,
  repoPath,
  runningExerciseChildren,
  solutionFile,
  startingFile,
} from './support.js';

const lab = lab07;
const registered = (await checksFor(lab.id))?.exercises ?? {};

interface WrongCase {
  /** File in checker/test/fixtures/07-wrong/; its first two digits name the exercise. */
  fixture: string;
  check: string;
  message: RegExp;
}

const WRONG: WrongCase[] = [
  {
    fixture: '01-client-per-invocation.ts',
    check: '07.01.db-reused',
    message: /20 warm invocations in one execution environment opened 20 new database connections; expected 0/,
  },
  {
    fixture: '01-client-per-invocation.ts',
    check: '07.01.per-environment',
    message: /9 requests in 3 execution environments opened 9 database connections; expected at most 2 per environment \(6\)/,
  },
  { fixture: '01-redis-per-invocation.ts', check: '07.01.redis-reused', message: /opened 20 new Redis connections; expected 0/ },
  { fixture: '01-no-views.ts', check: '07.01.get-user', message: /views:user:2 in Redis is null; expected "2"/ },
  {
    fixture: '01-pool-of-five-at-init.ts',
    check: '07.01.per-environment',
    message: /in 3 execution environments opened 15 database connections; expected at most 2 per environment/,
  },
  { fixture: '02-no-ttl.ts', check: '07.02.ttl-bounded', message: /user:3 has no TTL, so it would live forever/ },
  { fixture: '02-ttl-hardcoded.ts', check: '07.02.ttl-bounded', message: /user:4 has a TTL of \d+ s, above CACHE_TTL_SECONDS = 12 s/ },
  {
    fixture: '02-in-process-memo.ts',
    check: '07.02.repeat-read',
    message: /GET \/users\/1 after the checker changed user:1 in Redis answered the user .*"User 1".*expected .*Served From Redis/,
  },
  { fixture: '02-missing-cached-forever.ts', check: '07.02.missing-user', message: /the miss for user 999999 was cached with no TTL/ },
  {
    fixture: '02-no-redis-timeouts.ts',
    check: '07.02.redis-down',
    message:
      /GET \/users\/2 timed out: the handler did not answer within 3 s|with Redis unreachable, GET \/users\/2 took \d+ ms in the handler; at most 1000 ms/,
  },
  { fixture: '02-cache-never-filled.ts', check: '07.02.first-read', message: /user:1 is not in Redis: the cache is never filled/ },
  { fixture: '02-bad-id-unchecked.ts', check: '07.02.bad-id', message: /GET \/users\/abc answered 404 .*expected 400/ },
  {
    fixture: '02-redis-client-per-invocation.ts',
    check: '07.02.repeat-read',
    message: /3 warm GET \/users\/1 in one execution environment opened [1-9]\d* new Redis and 0 new database connections; expected 0/,
  },
  {
    fixture: '03-cache-before-database.ts',
    check: '07.03.database-first',
    message: /Redis already held the new value: the cache was written before the database/,
  },
  { fixture: '03-swallow-error-fill-cache.ts', check: '07.03.failed-write', message: /PUT \/users\/2 answered 200 although the database refused the write/ },
  { fixture: '03-no-field-validation.ts', check: '07.03.bad-body', message: /PUT \/users\/4 with no name answered 5\d\d .*expected 400/ },
  { fixture: '03-update-only.ts', check: '07.03.put-writes-both', message: /PUT \/users\/2001 \(a new id\)|new users must be inserted/ },
  { fixture: '03-put-no-ttl.ts', check: '07.03.put-writes-both', message: /user:1 has no TTL, so it would live forever/ },
  {
    fixture: '03-base64-body-ignored.ts',
    check: '07.03.put-writes-both',
    message: /PUT \/users\/1 .* sent base64-encoded \(isBase64Encoded: true; decode event\.body first\) answered 400/,
  },
  {
    fixture: '03-name-length-unchecked.ts',
    check: '07.03.bad-body',
    message:
      /PUT \/users\/4 with a name of 101 characters (answered 200 .*expected 400|should answer 400 before any write, but: .*Data too long for column 'name')/,
  },
  { fixture: '03-name-not-a-string.ts', check: '07.03.bad-body', message: /PUT \/users\/4 with a name that is a number answered 200 .*expected 400/ },
  { fixture: '03-email-only-contains-at.ts', check: '07.03.bad-body', message: /PUT \/users\/4 with an email that is only "@" answered 200 .*expected 400/ },
  {
    fixture: '03-failed-write-deletes-entry.ts',
    check: '07.03.failed-write',
    message:
      /after the refused PUT \/users\/2, user:2 in Redis holds nothing instead of the old user: when the database refuses a write, leave the cache as it was/,
  },
  {
    fixture: '04-no-lock.ts',
    check: '07.04.one-query',
    message: /3 concurrent GET \/users\/101 on a cold key sent 3 queries for users to the database; expected exactly 1/,
  },
  { fixture: '04-no-lock.ts', check: '07.04.one-query-5', message: /5 concurrent GET \/users\/102 on a cold key sent 5 queries/ },
  { fixture: '04-single-flight-in-process.ts', check: '07.04.one-query', message: /3 concurrent GET \/users\/101 on a cold key sent 3 queries/ },
  { fixture: '04-lock-without-ttl.ts', check: '07.04.lock-expires', message: /lock:user:120 has no TTL/ },
  { fixture: '04-waits-for-lock-forever.ts', check: '07.04.stale-lock', message: /GET \/users\/130 timed out: the handler did not answer within 3 s/ },
  { fixture: '04-ttl-in-milliseconds-unit.ts', check: '07.04.read-through', message: /user:1 has a TTL of 0\.\d+ s, far below CACHE_TTL_SECONDS = 60 s/ },
  {
    fixture: '04-waits-1500-ms-for-lock.ts',
    check: '07.04.stale-lock',
    message: /each GET spent at least 1[4-9]\d\d ms in the handler \(REPORT Duration\): a caller without the lock re-reads the cache for at most 1000 ms/,
  },
  {
    fixture: '04-lock-setnx-then-expire.ts',
    check: '07.04.lock-expires',
    message: /took lock:user:120 with SETNX .*take it with ONE command, SET lock:user:120 <token> NX PX <ms>/,
  },
  {
    fixture: '04-lock-deleted-without-token.ts',
    check: '07.04.lock-released',
    message: /another caller took lock:user:141 .* that caller's lock was deleted: delete the lock only if it still holds your token/,
  },
  {
    fixture: '04-lock-never-released.ts',
    check: '07.04.lock-released',
    message: /after the herd for user 140 answered, lock:user:140 is still there \(PTTL \d+ ms\)/,
  },
  { fixture: '04-lock-released-before-fill.ts', check: '07.04.lock-released', message: /the winner deleted lock:user:140 \(.*\) before it filled user:140/ },
];

/** Right handlers in styles the reference solutions do not use (checker/test/fixtures/07-right/, first two digits = exercise): every check passes. */
const RIGHT = [
  '01-clients-created-lazily.ts',
  '02-ttl-exactly-half.ts',
  '02-set-then-expire-in-multi.ts',
  '03-replace-into-split-email.ts',
  '04-lock-px-5000-backoff-polling.ts',
  '04-release-via-definecommand.ts',
];

let pool: EnginePool;
const runs = new Map<string, Promise<CheckResult[]>>();

/** One run per file (a fixture named twice is run once). */
function resultsFor(exerciseId: string, file: string): Promise<CheckResult[]> {
  let run = runs.get(file);
  if (!run) {
    run = pool.with((endpoints) => runExercise({ labId: lab.id, exerciseId, file, endpoints })).then((r) => r.results);
    runs.set(file, run);
  }
  return run;
}

beforeAll(async () => {
  // One pair, one run at a time: several checks here judge handler durations (REPORT Duration) that a busier machine stretches.
  pool = await EnginePool.start(1);
});

afterAll(async () => {
  await pool?.stop();
  expect(runningExerciseChildren()).toEqual([]);
  const left = (await import('node:child_process')).spawnSync('pgrep', ['-f', repoPath('checker/runner/lambda-env.ts')], { encoding: 'utf8' }).stdout.trim();
  expect(left, 'execution environments of the local Lambda runtime were left running').toBe('');
});

describe('lab 7: metadata, registry and files agree', () => {
  itAgreesWithMetadata(lab, registered);

  it('makes every check fail with at least one wrong handler', () => {
    const covered = new Set(WRONG.map((w) => w.check));
    expect(
      Object.values(registered)
        .flat()
        .map((c) => c.id)
        .filter((id) => !covered.has(id)),
    ).toEqual([]);
  });
});

describe('lab 7 gate (real engines, local Lambda runtime)', () => {
  for (const exercise of lab.exercises) {
    const ids = () => (registered[exercise.id] ?? []).map((c) => c.id);

    it(`${exercise.id}: the starting handler fails every check, with a message`, async () => {
      const results = await resultsFor(exercise.id, startingFile(lab, exercise.id));
      const all = describeResults(results);
      expect(results.map((r) => r.id)).toEqual(ids());
      for (const r of results) {
        expect(r.status, all).toBe('fail');
        expect(r.message, all).toMatch(/not written yet: it still throws the starting TODO \(at labs\/07-serverless-cache\/exercises\//);
      }
    });

    it(`${exercise.id}: the reference handler passes every check`, async () => {
      const results = await resultsFor(exercise.id, solutionFile(lab, exercise.id));
      const all = describeResults(results);
      expect(results.map((r) => r.id)).toEqual(ids());
      for (const r of results) expect(r.status, all).toBe('pass');
    });
  }
});

describe('lab 7 measurement after a pass', () => {
  it('times database reads, cache hits and cold starts through the reference handler, and renders the honest ratio beside the claim', async () => {
    const run = await pool.with((endpoints) =>
      runExercise({
        labId: lab.id,
        exerciseId: '02-read-through',
        file: solutionFile(lab, '02-read-through'),
        endpoints,
        only: [],
        measure: 'cache-vs-database',
        checkTimeoutMs: 120_000,
      }),
    );
    const m = run.measurement as CacheVsDatabase;
    expect(m, JSON.stringify(run.measurement)).toHaveProperty('ratio');
    expect(m.database.handler.samples).toBe(100);
    expect(m.cache.handler.samples).toBe(100);
    expect(m.cache.handler.p50).toBeLessThan(m.database.handler.p50);
    // End to end includes the invoke: never shorter than the handler's own time.
    expect(m.cache.endToEnd.p50).toBeGreaterThanOrEqual(m.cache.handler.p50);
    expect(m.cold.endToEnd.p50).toBeGreaterThan(m.database.endToEnd.p99);
    expect(m.ratio.handler).toBeCloseTo(m.database.handler.p50 / m.cache.handler.p50, 6);
    const text = renderCacheVsDatabase(new Chalk({ level: 0 }), m, 80);
    expect(text).toContain(`Ratio at p50: ${m.ratio.handler.toFixed(1)}x inside the handler, ${m.ratio.endToEnd.toFixed(1)}x end to end; claimed 20-60x.`);
    expect(text).toMatch(/cold start, invoke +\d+/);
    expect(text).not.toMatch(/\u001b\[/);
    expect(Math.max(...text.split('\n').map((l) => l.length))).toBeLessThanOrEqual(80);
  });
});

describe('wrong Lab 7 handlers are rejected for the right reason', () => {
  for (const c of WRONG) {
    it(`${c.fixture} is rejected by ${c.check}`, async () => {
      const exercise = lab.exercises.find((e) => e.id.startsWith(c.fixture.slice(0, 2)))!;
      const results = await resultsFor(exercise.id, repoPath(`checker/test/fixtures/07-wrong/${c.fixture}`));
      expectRejectedPrecisely(results, c);
    });
  }
});

describe('right Lab 7 handlers in other styles pass every check', () => {
  for (const fixture of RIGHT) {
    it(`${fixture} passes every check`, async () => {
      const exercise = lab.exercises.find((e) => e.id.startsWith(fixture.slice(0, 2)))!;
      const results = await resultsFor(exercise.id, repoPath(`checker/test/fixtures/07-right/${fixture}`));
      const all = describeResults(results);
      expect(results.map((r) => r.id)).toEqual((registered[exercise.id] ?? []).map((c) => c.id));
      for (const r of results) expect(r.status, all).toBe('pass');
    });
  }
});
