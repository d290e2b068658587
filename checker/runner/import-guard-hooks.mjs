// A learner's exercise may import libraries, its own lab's files and
// checker/exercise-api.ts - nothing of the reference solutions, nothing of the
// checker's internals (which would let it patch what judges it). The rule
// looks at who imports: the checker's own modules import what they like;
// the test fixtures that stand in for learners are held to the checker rule
// (they may reuse a solved step of another exercise, as a learner reuses their own).
import { refusal } from './import-guard-rule.mjs';

let root = '';

export function initialize(data) {
  root = data.root;
}

export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  const refused = refusal(root, context.parentURL, resolved.url);
  if (refused) throw new Error(refused);
  return resolved;
}
