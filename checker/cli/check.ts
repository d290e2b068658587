/**
 * npm run check -- [lab] [--target local|aws] [--exercise NN] [--json] [--no-input]
 * Verifies the learner's exercises (and, on AWS, their deployed resources).
 * Interactive on a terminal when lab or target is missing; never prompts in
 * CI, without a TTY, or with --no-input.
 */
import { findPlugin, labs } from '../../labs/index.js';
import { exitCodeFor, type ResultsDocument } from '../core/result.js';
import type { LabMeta } from '../core/lab.js';
import { reportProgress } from './report-progress.js';
import { UsageError } from '../core/errors.js';
import { parseFlags, type CommonFlags } from './args.js';
import { CHECK_FLAGS, CHECK_HELP, CHECK_USAGE, refuseUnusedFlags } from './check-flags.js';
import { resolveExercise } from '../core/resolve-exercise.js';
import { resolveLab } from './resolve-lab.js';
import { runCommand } from './run-command.js';
import { exitOnStopSignals, stopRequested } from '../core/stop-signals.js';
import { canPrompt, makeChalk, say } from './terminal.js';
import type { Progress } from './spinner.js';
import { renderCheck, renderGroupHeader } from '../render/terminal.js';

export { CHECK_USAGE } from './check-flags.js';

async function ask(flags: CommonFlags): Promise<CommonFlags> {
  const interactive = canPrompt(flags) && !flags.json;
  if (!interactive || (flags.lab !== undefined && flags.target !== undefined)) {
    if (flags.lab === undefined)
      throw new UsageError('Which lab? No lab number was given and this run cannot ask (no terminal, CI set, or --no-input).', CHECK_USAGE);
    return flags;
  }
  // Loaded only when a prompt is really shown: it keeps scripted runs quick to start.
  const { select } = await import('@inquirer/prompts');
  if (flags.lab === undefined) {
    if (!interactive) throw new UsageError('Which lab? No lab number was given and this run cannot ask (no terminal, CI set, or --no-input).', CHECK_USAGE);
    flags.lab = await select({
      message: 'Which lab do you want to check?',
      choices: labs.map((l) => ({ name: `${l.id}. ${l.title}`, value: l.id, disabled: l.status === 'ready' ? false : '(coming)' })),
    });
  }
  if (flags.target === undefined && interactive) {
    flags.target = await select({
      message: 'Where should the exercises run?',
      choices: [
        { name: 'local - Redis and MariaDB on this machine (no AWS needed)', value: 'local' as const },
        { name: 'aws - my deployed stack (credentials needed)', value: 'aws' as const },
      ],
    });
  }
  return flags;
}

export async function checkMain(argv: string[]): Promise<number> {
  const parsed = parseFlags(argv, CHECK_USAGE, CHECK_FLAGS);
  if (parsed.help) {
    process.stdout.write(`${CHECK_HELP}\n`);
    return 0;
  }
  if (parsed.learner !== undefined && !parsed.all) {
    throw new UsageError(
      '--learner names whose results an --all --json file holds; a run of one lab records no learner.',
      'Use it as npm run check -- --all --json --learner ID, or leave it out.',
    );
  }
  if (parsed.all) return checkAll(parsed);
  const flags = await ask(parsed);
  const lab = resolveLab(flags.lab as number);
  const doc = await checkLab(lab, flags);
  if (flags.json) process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
  return exitCodeFor(doc.status);
}

