/**
 * npm run lab [n]: the lab's front page and its menu. Without a terminal it
 * shows the page, runs the exercises once on the local target and says what
 * to do next, so it never waits for input nobody can give.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { select } from '@inquirer/prompts';
import type { ChalkInstance } from 'chalk';
import { labs } from '../../labs/index.js';
import { labDir, type LabMeta } from '../core/lab.js';
import { UsageError } from '../core/errors.js';
import { parseFlags, type CommonFlags, type FlagScope } from './args.js';
import { resolveLab } from './resolve-lab.js';
import { explain, runCommand } from './run-command.js';
import { exitOnStopSignals } from '../core/stop-signals.js';
import { canPrompt, makeChalk, say } from './terminal.js';
import { renderLabScreen } from '../render/lab-screen.js';
import { findExecutable } from '../engines/binaries.js';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

// The commands behind the menu load on first use, so the page appears quickly.
const checkMain = async (argv: string[]) => (await import('./check.js')).checkMain(argv);
const deployMain = async (argv: string[]) => (await import('./deploy.js')).deployMain(argv);
const watchExercises: typeof import('./watch.js').watchExercises = async (...args) => (await import('./watch.js')).watchExercises(...args);
const labShell: typeof import('./lab-shell.js').labShell = async (...args) => (await import('./lab-shell.js')).labShell(...args);
const realSelect: Ask = async (...args) => (await import('@inquirer/prompts')).select(...args);

export const LAB_USAGE =
  'Usage: npm run lab [<number>] [-- --watch [--poll]] [-- --shell] [-- --show-solution NN]; npm run lab status; npm run lab reset <number> [-- --exercise NN] [--yes]; ' +
  'npm run lab reset -- --all [--yes]. Example: npm run lab 5';

export const LAB_HELP = [
  'Usage: npm run lab                                  list the labs (pick one on a terminal)',
  "       npm run lab <number>                         a lab's page and its menu",
  '       npm run lab <number> -- --watch [--poll]     re-run the checks each time you save',
  '                                                    (--poll where file events go missing)',
  "       npm run lab <number> -- --shell              start the lab's local engines and open a SQL or",
  '                                                    redis-cli prompt on them',
  '       npm run lab <number> -- --show-solution NN   print a reference solution',
  '       npm run lab status                           your progress',
  '       npm run lab reset <number> [-- --exercise NN] [--yes]',
  '                                                    put exercises back to their starting version',
  '       npm run lab reset -- --all [--yes]           the same for every lab',
  '',
  'Flags: --no-input (never ask), --no-color, --profile P and --region R (passed on to the',
  'AWS actions of the menu). Flags go after `--`: written before it, npm keeps them for itself.',
].join('\n');

const LAB_FLAGS: FlagScope = { script: 'lab', flags: ['watch', 'poll', 'shell', 'show-solution', 'no-input', 'no-color', 'profile', 'region', 'help'] };

export type MenuAction = 'run-local' | 'run-aws' | 'watch' | 'shell' | 'deploy' | 'check-aws' | 'hint' | 'lesson' | 'destroy' | 'quit';

/** How the menu asks; tests pass one bound to scripted input streams. */
export type Ask = (...args: Parameters<typeof select>) => Promise<unknown>;

export const MENU: Array<{ name: string; value: MenuAction }> = [
  { name: 'Run the exercises locally', value: 'run-local' },
  { name: 'Watch mode: re-run the exercises each time I save', value: 'watch' },
  { name: 'Open a SQL or Redis prompt on the local engines', value: 'shell' },
  { name: 'Show a hint', value: 'hint' },
  { name: 'Open the lesson', value: 'lesson' },
  { name: 'Deploy the stack to AWS', value: 'deploy' },
  { name: 'Check my AWS resources', value: 'check-aws' },
  { name: 'Run the exercises against AWS (through the tunnel)', value: 'run-aws' },
  { name: 'Destroy the stack', value: 'destroy' },
  { name: 'Quit', value: 'quit' },
];

function flagArgs(flags: CommonFlags): string[] {
  return [
    ...(flags.noColor ? ['--no-color'] : []),
    ...(flags.profile ? ['--profile', flags.profile] : []),
    ...(flags.region ? ['--region', flags.region] : []),
  ];
}

