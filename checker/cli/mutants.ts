/**
 * npm run mutants -- <lab> [--exercise NN]
 * How well a lab's checks catch wrong code: StrykerJS mutates the lab's
 * reference solutions (solutions/NN-slug/exercises/*.ts, nothing else), and a
 * mutant is killed when the reference no longer passes that exercise's checks
 * on the local target. Each exercise is its own Stryker run, so a mutant pays
 * only for its own exercise's checks (and one engine start: the command runner
 * starts a fresh `npm run check` per mutant). A maintainer's tool, slow by
 * nature (minutes per exercise); the test suite and CI never run it.
 *
 * Stryker runs the check in a sandbox copy of the repository; the checker
 * resolves the solutions from its own folder (the sandbox's), and the
 * exercise process inherits __STRYKER_ACTIVE_MUTANT__ from the check.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { MutantResult, PartialStrykerOptions } from '@stryker-mutator/api/core';
import { labKey, type ExerciseMeta, type LabMeta } from '../core/lab.js';
import { EnvironmentError, UsageError } from '../core/errors.js';
import { resolveExercise } from '../core/resolve-exercise.js';
import { parseFlags } from './args.js';
import { resolveLab } from './resolve-lab.js';
import { runCommand } from './run-command.js';
import { REPO_ROOT } from '../runner/run-exercise.js';

export const MUTANTS_USAGE = 'Usage: npm run mutants -- <lab> [--exercise NN], for example npm run mutants -- 6.';

const MUTANTS_HELP = `${MUTANTS_USAGE}

Mutates the lab's reference solutions (solutions/NN-*/exercises/*.ts) with StrykerJS and runs
\`npm run check -- <lab> --target local --solutions --exercise NN\` against each mutant: a mutant the
checks still pass is a gap in the checks. One exercise at a time, one mutant at a time, at low priority.

Reports: reports/mutation/<lab>-<exercise>.json (mutation-testing-report-schema), and a summary here.
Exit codes: 0 the runs completed (whatever the score), 2 usage or environment problem.`;

/**
 * Past the dry run's time x factor + this, a mutant counts as a timeout, so an endless loop cannot hang
 * the run. Generous on purpose: at nice 19 on a busy machine a check can take three times its dry run, and
 * a starved run reported as a timeout hides what the checks would have said. (An endless loop inside the
 * solution rarely gets here: the checker itself gives up on a learner's call that does not answer.)
 */
const TIMEOUT_MS = 180_000;
const TIMEOUT_FACTOR = 2;

export interface ExerciseScore {
  exercise: string;
  killed: number;
  survived: number;
  timeout: number;
  noCoverage: number;
  other: number;
  survivors: MutantResult[];
}

/** The Stryker options for one exercise of one lab. */
export function strykerOptionsFor(lab: LabMeta, exercise: ExerciseMeta, solutionFile: string): PartialStrykerOptions {
  return {
    testRunner: 'command',
    commandRunner: { command: `npm run --silent check -- ${lab.id} --target local --solutions --exercise ${exercise.id} --no-input --no-color` },
    mutate: [relative(REPO_ROOT, solutionFile)],
    // Two cores shared with engines that the check starts: more would only make timings (and timeouts) noisy.
    concurrency: 1,
    timeoutMS: TIMEOUT_MS,
    timeoutFactor: TIMEOUT_FACTOR,
    reporters: ['progress', 'clear-text', 'json'],
    jsonReporter: { fileName: `reports/mutation/${labKey(lab)}-${exercise.id}.json` },
    tempDirName: '.stryker-tmp',
    cleanTempDir: 'always',
    // The command runner is built in; nothing to scan node_modules for.
    plugins: [],
    ignorePatterns: ['/results', '/cdk.out', '/coverage', '/class-report.html'],
  };
}

