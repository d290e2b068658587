/**
 * The layering rules in eslint.config.js: each can fail (a forbidden import
 * is reported) and lets through what the house allows. Sources are linted as
 * text under a path inside a layer; the imported files are real.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const LAYER_RULES = ['import-x/no-restricted-paths', 'layers/value-imports'];
let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: root });
});

/** The layering messages for `code` saved as `file` (relative to the repository root). */
async function layering(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}${file}` });
  return result.messages.filter((m) => LAYER_RULES.includes(m.ruleId ?? '')).map((m) => m.message);
}

describe('layering rules', () => {
  it('core imports nothing of the kit', async () => {
    expect(await layering('checker/core/new.ts', "import { PRICES } from '../cost/pricing.js';\nexport const p = PRICES;\n")).toHaveLength(1);
    expect(await layering('checker/core/new.ts', "import { UsageError } from './errors.js';\nexport const e = UsageError;\n")).toEqual([]);
  });

  it('a lower layer cannot import a higher one', async () => {
    expect(await layering('checker/runner/new.ts', "import { say } from '../cli/terminal.js';\nsay();\n")).toHaveLength(1);
    expect(await layering('checker/load/new.ts', "import { say } from '../cli/terminal.js';\nsay();\n")).toHaveLength(1);
    expect(await layering('checker/runner/new.ts', "import { startLocalEngines } from '../engines/local.js';\nexport const s = startLocalEngines;\n")).toEqual(
      [],
    );
  });

  it('plug-ins use the shared load generator, and nothing imports the `npm run load` command', async () => {
    const plugin = 'checker/checks/04-aurora-serverless/new.ts';
    expect(await layering(plugin, "import { runLoad } from '../../load/load-generator.js';\nexport const r = runLoad;\n")).toEqual([]);
    expect(await layering(plugin, "import { LOAD_USAGE } from '../../load/cli.js';\nexport const m = LOAD_USAGE;\n")).not.toEqual([]);
  });

  it('a plug-in may draw with render, but render takes only types from the checks', async () => {
    expect(
      await layering('checker/checks/06-performance-insights/new.ts', "import { wrapIndented } from '../../render/wrap.js';\nexport const w = wrapIndented;\n"),
    ).toEqual([]);
    expect(await layering('checker/render/new.ts', "import { defineLabPlugin } from '../checks/plugin.js';\nexport const d = defineLabPlugin;\n")).toHaveLength(
      1,
    );
    expect(await layering('checker/render/new.ts', "import type { LabPlugin } from '../checks/plugin.js';\nexport type P = LabPlugin;\n")).toEqual([]);
  });

  it('render, progress and report may import types, not code, from the layers below', async () => {
    const typeOnly = "import type { LearnerError } from '../runner/learner-call.js';\nexport type E = LearnerError;\n";
    const value = "import { isStartingTodo } from '../runner/learner-call.js';\nexport const t = isStartingTodo;\n";
    expect(await layering('checker/report/new.ts', typeOnly)).toEqual([]);
    expect(await layering('checker/report/new.ts', value)).toHaveLength(1);
  });

  it('generic layers never import a lab; only the top layers read the registry', async () => {
    expect(
      await layering('checker/runner/new.ts', "import { USER_COUNT } from '../../labs/05-elasticache-redis/seed.js';\nexport const n = USER_COUNT;\n"),
    ).not.toEqual([]);
    expect(await layering('checker/progress/new.ts', "import { labs } from '../../labs/index.js';\nexport const l = labs;\n")).not.toEqual([]);
    expect(await layering('checker/cli/new.ts', "import { lab05 } from '../../labs/05-elasticache-redis/lab.js';\nexport const l = lab05;\n")).not.toEqual([]);
    expect(await layering('checker/cli/new.ts', "import { labs } from '../../labs/index.js';\nexport const l = labs;\n")).toEqual([]);
  });

  it("a plug-in uses its own lab's folders, never another lab's or a solution", async () => {
    const plugin = 'checker/checks/05-elasticache-redis/new.ts';
    expect(await layering(plugin, "import { USER_COUNT } from '../../../labs/05-elasticache-redis/seed.js';\nexport const n = USER_COUNT;\n")).toEqual([]);
    expect(await layering(plugin, "import { lab06 } from '../../../labs/06-performance-insights/lab.js';\nexport const l = lab06;\n")).not.toEqual([]);
    expect(
      await layering(plugin, "import * as s from '../../../solutions/05-elasticache-redis/exercises/02-cache-aside.js';\nexport const x = s;\n"),
    ).not.toEqual([]);
  });

  it('learner-facing files import only the exercise API', async () => {
    const exercise = 'labs/05-elasticache-redis/exercises/99-new.ts';
    expect(await layering(exercise, "import type { LabContext } from '../../../checker/exercise-api.js';\nexport type C = LabContext;\n")).toEqual([]);
    expect(await layering(exercise, "import { ensure } from '../../../checker/runner/harness.js';\nexport const e = ensure;\n")).not.toEqual([]);
    expect(
      await layering(
        'solutions/05-elasticache-redis/exercises/99-new.ts',
        "import { lab05 } from '../../../labs/05-elasticache-redis/lab.js';\nexport const l = lab05;\n",
      ),
    ).not.toEqual([]);
  });
});

describe('the upward imports fixed on this branch stay fixed', () => {
  it.each([
    'checker/core/lab.ts',
    'checker/core/kit.ts',
    'checker/core/command-line.ts',
    'checker/core/output-errors.ts',
    'checker/load/cli.ts',
    'checker/progress/reset.ts',
    'checker/ops/deployed-labs.ts',
  ])('%s follows the layering rules', async (file) => {
    const [result] = await eslint.lintFiles([`${root}${file}`]);
    expect(result.messages.filter((m) => LAYER_RULES.includes(m.ruleId ?? ''))).toEqual([]);
  });

  it('bench imports nothing from the CLI', async () => {
    const [result] = await eslint.lintFiles([`${root}checker/bench/run.ts`]);
    expect(result.messages.filter((m) => /\/cli\//.test(m.message))).toEqual([]);
  });
});

describe('docs/contributing.md', () => {
  it('names only files and folders that exist (placeholders such as NN-slug aside)', () => {
    const text = readFileSync(`${root}docs/contributing.md`, 'utf8');
    const paths = [...text.matchAll(/`([\w./-]+\/[\w./-]*)`/g)]
      .map((m) => m[1])
      .filter((p) => /^(checker|labs|solutions|stacks|docs)\//.test(p) && !/NN|EE|\*/.test(p));
    expect(paths.length).toBeGreaterThan(10);
    expect(paths.filter((p) => !existsSync(`${root}${p}`))).toEqual([]);
  });
});
