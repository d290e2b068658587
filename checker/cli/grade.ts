/**
 * npm run grade -- <submissions...> [--lab N] [--out class-report.html] [--results DIR] [--title TEXT]
 * The instructor's grading mode: each learner's submitted exercise files are
 * judged in a fresh copy of this kit (the instructor's checker, no reference
 * solutions in it), on the local target, and the class report is built from
 * the verdicts computed here - not from anything the learner's machine said.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { findLab, labs } from '../../labs/index.js';
import { EnvironmentError, KitError, UsageError } from '../core/errors.js';
import type { LabMeta } from '../core/lab.js';
import { printable } from '../core/printable.js';
import type { ResultsDocument } from '../core/result.js';
import { exitOnStopSignals, onStop, stopRequested } from '../core/stop-signals.js';
import { collectClass, type ParsedFile } from '../report/collect.js';
import { makeLearnerResults, type LearnerResults } from '../report/learner-results.js';
import { renderReport } from '../report/render.js';
import { parseSubmission, type Submission } from '../report/submission.js';
import { REPO_ROOT } from '../runner/run-exercise.js';
import { parseCommandLine } from './command-line.js';
import { kitCatalog } from './kit-catalog.js';
import { kitVersion } from './learner.js';
import { expandInputs, prepareOutput, refuseSpecialFiles, DEFAULT_OUT } from './report.js';
import { runCommand } from './run-command.js';
import { exercisePaths } from './submit.js';
import { say } from './terminal.js';

export const GRADE_USAGE =
  'Usage: npm run grade -- <submission files or folders...> [--lab N] [--out class-report.html] [--results DIR] [--title TEXT]. ' +
  'Example: npm run grade -- submissions/ --lab 5';

/** What the copy leaves out: the reference solutions, the instructor's own state, and anything large. */
const NOT_COPIED = new Set(['node_modules', '.git', 'solutions', '.data-tier-labs', 'cdk.out', 'submissions', 'results']);
/** One lab's check, engines included, never takes this long; a learner file that keeps it busy is stopped. */
const LAB_TIMEOUT_MS = 15 * 60_000;