export function scoreOf(exercise: string, results: readonly MutantResult[]): ExerciseScore {
  const count = (status: MutantResult['status']) => results.filter((r) => r.status === status).length;
  return {
    exercise,
    killed: count('Killed'),
    survived: count('Survived'),
    timeout: count('Timeout'),
    noCoverage: count('NoCoverage'),
    other: results.filter((r) => !['Killed', 'Survived', 'Timeout', 'NoCoverage', 'Ignored'].includes(r.status)).length,
    survivors: results.filter((r) => r.status === 'Survived' || r.status === 'NoCoverage'),
  };
}

function solutionFiles(lab: LabMeta, only?: string): { exercise: ExerciseMeta; file: string }[] {
  const dir = join(REPO_ROOT, 'solutions', labKey(lab), 'exercises');
  const present = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.ts')) : [];
  const wanted = only !== undefined ? [resolveExercise(lab, only)] : lab.exercises;
  const found = wanted.filter((e) => present.includes(`${e.id}.ts`)).map((exercise) => ({ exercise, file: join(dir, `${exercise.id}.ts`) }));
  if (found.length === 0) {
    throw new UsageError(
      `Lab ${lab.id} has no reference solution to mutate in solutions/${labKey(lab)}/exercises/.`,
      'Mutation runs need the reference solutions of the kit.',
    );
  }
  return found;
}

export function summary(lab: Pick<LabMeta, 'id'>, scores: readonly ExerciseScore[], seconds: number): string {
  const whole = Math.round(seconds);
  const lines = [`Lab ${lab.id} mutation run in ${Math.floor(whole / 60)} min ${whole % 60} s`];
  for (const s of scores) {
    lines.push(
      `  ${s.exercise}: ${s.killed} killed, ${s.survived} survived, ${s.timeout} timeout, ${s.noCoverage} no coverage${s.other ? `, ${s.other} other` : ''}`,
    );
    if (s.killed + s.timeout === 0 && s.survivors.length > 0) {
      lines.push(
        '    no mutant was killed: either the checks miss everything or the mutated code never ran mutated. Stryker picks the mutant through' +
          ' __STRYKER_ACTIVE_MUTANT__, which a process with a pruned environment (a local Lambda environment) does not inherit.',
      );
    }
    for (const m of s.survivors) {
      lines.push(`    survived ${m.id} ${m.mutatorName} line ${m.location.start.line}: ${JSON.stringify(m.replacement ?? '')}`);
    }
  }
  return lines.join('\n');
}

export async function mutantsMain(argv: string[]): Promise<number> {
  const flags = parseFlags(argv, MUTANTS_USAGE, { script: 'mutants', flags: ['exercise', 'help'] });
  if (flags.help) {
    process.stdout.write(`${MUTANTS_HELP}\n`);
    return 0;
  }
  if (flags.lab === undefined) throw new UsageError('Which lab? Give the lab number whose reference solutions should be mutated.', MUTANTS_USAGE);
  const lab = resolveLab(flags.lab);
  const targets = solutionFiles(lab, flags.exercise);
  // Loaded only for a real run: usage errors stay quick.
  const { Stryker } = await import('@stryker-mutator/core');
  const started = Date.now();
  const scores: ExerciseScore[] = [];
  for (const { exercise, file } of targets) {
    process.stdout.write(`\nLab ${lab.id}, exercise ${exercise.id}: mutating ${relative(REPO_ROOT, file)}\n`);
    let results: MutantResult[];
    try {
      results = await new Stryker(strykerOptionsFor(lab, exercise, file)).runMutationTest();
    } catch (err) {
      // Stryker has logged its reason (most often: the unmutated reference fails its own checks in the dry run).
      throw new EnvironmentError(
        `The mutation run of Lab ${lab.id}, exercise ${exercise.id} stopped: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}.`,
        `First make sure the reference passes: npm run check -- ${lab.id} --target local --solutions --exercise ${exercise.id}.`,
      );
    }
    scores.push(scoreOf(exercise.id, results));
  }
  process.stdout.write(`\n${summary(lab, scores, (Date.now() - started) / 1000)}\n`);
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  void runCommand(() => mutantsMain(process.argv.slice(2)));
}
