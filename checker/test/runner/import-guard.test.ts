/**
 * An exercise that imports the reference solution, or the checker's
 * internals (to patch what judges it), fails with that reason - never a pass.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalEngines, type LocalEngines } from '../../engines/local.js';
import { runExercise } from '../../runner/run-exercise.js';
import { repoPath } from '../gate/support.js';

let engines: LocalEngines | undefined;
const dir = mkdtempSync(join(tmpdir(), 'dtl-import-guard-'));
// Like the kit's own package.json: .ts files are ES modules.
writeFileSync(join(dir, 'package.json'), '{ "type": "module" }');

beforeAll(async () => {
  engines = await startLocalEngines();
});

afterAll(async () => {
  await engines?.stop();
});

const learnerFile = (name: string, body: string) => {
  const file = join(dir, name);
  writeFileSync(file, body);
  return file;
};
const run = (file: string) => runExercise({ labId: 5, exerciseId: '01-redis-basics', file, endpoints: engines!.endpoints });

describe('what an exercise may import', () => {
  it('fails an exercise that re-exports the reference solution, naming the import', async () => {
    const file = learnerFile('reexport.ts', `export * from '${repoPath('solutions/05-elasticache-redis/exercises/01-redis-basics.ts')}';\n`);
    const { results } = await run(file);
    expect(results.length).toBeGreaterThan(0);
    expect(results.every((r) => r.status === 'fail')).toBe(true);
    {
      expect(results[0].message).toMatch(
        /imports solutions\/05-elasticache-redis\/exercises\/01-redis-basics\.ts: an exercise may not use the reference solutions/,
      );
    }
  });

  it('fails an exercise that reaches into the checker (e.g. to patch the harness), naming the import', async () => {
    const file = learnerFile(
      'patch.ts',
      `import { LearnerCalls } from '${repoPath('checker/runner/harness.ts')}';\nLearnerCalls.prototype.call = async () => undefined;\nexport * from '${repoPath('labs/05-elasticache-redis/exercises/01-redis-basics.ts')}';\n`,
    );
    const { results } = await run(file);
    expect(results.length).toBeGreaterThan(0);
    expect(results.every((r) => r.status === 'fail')).toBe(true);
    {
      expect(results[0].message).toMatch(/imports checker\/runner\/harness\.ts: an exercise may import only checker\/exercise-api\.ts/);
    }
  });

  it('fails one that reaches the solution through require (createRequire) instead', async () => {
    const file = learnerFile(
      'required.ts',
      `import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\nconst solved = require('${repoPath('solutions/05-elasticache-redis/exercises/01-redis-basics.ts')}');\nexport const { saveGreeting, readGreeting, saveProfile, readProfile, saveOneTimeCode, secondsLeft } = solved;\n`,
    );
    const { results } = await run(file);
    expect(results.length).toBeGreaterThan(0);
    expect(results.every((r) => r.status === 'fail')).toBe(true);
    {
      expect(results[0].message).toMatch(/an exercise may not use the reference solutions/);
    }
  });

  it('still runs the solution itself, and a learner file that imports only the exercise API and libraries', async () => {
    const solved = await run(repoPath('solutions/05-elasticache-redis/exercises/01-redis-basics.ts'));
    expect(solved.results.every((r) => r.status === 'pass')).toBe(true);
    const starting = await run(repoPath('labs/05-elasticache-redis/exercises/01-redis-basics.ts'));
    expect(starting.results.every((r) => r.status === 'fail' && !/may not use|may import only/.test(r.message))).toBe(true);
  });
});