/** A fresh copy of the kit with the learner's files in place of the starting ones. */
export function isolatedCopy(submission: Submission, root = REPO_ROOT): string {
  const dir = mkdtempSync(join(tmpdir(), `dtl-grade-${submission.learner.id}-`));
  cpSync(root, dir, {
    recursive: true,
    filter: (src) => {
      const rel = relative(root, src);
      return rel === '' || (!NOT_COPIED.has(rel.split('/')[0]!) && !rel.endsWith('.html') && !rel.endsWith('-submission.json'));
    },
  });
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  for (const [path, text] of Object.entries(submission.files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

/** Runs `check N --json` on the local target inside the copy; the document it prints, or why there is none. */
export function checkInCopy(dir: string, lab: LabMeta): Promise<{ doc?: ResultsDocument; problem?: string }> {
  return new Promise((done) => {
    const env: NodeJS.ProcessEnv = { ...process.env, CI: 'true', NO_COLOR: '1', TMPDIR: join(dir, '.tmp') };
    delete env.DTL_PROGRESS_FILE;
    delete env.npm_lifecycle_event;
    mkdirSync(join(dir, '.tmp'), { recursive: true });
    const child = spawn(process.execPath, ['--import', 'tsx', join(dir, 'checker/cli/check.ts'), String(lab.id), '--target', 'local', '--json', '--no-input'], {
      cwd: dir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4_000)));
    // The check stops its own engines on SIGTERM; the group kill is for whatever is left.
    const stop = () =>
      new Promise<void>((stopped) => {
        child.once('exit', () => stopped());
        child.kill('SIGTERM');
      });
    const release = onStop(stop);
    const timer = setTimeout(() => child.kill('SIGTERM'), LAB_TIMEOUT_MS);
    child.on('exit', (code) => {
      clearTimeout(timer);
      release();
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // the group is gone
      }
      try {
        const doc = JSON.parse(stdout) as ResultsDocument;
        if (doc && Array.isArray(doc.checks)) return done({ doc });
      } catch {
        // no document: said below
      }
      const last =
        stderr
          .trim()
          .split(/\n\s*\n/)
          .pop()
          ?.trim() ?? '';
      done({ problem: `Lab ${lab.id} could not be judged (exit ${code ?? 'killed'})${last ? `: ${last}` : ''}` });
    });
  });
}

export async function gradeMain(argv: string[]): Promise<number> {
  const parsed = parseCommandLine(
    argv,
    {
      lab: { type: 'string' },
      out: { type: 'string', short: 'o' },
      results: { type: 'string' },
      title: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    { script: 'grade', usage: GRADE_USAGE, maxPositionals: Number.MAX_SAFE_INTEGER },
  );
  if (parsed.values.help) {
    process.stdout.write(`${GRADE_USAGE}\n`);
    return 0;
  }
  if (parsed.positionals.length === 0)
    throw new UsageError('Which submissions? Give the files (or the folder) the learners sent you (made with npm run submit).', GRADE_USAGE);
  const ready = labs.filter((l) => l.status === 'ready');
  let graded = ready;
  if (parsed.values.lab !== undefined) {
    const lab = ready.find((l) => String(l.id) === parsed.values.lab!.replace(/^0+/, ''));
    if (!lab)
      throw new UsageError(`--lab ${printable(parsed.values.lab)} is not a ready lab of this kit (ready: ${ready.map((l) => l.id).join(', ')}).`, GRADE_USAGE);
    graded = [lab];
  }
  const files = expandInputs(parsed.positionals);
  if (files.length === 0) throw new UsageError(`There are no .json files in ${parsed.positionals.map(printable).join(', ')}.`, GRADE_USAGE);
  refuseSpecialFiles(files);
  const out = resolve(parsed.values.out ?? DEFAULT_OUT);
  prepareOutput(out);
  const resultsDir = parsed.values.results ? resolve(parsed.values.results) : undefined;
  if (resultsDir) mkdirSync(resultsDir, { recursive: true });

  const allowed = new Set(exercisePaths());
  const version = kitVersion();
  const outcomes: ParsedFile[] = [];
  const notes = new Map<string, string[]>();
  for (const [i, file] of files.entries()) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      outcomes.push({
        file,
        outcome: { ok: false, kind: 'unreadable', problem: `could not be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}.` },
      });
      continue;
    }
    const parsedSubmission = parseSubmission(text, allowed);
    if (!parsedSubmission.ok) {
      outcomes.push({ file, outcome: { ok: false, kind: 'invalid', problem: parsedSubmission.problem } });
      continue;
    }
    const { submission, ignored } = parsedSubmission;
    const id = submission.learner.id;
    const said: string[] = [];
    if (submission.kit.version !== version) said.push(`submitted with kit ${submission.kit.version}, graded with kit ${version}`);
    if (ignored.length > 0)
      said.push(
        `${ignored.length} file${ignored.length === 1 ? '' : 's'} in the submission ${ignored.length === 1 ? 'is' : 'are'} not exercise files of this kit and ${ignored.length === 1 ? 'was' : 'were'} not used (${ignored.slice(0, 3).map(printable).join(', ')}${ignored.length > 3 ? ', ...' : ''})`,
      );
    say(`Grading ${printable(id)} (${i + 1} of ${files.length}) in a fresh copy of the kit...`);
    const copy = isolatedCopy(submission);
    const docs: ResultsDocument[] = [];
    try {
      for (const lab of graded) {
        const { doc, problem } = await checkInCopy(copy, lab);
        if (stopRequested()) return 130;
        if (doc) {
          docs.push(doc);
          say(`  Lab ${lab.id}: ${doc.status} (${doc.summary.pass} of ${doc.checks.filter((c) => c.status !== 'skipped').length} checks passed)`);
        } else {
          said.push(problem!);
          say(`  ${problem}`);
        }
      }
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
    const results: LearnerResults = makeLearnerResults(submission.learner, docs, version);
    if (resultsDir) writeFileSync(join(resultsDir, `${id}.json`), `${JSON.stringify(results, null, 2)}\n`);
    notes.set(id.toLowerCase(), said);
    outcomes.push({ file, outcome: { ok: true, bare: false, results } });
  }

  const data = collectClass(outcomes, { catalog: await kitCatalog() });
  for (const learner of data.learners) learner.flags.unshift(...(notes.get(learner.id.toLowerCase()) ?? []));
  for (const left of data.leftOut) say(`Left out ${printable(left.file)}: it ${printable(left.reason)}`);
  if (data.learners.length === 0) {
    throw new KitError(
      `None of the ${files.length} ${files.length === 1 ? 'file' : 'files'} given is a submission the kit can grade (each one is named above with the reason).`,
      2,
      'Ask each learner for the file written by `npm run submit -- --learner <their-id>` and run `npm run grade -- <folder>` again.',
    );
  }
  const page = renderReport(data, { title: parsed.values.title, filesRead: files.length, mode: 'graded', labs: findLab });
  try {
    writeFileSync(out, page);
  } catch (err) {
    throw new EnvironmentError(
      `Could not write the report to ${printable(out)}: ${printable((err as Error).message)}.`,
      'Choose another place with --out <file.html>.',
    );
  }
  say(
    `Graded ${data.learners.length} ${data.learners.length === 1 ? 'learner' : 'learners'} on ${graded.map((l) => `Lab ${l.id}`).join(', ')}; open the report in a browser:`,
  );
  process.stdout.write(`${printable(out)}\n`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  exitOnStopSignals();
  void runCommand(() => gradeMain(process.argv.slice(2)));
}
