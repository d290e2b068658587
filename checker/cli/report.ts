/**
 * npm run report -- <results files or folders...> [--out class-report.html]
 * The instructor's class report: reads the learners' results files, leaves
 * out (and names) the ones it cannot use, and writes one self-contained HTML
 * page. Prints the page's path on stdout; everything else goes to stderr.
 */
import { mkdirSync, readdirSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { EnvironmentError, KitError, UsageError } from '../core/errors.js';
import { parseCommandLine } from './command-line.js';
import { printable } from '../core/printable.js';
import { readClassFiles } from '../report/collect.js';
import { renderReport } from '../report/render.js';
import { runCommand } from './run-command.js';
import { say } from './terminal.js';

export const REPORT_USAGE =
  'Usage: npm run report -- <results files or folders...> [--out class-report.html] [--title TEXT]. ' +
  'Example: npm run report -- results/*.json --out class-report.html';

export const DEFAULT_OUT = 'class-report.html';

const hasWildcard = (s: string): boolean => /[*?]/.test(s);

function wildcardToRegExp(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

/**
 * Folders stand for the .json files in them; a pattern the shell did not
 * expand (Windows cmd, or nothing matched) is expanded here in its folder.
 */
export function expandInputs(inputs: string[]): string[] {
  const out: string[] = [];
  for (const input of inputs) {
    if (hasWildcard(basename(input)) && !hasWildcard(dirname(input))) {
      const folder = dirname(input);
      const re = wildcardToRegExp(basename(input));
      let names: string[] = [];
      try {
        names = readdirSync(folder)
          .filter((n) => re.test(n))
          .sort();
      } catch {
        // reported below as a file that could not be read
      }
      if (names.length === 0) out.push(input);
      else out.push(...names.map((n) => join(folder, n)));
      continue;
    }
    let isFolder = false;
    try {
      isFolder = statSync(input).isDirectory();
    } catch {
      // a missing file is reported by the parser, by name
    }
    if (isFolder)
      out.push(
        ...readdirSync(input)
          .filter((n) => n.toLowerCase().endsWith('.json'))
          .sort()
          .map((n) => join(input, n)),
      );
    else out.push(input);
  }
  return out;
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** What a path is when it is not a plain file, in words (a FIFO would block the read forever). */
function kindOf(stats: Stats): string {
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/** Refuses inputs that exist but are not regular files; a missing file is reported later, by name. */
export function refuseSpecialFiles(files: string[]): void {
  const special = files.flatMap((file) => {
    const stats = statOrUndefined(file);
    return stats && !stats.isFile() && !stats.isDirectory() ? [`${printable(file)} is ${kindOf(stats)}`] : [];
  });
  if (special.length > 0) {
    throw new UsageError(
      `The report reads results files saved on disk, and ${special.join('; ')}: reading it could wait forever.`,
      'Save what the learners sent as .json files and give those (or their folder).',
    );
  }
}

/**
 * Creates the folders the page goes into, one level at a time: Node's
 * recursive mkdir never returns under /proc (it retries ENOENT forever), so a
 * bad --out fails here at once instead.
 */
export function prepareOutput(out: string): void {
  const fail = (why: string): never => {
    throw new EnvironmentError(
      `Could not write the report to ${printable(out)}: ${why}.`,
      'Choose another place with --out <file.html>, for example --out class-report.html.',
    );
  };
  const existing = statOrUndefined(out);
  if (existing?.isDirectory()) fail('it is a folder');
  if (existing && !existing.isFile()) fail(`it is ${kindOf(existing)}`);
  const missing: string[] = [];
  let folder = dirname(out);
  let stats = statOrUndefined(folder);
  while (!stats && dirname(folder) !== folder) {
    missing.unshift(folder);
    folder = dirname(folder);
    stats = statOrUndefined(folder);
  }
  if (stats && !stats.isDirectory()) fail(`${printable(folder)} is a file, not a folder`);
  for (const dir of missing) {
    try {
      mkdirSync(dir);
    } catch (err) {
      fail(`the folder ${printable(dir)} cannot be created (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
  }
}

export async function reportMain(argv: string[]): Promise<number> {
  const parsed = parseCommandLine(
    argv,
    { out: { type: 'string', short: 'o' }, title: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    { script: 'report', usage: REPORT_USAGE, maxPositionals: Number.MAX_SAFE_INTEGER },
  );
  if (parsed.values.help) {
    process.stdout.write(`${REPORT_USAGE}\n`);
    return 0;
  }
  if (parsed.positionals.length === 0) {
    throw new UsageError('Which results files? Give the files (or the folder) the learners sent you.', REPORT_USAGE);
  }
  const files = expandInputs(parsed.positionals);
  if (files.length === 0) {
    throw new UsageError(`There are no .json files in ${parsed.positionals.map(printable).join(', ')}.`, REPORT_USAGE);
  }
  refuseSpecialFiles(files);
  const out = resolve(parsed.values.out ?? DEFAULT_OUT);
  prepareOutput(out);

  const { kitCatalog } = await import('./kit-catalog.js');
  const { findLab } = await import('../../labs/index.js');
  const data = readClassFiles(files, { catalog: await kitCatalog() });
  // File names and reasons quote what the learners sent (ids, names): shown without escape sequences.
  for (const left of data.leftOut) say(`Left out ${printable(left.file)}: it ${printable(left.reason)}`);
  if (data.learners.length === 0) {
    throw new KitError(
      `None of the ${files.length} ${files.length === 1 ? 'file' : 'files'} given is a results file the report can use, so there is no report to build (each one is named above with the reason).`,
      2,
      'Ask each learner for the file written by `npm run check -- --all --json --learner <their-id> > <their-id>.json` and run `npm run report -- <folder>/*.json` again.',
    );
  }

  const page = renderReport(data, { title: parsed.values.title, filesRead: files.length, labs: findLab });
  try {
    writeFileSync(out, page);
  } catch (err) {
    throw new EnvironmentError(
      `Could not write the report to ${printable(out)}: ${printable((err as Error).message)}.`,
      'Choose another place with --out <file.html>.',
    );
  }
  const flagged = data.learners.filter((l) => l.flags.length > 0);
  for (const l of flagged) say(`Needs a look: ${printable(l.file)} (${printable(l.id)}): ${printable(l.flags.join('; '))}.`);
  const left = data.leftOut.length;
  say(
    `Class report for ${data.learners.length} ${data.learners.length === 1 ? 'learner' : 'learners'}${left > 0 ? ` (${left} ${left === 1 ? 'file' : 'files'} left out, named above)` : ''}; open it in a browser:`,
  );
  process.stdout.write(`${printable(out)}\n`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  void runCommand(() => reportMain(process.argv.slice(2)));
}
