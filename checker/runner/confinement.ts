/**
 * Node's permission model for the processes that run learner code: they may
 * read the kit's own files (its compiled bundles and packages) and use the
 * network (their code talks to its engines), but read nothing else, write no
 * file and start no process. So learner code cannot rewrite the kit, a
 * progress or results file, slip out through a process of its own that the
 * model would not bind, or read the engines' folders and command lines
 * (/proc), where the checker's own passwords are. Worker threads are allowed because the
 * import guard's loader hooks run on one; a worker is bound by the same
 * permissions. Such a process runs plain JavaScript: what it loads is
 * compiled by the checker first (compile.ts).
 */
import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const KIT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The kit, and its packages where node_modules is a link to elsewhere. */
function readableFolders(): string[] {
  const folders = [realpathSync(KIT_ROOT)];
  try {
    folders.push(realpathSync(join(KIT_ROOT, 'node_modules')));
  } catch {
    // No packages installed: nothing more to read.
  }
  return [...new Set(folders)];
}

/** Node 20 calls the switch --experimental-permission; later releases --permission. */
const PERMISSION_FLAG = process.allowedNodeEnvironmentFlags.has('--permission') ? '--permission' : '--experimental-permission';

export function confinedExecArgv(): string[] {
  return [
    PERMISSION_FLAG,
    ...readableFolders().map((folder) => `--allow-fs-read=${folder}`),
    '--allow-worker',
    '--disable-warning=ExperimentalWarning',
    '--disable-warning=SecurityWarning',
    // Stack traces name the learner's .ts file and line, not the compiled bundle.
    '--enable-source-maps',
  ];
}
