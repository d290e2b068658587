/**
 * npm run submit -- [--learner ID] [--out FILE]
 * Packs the learner's exercise files (not their results) with the kit
 * version into one JSON file for the instructor, who judges them with
 * `npm run grade`. Prints the file's path on stdout.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { labs } from '../../labs/index.js';
import { EnvironmentError, UsageError } from '../core/errors.js';
import { labDir } from '../core/lab.js';
import { printable } from '../core/printable.js';
import { LARGEST_FILE_BYTES, SUBMISSION_SCHEMA, type Submission } from '../report/submission.js';
import { parseCommandLine } from './command-line.js';
import { kitVersion, learnerIdentity } from './learner.js';
import { REPO_ROOT } from '../runner/run-exercise.js';
import { runCommand } from './run-command.js';
import { say } from './terminal.js';

export const SUBMIT_USAGE =
  'Usage: npm run submit -- [--learner ID] [--out FILE]. Packs your exercise files for your instructor. Example: npm run submit -- --learner ada';

/** Every exercise file of every ready lab, by repository-relative path. */
export function exercisePaths(): string[] {
  return labs.filter((l) => l.status === 'ready').flatMap((lab) => lab.exercises.map((e) => `${labDir(lab)}/exercises/${e.id}.ts`));
}

export function packSubmission(learner: Submission['learner'], root = REPO_ROOT, now = new Date()): { submission: Submission; missing: string[] } {
  const files: Record<string, string> = {};
  const missing: string[] = [];
  for (const path of exercisePaths()) {
    let text: string;
    try {
      text = readFileSync(join(root, path), 'utf8');
    } catch {
      missing.push(path);
      continue;
    }
    if (Buffer.byteLength(text) > LARGEST_FILE_BYTES) {
      throw new UsageError(
        `${path} is larger than ${LARGEST_FILE_BYTES / 1024} KiB, more than any exercise needs.`,
        'Remove what does not belong in it (logs, data) and run npm run submit again.',
      );
    }
    files[path] = text;
  }
  return { submission: { schema: SUBMISSION_SCHEMA, learner, createdAt: now.toISOString(), kit: { version: kitVersion() }, files }, missing };
}

export async function submitMain(argv: string[]): Promise<number> {
  const parsed = parseCommandLine(
    argv,
    { learner: { type: 'string' }, out: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h' } },
    { script: 'submit', usage: SUBMIT_USAGE },
  );
  if (parsed.values.help) {
    process.stdout.write(`${SUBMIT_USAGE}\n`);
    return 0;
  }
  const learner = learnerIdentity(parsed.values.learner);
  if (!/^[\w.@-]{1,64}$/.test(learner.id)) {
    throw new UsageError(
      `The learner id ${printable(learner.id)} can hold only letters, digits and . _ @ - (at most 64).`,
      'Pass one with --learner, e.g. --learner ada.',
    );
  }
  const { submission, missing } = packSubmission(learner);
  if (missing.length > 0) say(`Not included (missing): ${missing.join(', ')}. Restore a file with git checkout -- <path> if you deleted it by mistake.`);
  const out = resolve(parsed.values.out ?? `${learner.id}-submission.json`);
  try {
    writeFileSync(out, `${JSON.stringify(submission, null, 2)}\n`);
  } catch (err) {
    throw new EnvironmentError(
      `Could not write the submission to ${printable(out)}: ${printable((err as Error).message)}.`,
      'Choose another place with --out <file.json>.',
    );
  }
  say(`Packed ${Object.keys(submission.files).length} exercise files for ${learner.id} (kit ${submission.kit.version}); send this file to your instructor:`);
  process.stdout.write(`${printable(out)}\n`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  void runCommand(() => submitMain(process.argv.slice(2)));
}
