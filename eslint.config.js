// ESLint: typescript-eslint's recommended rules (syntax only, no type
// information, so a run stays fast) and the kit's layering rules.
// The layers are drawn in docs/contributing.md; change both together.
import { readdirSync } from 'node:fs';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

const root = import.meta.dirname;
const labs = readdirSync(`${root}/labs`, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && /^\d\d-/.test(entry.name))
  .map((entry) => entry.name);

// ---- The layers, bottom to top (folders under checker/) ----
const layers = ['core', 'engines', 'aws', 'cost', 'runner', 'load', 'checks', 'render', 'progress', 'report', 'ops', 'bench', 'cli'];
/** What each layer may import besides itself, checker/exercise-api.ts and libraries. `types`: type-only imports. */
const allowed = {
  core: [],
  engines: ['core'],
  // cost is the price table and its arithmetic (core only): engine-lifecycle prices a stopped instance.
  aws: ['core', 'cost'],
  cost: ['core'],
  runner: ['core', 'engines'],
  // The shared load generator (Labs 4 and 6 use it); its command, load/cli.ts, is a top-layer entry point (zone below).
  load: ['core', 'engines'],
  // render: a plug-in draws its own measurements (MeasurementRenderer); render takes only types from checks, so no cycle.
  checks: ['core', 'engines', 'aws', 'runner', 'load', 'render'],
  render: ['core', { types: ['engines', 'aws', 'cost', 'runner', 'load', 'checks'] }],
  progress: ['core', { types: ['engines', 'aws', 'cost', 'runner', 'load', 'checks'] }],
  report: ['core', { types: ['engines', 'aws', 'cost', 'runner', 'load', 'checks'] }],
  ops: ['core', 'engines', 'aws', 'cost', 'runner', 'checks', 'render', 'progress', 'report'],
  bench: ['core', 'engines', 'aws', 'cost', 'runner', 'checks', 'render', 'progress', 'report', 'load'],
  cli: layers,
};
/** The layers that may read the lab registry (labs/index.ts). */
const topLayers = ['cli', 'ops', 'bench'];
const folder = (name) => `checker/${name}`;
const plainAllowed = (name) => allowed[name].filter((entry) => typeof entry === 'string');
const typeAllowed = (name) => allowed[name].flatMap((entry) => (typeof entry === 'string' ? [] : entry.types));
const lab = (id) => [`labs/${id}`, `checker/checks/${id}`, `solutions/${id}`];
const otherLabs = (id) => labs.filter((other) => other !== id).flatMap(lab);

const layerMessage = 'A layer imports only the layers below it: see "The house" in docs/contributing.md.';
const learnerMessage = 'Learner-facing files (labs/*/exercises, solutions/*) import only checker/exercise-api.ts and libraries.';
const labMessage = 'Generic layers never import a lab (checker/checks/NN-*, labs/NN-*, solutions/NN-*); the top layers loop over labs/index.ts.';

