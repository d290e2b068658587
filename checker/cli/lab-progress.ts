/** npm run lab status | reset | --show-solution: the learner's progress, kept in one small file. */
import { labs } from '../../labs/index.js';
import type { LabMeta } from '../core/lab.js';
import { UsageError } from '../core/errors.js';
import { parseFlags, type CommonFlags, type FlagScope } from './args.js';
import { resolveLab } from './resolve-lab.js';
import { canPrompt, makeChalk, say } from './terminal.js';
import { loadProgress, rebuildNeeded, recordRun } from '../progress/state.js';
import { renderStatus } from '../progress/render.js';
import { applyReset, confirmationMessage, planReset, planResetAll, type ResetPlan } from '../progress/reset.js';
import { describeShowSolution, readSolution } from '../progress/solutions.js';

const STATUS_USAGE = 'Usage: npm run lab status';
const RESET_USAGE = 'Usage: npm run lab reset <number> [-- --exercise NN] [--yes], or npm run lab reset -- --all [--yes]';
const STATUS_FLAGS: FlagScope = { script: 'lab', flags: ['no-color', 'no-input', 'help'] };
const RESET_FLAGS: FlagScope = { script: 'lab', flags: ['exercise', 'all', 'yes', 'no-input', 'no-color', 'help'] };

export async function labStatus(argv: string[]): Promise<number> {
  const flags = parseFlags(argv, STATUS_USAGE, STATUS_FLAGS);
  if (flags.lab !== undefined) throw new UsageError('`npm run lab status` shows every lab at once: leave out the number.', STATUS_USAGE);
  if (flags.help) {
    process.stdout.write(`${STATUS_USAGE}\n`);
    return 0;
  }
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
  const flags = parseFlags(argv, RESET_USAGE, RESET_FLAGS);
  if (flags.help) {
    process.stdout.write(`${RESET_USAGE}\n`);
    return 0;
  }
  const plans = planFromFlags(flags);

  say(confirmationMessage(plans));
  let go = flags.yes;
  if (!go) {
    if (!canPrompt(flags))
      throw new UsageError('Nothing was reset: this run cannot ask for a confirmation (no terminal, CI, or --no-input).', 'Add -- --yes to reset anyway.');
    const { confirm } = await import('@inquirer/prompts');
    go = await confirm({ message: 'Reset now?', default: false });
  }
  if (!go) {
    say('Nothing was reset.');
    return 0;
  }
  for (const plan of plans) {
    const result = applyReset(plan);
    for (const file of result.files)
      say(`${file.action === 'unchanged' ? '·' : '↺'} ${file.path} ${file.action}${file.backup ? ` (your version: ${file.backup})` : ''}`);
    if (result.progressProblem) say(result.progressProblem);
  }
  return 0;
}

/**
 * What a reset covers. Conflicting scopes are refused, never resolved by
 * picking the widest: `reset 5 -- --all --exercise 01` must not reset every lab.
 */
export function planFromFlags(flags: Pick<CommonFlags, 'all' | 'lab' | 'exercise'>): ResetPlan[] {
  if (flags.all) {
    if (flags.lab !== undefined) throw new UsageError(`--all resets every lab, and lab ${flags.lab} was named too: say one or the other.`, RESET_USAGE);
    if (flags.exercise !== undefined)
      throw new UsageError('--exercise names one exercise of one lab; --all resets every lab: say one or the other.', RESET_USAGE);
    return planResetAll({ labs });
  }
  if (flags.lab === undefined) {
    throw new UsageError(
      flags.exercise !== undefined ? 'Reset an exercise of which lab? Name the lab too.' : 'Reset which lab? Name one, or pass --all.',
      RESET_USAGE,
    );
  }
  return [planReset(resolveLab(flags.lab), { exerciseIds: flags.exercise !== undefined ? [flags.exercise] : undefined })];
}

export function showSolution(lab: LabMeta, exerciseId: string): number {
  say(describeShowSolution(lab, exerciseId, loadProgress().state));
  process.stdout.write(readSolution(lab, exerciseId).text);
  return 0;
}