/** Runs one lab's checks, printing them live on a terminal; returns the results document. */
async function checkLab(lab: LabMeta, flags: CommonFlags): Promise<ResultsDocument> {
  const exercise = flags.exercise !== undefined ? resolveExercise(lab, flags.exercise).id : undefined;
  refuseUnusedFlags(lab, flags);
  const c = makeChalk(flags, process.stdout);
  const titles = Object.fromEntries([
    ...lab.exercises.map((e) => [e.id, `${e.id.slice(0, 2)} ${e.title}`]),
    ['aws', 'AWS resources'],
    ['drill', 'Failover drill'],
  ]);

  const { withTarget } = await import('./targets.js');
  const { startProgress } = await import('./spinner.js');
  let measuring: Progress | undefined;
  let measuringWhat = '';
  let lastGroup: string | undefined;
  const doc: ResultsDocument = await withTarget(lab, flags, (endpointsRun) =>
    endpointsRun({
      exercise,
      solutions: flags.solutions,
      measure: true,
      onMeasurement: (phase, what) => {
        if (phase === 'start') {
          measuringWhat = what;
          measuring = startProgress(`All checks passed: ${what}`, flags.json);
        } else if (phase === 'progress') measuring?.update(`All checks passed: ${measuringWhat} ${what}`);
        else measuring?.succeed('Measured with your code');
      },
      onExerciseStart: (id) => {
        if (flags.json && process.stderr.isTTY) say(`running ${id}...`);
      },
      onResult: (result) => {
        if (flags.json) return;
        if (result.group !== lastGroup) {
          lastGroup = result.group;
          process.stdout.write(`${renderGroupHeader(c, titles[result.group ?? ''] ?? result.group ?? '')}\n`);
        }
        process.stdout.write(`${renderCheck(c, result, result.group === 'drill')}\n`);
      },
    }),
  );

  const { modifiedKitFiles } = await import('./kit-fingerprint.js');
  const changed = modifiedKitFiles() ?? [];
  if (changed.length > 0) {
    say(
      `Note: ${changed.length === 1 ? 'a file' : `${changed.length} files`} of the kit itself ${changed.length === 1 ? 'differs' : 'differ'} from its commit (${changed.slice(0, 3).join(', ')}${changed.length > 3 ? ', ...' : ''}); results files record this and the class report flags it. Restore with git checkout -- <file> unless you meant to change the kit.`,
    );
  }
  // A run cut short by Ctrl-C has not judged anything.
  if (!flags.solutions && !stopRequested()) reportProgress(lab, doc);
  if (!flags.json) {
    const skippedOnAws = doc.checks.filter((x) => x.group === 'aws' && x.status === 'skipped');
    if (skippedOnAws.length > 0) process.stdout.write(`${renderGroupHeader(c, titles.aws)}\n`);
    // They share one reason: say it once, under the last of them.
    skippedOnAws.forEach((extra, i) => {
      const lines = renderCheck(c, extra, true).split('\n');
      process.stdout.write(`${(i === skippedOnAws.length - 1 ? lines : lines.slice(0, 1)).join('\n')}\n`);
    });
    const { renderTail } = await import('../render/tail.js');
    const renderers = doc.measurements ? ((await findPlugin(lab.id)?.renderers?.()) ?? []) : [];
    process.stdout.write(`${renderTail(c, doc, { exercise }, renderers)}\n`);
  }
  return doc;
}

/**
 * --all: every ready lab, one after the other. With --json the output is the
 * learner's results file the instructor's class report reads.
 */
async function checkAll(flags: CommonFlags): Promise<number> {
  if (flags.lab !== undefined) throw new UsageError('--all runs every lab: leave out the lab number.', CHECK_USAGE);
  if (flags.exercise !== undefined) throw new UsageError('--exercise goes with one lab, not with --all.', CHECK_USAGE);
  if (flags.failoverDrill || flags.resumeDrill) throw new UsageError('The drills go with one lab, not with --all.', CHECK_USAGE);
  const ready = labs.filter((l) => l.status === 'ready');
  const docs = await checkEach(ready, (lab) => checkLab(lab, flags), { json: flags.json });
  if (flags.json) {
    const { makeLearnerResults } = await import('../report/learner-results.js');
    const { learnerIdentity, kitVersion } = await import('./learner.js');
    const { kitHash, modifiedKitFiles } = await import('./kit-fingerprint.js');
    const modified = modifiedKitFiles();
    const kit = { version: kitVersion(), hash: kitHash(), ...(modified ? { modified } : {}) };
    process.stdout.write(`${JSON.stringify(makeLearnerResults(learnerIdentity(flags.learner), docs, kit), null, 2)}\n`);
  }
  const codes = docs.map((d) => exitCodeFor(d.status));
  return codes.includes(2) ? 2 : codes.includes(1) ? 1 : 0;
}

/**
 * Runs the labs one after the other. A person watching a terminal is told which
 * lab is running (a --json run is otherwise silent for minutes); a script
 * reading stderr gets nothing extra.
 */
export async function checkEach(
  list: readonly LabMeta[],
  check: (lab: LabMeta) => Promise<ResultsDocument>,
  options: { json: boolean; stderr?: Pick<NodeJS.WriteStream, 'isTTY' | 'write'>; stdout?: Pick<NodeJS.WriteStream, 'write'> },
): Promise<ResultsDocument[]> {
  const stderr = options.stderr ?? process.stderr;
  const stdout = options.stdout ?? process.stdout;
  const docs: ResultsDocument[] = [];
  for (const [i, lab] of list.entries()) {
    if (!options.json) stdout.write('\n');
    if (stderr.isTTY) stderr.write(`Lab ${lab.id} (${i + 1} of ${list.length}): ${lab.title}\n`);
    docs.push(await check(lab));
  }
  return docs;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  exitOnStopSignals();
  void runCommand(() => checkMain(process.argv.slice(2)));
}