/** Runs one menu action; failures are explained and the menu carries on. */
export async function perform(action: MenuAction, lab: LabMeta, flags: CommonFlags, c: ChalkInstance, ask: Ask): Promise<void> {
  const common = flagArgs(flags);
  try {
    switch (action) {
      case 'run-local':
        await checkMain([String(lab.id), '--target', 'local', ...common]);
        break;
      case 'run-aws':
        await checkMain([String(lab.id), '--target', 'aws', '--tunnel', ...common]);
        break;
      case 'check-aws':
        await checkMain([String(lab.id), '--target', 'aws', '--resources-only', ...common]);
        break;
      case 'watch':
        await watchExercises(lab, c, { poll: flags.poll });
        break;
      case 'shell':
        await labShell(lab, { interactive: true });
        break;
      case 'deploy':
        await deployMain(['deploy', String(lab.id), ...common]);
        break;
      case 'destroy':
        await deployMain(['destroy', String(lab.id), ...common]);
        break;
      case 'hint': {
        const which = await ask({
          message: 'Hint for which exercise?',
          choices: lab.exercises.map((e) => ({ name: `${e.id.slice(0, 2)} ${e.title}`, value: e.id })),
        });
        const exercise = lab.exercises.find((e) => e.id === which);
        say(`\n${c.cyan('hint:')} ${exercise?.hint}`);
        for (const h of lab.hints) say(`${c.dim('tip:')} ${h}`);
        break;
      }
      case 'lesson': {
        const path = join(REPO_ROOT, labDir(lab), 'README.md');
        const pager = process.stdout.isTTY ? findExecutable([process.env.PAGER ?? 'less', 'less', 'more']) : undefined;
        if (pager) spawnSync(pager, [path], { stdio: 'inherit' });
        else say(`The lesson is ${labDir(lab)}/README.md: open it in your editor (mermaid diagrams render on GitHub and in VS Code's preview).`);
        break;
      }
      case 'quit':
        break;
    }
  } catch (err) {
    if (err instanceof Error && err.name === 'ExitPromptError') throw err;
    say(`\n${explain(err).text}`);
  }
}

export async function labMenu(lab: LabMeta, flags: CommonFlags, c: ChalkInstance, ask: Ask = realSelect): Promise<MenuAction[]> {
  const chosen: MenuAction[] = [];
  // The menu has no command line: AWS errors say how to set a profile or region before starting the lab.
  const { adviseForLabMenu } = await import('../aws/errors.js');
  adviseForLabMenu(lab.id);
  try {
    for (;;) {
      const action = (await ask({ message: `Lab ${lab.id}: what next?`, choices: MENU, pageSize: MENU.length })) as MenuAction;
      chosen.push(action);
      if (action === 'quit') return chosen;
      await perform(action, lab, flags, c, ask);
    }
  } finally {
    adviseForLabMenu(undefined);
  }
}

export async function labMain(argv: string[], ask: Ask = realSelect): Promise<number> {
  const [first, ...rest] = argv;
  if (first === 'status') return (await import('./lab-progress.js')).labStatus(rest);
  if (first === 'reset') return (await import('./lab-progress.js')).labReset(rest);
  const flags = parseFlags(argv, LAB_USAGE, LAB_FLAGS);
  if (flags.help) {
    process.stdout.write(`${LAB_HELP}\n`);
    return 0;
  }
  if (flags.poll && !flags.watch) throw new UsageError('--poll changes how watch mode sees your saves: it goes with --watch.', LAB_USAGE);
  const c = makeChalk(flags, process.stdout);
  const interactive = canPrompt(flags);
  if (flags.showSolution !== undefined) {
    if (flags.lab === undefined) throw new UsageError('Which lab? --show-solution needs a lab number: npm run lab 5 -- --show-solution 02');
    return (await import('./lab-progress.js')).showSolution(resolveLab(flags.lab), flags.showSolution);
  }
  let id = flags.lab;
  if (flags.shell && id === undefined && !interactive) {
    throw new UsageError("Which lab? --shell opens a prompt on one lab's local engines: npm run lab 3 -- --shell", LAB_USAGE);
  }
  if (id === undefined) {
    const { loadProgress } = await import('../progress/state.js');
    const { renderLabListWithProgress } = await import('../progress/render.js');
    const loaded = loadProgress();
    if (loaded.problem) say(loaded.problem);
    process.stdout.write(`${renderLabListWithProgress(c, labs, loaded.state)}\n`);
    if (!interactive) return 0;
    id = (await ask({
      message: 'Open which lab?',
      choices: labs.map((l) => ({ name: `${l.id}. ${l.title}`, value: l.id, disabled: l.status === 'ready' ? false : '(coming)' })),
    })) as number;
  }
  const lab = resolveLab(id);
  if (flags.shell) return labShell(lab, { interactive });
  process.stdout.write(`\n${renderLabScreen(c, lab)}\n\n`);
  if (flags.watch) return watchExercises(lab, c, { poll: flags.poll });
  if (!interactive) {
    say(c.dim('No terminal to ask on (or CI / --no-input), so here is a local run of the exercises. The menu appears when you run this in a terminal.'));
    const code = await checkMain([String(lab.id), '--target', 'local', ...flagArgs(flags)]);
    say(`\nNext: edit ${labDir(lab)}/exercises/, then \`npm run check -- ${lab.id}\`, or \`npm run lab ${lab.id} -- --watch\` to re-run on every save.`);
    // The page was shown and the run reported; failing starting exercises are expected here.
    return code === 2 ? 2 : 0;
  }
  await labMenu(lab, flags, c, ask);
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  exitOnStopSignals();
  void runCommand(() => labMain(process.argv.slice(2)));
}
