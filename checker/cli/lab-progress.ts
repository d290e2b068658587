/** npm run lab status | reset | --show-solution: the learner's progress, kept in one small file. */
import { labs } from '../../labs/index.js';
import type { LabMeta } from '../core/lab.js';
import { UsageError } from '../core/errors.js';
import { parseFlags } from './args.js';
import { resolveLab } from './resolve-lab.js';
import { canPrompt, makeChalk, say } from './terminal.js';
import { loadProgress, rebuildNeeded, recordRun } from '../progress/state.js';
import { renderStatus } from '../progress/render.js';
import { applyReset, confirmationMessage, planReset, planResetAll, type ResetPlan } from '../progress/reset.js';
import { describeShowSolution, readSolution } from '../progress/solutions.js';

const STATUS_USAGE = 'Usage: npm run lab status';
const RESET_USAGE = 'Usage: npm run lab reset <number> [-- --exercise NN] [-- --yes], or npm run lab reset -- --all [--yes]';

export async function labStatus(argv: string[]): Promise<number> {
  const flags = parseFlags(argv, STATUS_USAGE);
  const c = makeChalk(flags, process.stdout);
  let loaded = loadProgress();
  if (rebuildNeeded(loaded)) {
    say(`${loaded.problem} Rebuilding it from the checks on the local target...`);
    const { runLocally } = await import('./targets.js');
    for (const lab of labs.filter((l) => l.status === 'ready')) {
      const doc = await runLocally(lab, { ...flags, json: true }, (run) => run({}));
      recordRun(doc, loaded.path);
    }
    loaded = { ...loadProgress(loaded.path), problem: loaded.problem };
  }
  process.stdout.write(`${renderStatus(c, labs, loaded.state, { progressPath: loaded.path, problem: loaded.problem })}\n`);
  return 0;
}

export async function labReset(argv: string[]): Promise<number> {
  const flags = parseFlags(argv, RESET_USAGE);
  let plans: ResetPlan[];
  if (flags.all) plans = planResetAll();
  else if (flags.lab !== undefined) plans = [planReset(resolveLab(flags.lab), { exerciseIds: flags.exercise ? [flags.exercise] : undefined })];
  else throw new UsageError('Reset which lab? Name one, or pass --all.', RESET_USAGE);

  say(confirmationMessage(plans));
  let go = flags.yes;
  if (!go) {
    if (!canPrompt(flags)) throw new UsageError('Nothing was reset: this run cannot ask for a confirmation (no terminal, CI, or --no-input).', 'Add -- --yes to reset anyway.');
    const { confirm } = await import('@inquirer/prompts');
    go = await confirm({ message: 'Reset now?', default: false });
  }
  if (!go) {
    say('Nothing was reset.');
    return 0;
  }
  for (const plan of plans) {
    const result = applyReset(plan);
    for (const file of result.files) say(`${file.action === 'unchanged' ? '·' : '↺'} ${file.path} ${file.action}${file.backup ? ` (your version: ${file.backup})` : ''}`);
    if (result.progressProblem) say(result.progressProblem);
  }
  return 0;
}

export function showSolution(lab: LabMeta, exerciseId: string): number {
  say(describeShowSolution(lab, exerciseId, loadProgress().state));
  process.stdout.write(readSolution(lab, exerciseId).text);
  return 0;
}
