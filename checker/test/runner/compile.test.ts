/**
 * The checker compiles the learner's file for its confined process: the
 * three ways that can fail each come back as a sentence the runner reports
 * (does not compile at line:column, an import that is not there, an import
 * the rule refuses), and what compiles keeps pointing at the learner's lines.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileLearnerFile, CompileRefused } from '../../runner/compile.js';
import { repoPath } from '../gate/support.js';

const dir = mkdtempSync(join(tmpdir(), 'dtl-compile-'));
writeFileSync(join(dir, 'package.json'), '{ "type": "module" }');
const learnerFile = (name: string, body: string) => {
  const file = join(dir, name);
  writeFileSync(file, body);
  return file;
};

async function refusal(file: string): Promise<CompileRefused> {
  const err = await compileLearnerFile(file).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CompileRefused);
  return err as CompileRefused;
}

describe('compiling a learner file', () => {
  it('a syntax error: kind syntax, with its line and column', async () => {
    const err = await refusal(learnerFile('broken.ts', 'export const a = 1;\nexport const b = ;\nexport const c = 3;\n'));
    expect(err.kind).toBe('syntax');
    expect(err.line).toBe(2);
    expect(err.column).toBeGreaterThan(0);
  });

  it('an import that is not there: kind missing, naming it', async () => {
    const err = await refusal(learnerFile('missing.ts', "import { x } from './nowhere.js';\nexport const y = x;\n"));
    expect(err.kind).toBe('missing');
    expect(err.message).toMatch(/nowhere\.js/);
  });

  it('an import of the reference solutions: kind refused, in the import rule words', async () => {
    const err = await refusal(learnerFile('copy.ts', `export * from '${repoPath('solutions/05-elasticache-redis/exercises/01-redis-basics.ts')}';\n`));
    expect(err.kind).toBe('refused');
    expect(err.message).toMatch(/an exercise may not use the reference solutions/);
  });

  it('a file that compiles carries a source map back to the learner file, and leaves packages as imports', async () => {
    const file = learnerFile('fine.ts', "import { Redis } from 'ioredis';\nexport const make = (): Redis => new Redis({ lazyConnect: true });\n");
    const compiled = readFileSync(await compileLearnerFile(file), 'utf8');
    expect(compiled).toMatch(/from "ioredis"/);
    const map = JSON.parse(Buffer.from(/sourceMappingURL=data:application\/json;base64,(\S+)/.exec(compiled)![1], 'base64').toString('utf8')) as {
      sources: string[];
    };
    expect(map.sources.some((s) => s.endsWith('/fine.ts'))).toBe(true);
  });
});