/** Imports refused whether type-only or not. */
const zones = [
  ...layers
    .map((name) => ({
      target: folder(name),
      from: layers.filter((other) => other !== name && !plainAllowed(name).includes(other) && !typeAllowed(name).includes(other)).map(folder),
      message: layerMessage,
    }))
    .filter((zone) => zone.from.length > 0),
  // `npm run load` is an entry point: nothing imports it.
  { target: 'checker', from: 'checker/load/cli.ts', message: 'checker/load/cli.ts is the `npm run load` command; import the generator modules beside it.' },
  // Generic layers: no lab folder; below the top, not even the registry.
  ...layers.map((name) => ({
    target: name === 'checks' ? `${folder(name)}/*.ts` : folder(name),
    from: [...(topLayers.includes(name) ? labs.map((id) => `labs/${id}`) : ['labs']), 'solutions', ...labs.map((id) => `checker/checks/${id}`)],
    message: labMessage,
  })),
  // A plug-in (checker/checks/NN-*) uses its own lab's folders, never another lab's, the registry or a solution.
  ...labs.map((id) => ({
    target: `checker/checks/${id}`,
    from: [...otherLabs(id), 'labs/index.ts', 'solutions'],
    message: 'A plug-in imports its own lab (labs/NN-*, checker/checks/NN-*) and never another lab or a solution.',
  })),
  // A lab's metadata and seed (labs/NN-*/*.ts): core, cost, the stacks' config types and its own folder.
  ...labs.map((id) => ({
    target: `labs/${id}`,
    from: [...layers.filter((name) => name !== 'core' && name !== 'cost').map(folder), ...otherLabs(id), `solutions/${id}`, 'labs/index.ts'],
    message: "A lab's own files import checker/core, checker/cost and their own folder only.",
  })),
  // What the learner reads and edits imports only checker/exercise-api.ts, libraries and its own exercises folder.
  ...labs.flatMap((id) =>
    ['labs', 'solutions'].flatMap((side) => [
      { target: `${side}/${id}/exercises`, from: [...layers.map(folder), 'stacks', side === 'labs' ? 'solutions' : 'labs'], message: learnerMessage },
      { target: `${side}/${id}/exercises`, from: side, except: [`${id}/exercises`], message: learnerMessage },
    ]),
  ),
];
/** Refused unless the import is type-only (`import type`). */
const valueZones = layers
  .filter((name) => typeAllowed(name).length > 0)
  .map((name) => ({
    target: folder(name),
    from: typeAllowed(name).map(folder),
    message: `checker/${name} may import only types from ${typeAllowed(name).join(', ')}.`,
  }));

// import-x's no-restricted-paths, blind to type-only imports (they vanish at run time, so they cannot load a layer).
const restrictedPaths = importX.rules['no-restricted-paths'];
const typeOnly = (node) =>
  node.importKind === 'type' ||
  node.exportKind === 'type' ||
  (node.specifiers?.length > 0 && node.specifiers.every((s) => s.importKind === 'type' || s.exportKind === 'type'));
const valueImports = {
  meta: { ...restrictedPaths.meta, docs: { description: 'no-restricted-paths for value imports; type-only imports pass' } },
  create(context) {
    const visitors = restrictedPaths.create(context);
    const skipTypes = (visit) => visit && ((node) => (typeOnly(node) ? undefined : visit(node)));
    return {
      ...visitors,
      ImportDeclaration: skipTypes(visitors.ImportDeclaration),
      ExportNamedDeclaration: skipTypes(visitors.ExportNamedDeclaration),
      ExportAllDeclaration: skipTypes(visitors.ExportAllDeclaration),
    };
  },
};

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/cdk.out/**', 'coverage/**', '.stryker-tmp/**', 'reports/**', 'checker/test/fixtures/**/does-not-compile*.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // The checks' assertion is `ensure`; the old `expect` alias shadowed vitest's. A warning until every branch has moved.
      'no-restricted-imports': [
        'warn',
        { patterns: [{ group: ['**/runner/harness.js'], importNames: ['expect'], message: 'Use `ensure` (same helper; `expect` shadows vitest).' }] },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
    },
  },
  {
    // Escape sequences in regular expressions are how the kit finds and strips terminal colour codes.
    rules: { 'no-control-regex': 'off' },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', setTimeout: 'readonly', setInterval: 'readonly', Buffer: 'readonly', URL: 'readonly' },
    },
  },
  {
    // Starters keep the parameters the learner will use; broken and wrong implementations are wrong on purpose.
    files: ['labs/*/exercises/**', 'checker/test/fixtures/**'],
    rules: { '@typescript-eslint/no-unused-vars': 'off', 'prefer-const': 'off', 'no-unassigned-vars': 'off' },
  },
  {
    files: ['**/test/**', '**/*.test.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Layering: the kit's own code. Tests may reach into any layer.
    files: ['checker/**/*.ts', 'labs/**/*.ts', 'solutions/**/*.ts'],
    ignores: ['**/test/**', '**/*.test.ts'],
    plugins: { 'import-x': importX, layers: { rules: { 'value-imports': valueImports } } },
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver({ project: `${root}/tsconfig.json` })] },
    rules: {
      'import-x/no-restricted-paths': ['error', { basePath: root, zones }],
      'layers/value-imports': ['error', { basePath: root, zones: valueZones }],
    },
  },
);
