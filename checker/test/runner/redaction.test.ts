/**
 * A learner's `console.log(ctx)` must not carry the Redis AUTH token (or a
 * database password) into the results that go to --json, results files and
 * the class report. Real Redis with a password, as on AWS.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDACTED, redact, redactResult, secretsOf } from '../../core/redact.js';
import { startLocalEngines, type LocalEngines } from '../../engines/local.js';
import type { CacheEndpoints } from '../../engines/endpoints.js';
import { runExercise } from '../../runner/run-exercise.js';
import { repoPath } from '../gate/support.js';

const TOKEN = 'auth-token-7f3e9c1d2b';

describe('secrets in what a run reports', () => {
  it('finds passwords and tokens anywhere in the endpoints, longest first, and skips empty ones', () => {
    const endpoints = {
      redis: { host: 'h', password: TOKEN },
      mysql: { user: 'root', password: '' },
      replication: { primary: { password: 'db-pass-1234' } },
      secretToken: 'abc',
    };
    expect(secretsOf(endpoints)).toEqual([TOKEN, 'db-pass-1234']);
    expect(redact(`AUTH ${TOKEN} then ${TOKEN}`, [TOKEN])).toBe(`AUTH ${REDACTED} then ${REDACTED}`);
    const result = redactResult({ id: 'x', name: 'x', status: 'fail', message: `m ${TOKEN}`, hint: `h ${TOKEN}`, output: `o ${TOKEN}`, durationMs: 0 }, [
      TOKEN,
    ]);
    expect(JSON.stringify(result)).not.toContain(TOKEN);
  });
});

describe('the exercise runner with a password-protected Redis', () => {
  let engines: LocalEngines | undefined;
  let endpoints: CacheEndpoints;

  beforeAll(async () => {
    engines = await startLocalEngines();
    const { host, port, password } = engines.endpoints.redis;
    const admin = new Redis({ port, password, lazyConnect: true });
    await admin.connect();
    await admin.config('SET', 'requirepass', TOKEN);
    admin.disconnect();
    // As on AWS: no learner account of the kit's, so learner code is handed the endpoint's own token.
    endpoints = { ...engines.endpoints, redis: { host, port, password: TOKEN } };
  });

  afterAll(async () => {
    await engines?.stop();
  });

  it('keeps the AUTH token out of the printed output, messages and hints a learner file produces', async () => {
    const run = await runExercise({
      labId: 5,
      exerciseId: '01-redis-basics',
      file: repoPath('checker/test/fixtures/05-broken/prints-the-context.ts'),
      endpoints,
    });
    const printed = run.results.find((r) => r.output?.includes(REDACTED));
    expect(printed, 'the learner printed the context: its output is kept, with the token replaced').toBeDefined();
    expect(run.results.length).toBeGreaterThan(1);
    expect(run.results.every((r) => r.status === 'fail')).toBe(true);
    expect(JSON.stringify(run)).not.toContain(TOKEN);
  });
});
