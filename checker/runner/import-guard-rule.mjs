// The rule both module systems apply (see import-guard-hooks.mjs for why):
// returns the sentence that refuses the import, or undefined to allow it.
import { fileURLToPath } from 'node:url';

const ALLOWED_IN_CHECKER = new Set(['checker/exercise-api.ts', 'checker/exercise-api.js']);

export function refusal(root, parentUrl, targetUrl) {
  if (!parentUrl || !parentUrl.startsWith('file:') || !targetUrl.startsWith(root)) return undefined;
  const inside = (url, folder) => url.startsWith(`${root}${folder}/`);
  const fixture = inside(parentUrl, 'checker/test/fixtures');
  // Learner code: exercise folders, the tests' fixtures and files outside the kit. The kit's own
  // files (checker/, a lab's lab.ts and seed, stacks/) load the lab's plug-in in the same process.
  // A learner's file compiled by the checker (compile.ts) is held to the exercise rule at run time (require, import()).
  const compiled = inside(parentUrl, 'node_modules/.cache/data-tier-labs');
  const exercise = compiled || (parentUrl.startsWith(root) && /^(labs|solutions)\/[^/]+\/exercises\//.test(parentUrl.slice(root.length)));
  if (!fixture && !exercise && parentUrl.startsWith(root)) return undefined;
  const target = targetUrl.slice(root.length).split(/[?#]/)[0];
  const shown = parentUrl.startsWith(root) ? parentUrl.slice(root.length) : fileURLToPath(parentUrl);
  if (inside(targetUrl, 'solutions') && !inside(parentUrl, 'solutions') && !fixture) {
    return `${shown} imports ${target}: an exercise may not use the reference solutions. Write the code yourself; the lab menu (npm run lab N) has hints.`;
  }
  if (inside(targetUrl, 'checker') && !ALLOWED_IN_CHECKER.has(target)) {
    return `${shown} imports ${target}: an exercise may import only checker/exercise-api.ts from the checker, not its internals.`;
  }
  return undefined;
}
