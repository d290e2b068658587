// Loaded with --import into every exercise process, before any learner code:
// the import rule of import-guard-rule.mjs for `import` (a loader hook) and
// for `require` (createRequire, CommonJS files).
import Module, { register } from 'node:module';
import { pathToFileURL } from 'node:url';
import { refusal } from './import-guard-rule.mjs';

const root = new URL('../../', import.meta.url).href;
register(new URL('./import-guard-hooks.mjs', import.meta.url), { data: { root } });

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function guardedResolve(request, parent, ...rest) {
  const filename = resolveFilename.call(this, request, parent, ...rest);
  const from = parent?.filename ? pathToFileURL(parent.filename).href : undefined;
  const refused = filename.startsWith('/') ? refusal(root, from, pathToFileURL(filename).href) : undefined;
  if (refused) throw new Error(refused);
  return filename;
};
