/**
 * Node's permission model for the processes that run learner code: they may
 * read any file and use the network (their code talks to its engines), but
 * write no file and start no process. So learner code cannot rewrite the
 * kit, a progress or results file, or slip out through a process of its own
 * that the model would not bind. Worker threads are allowed because the
 * import guard's loader hooks run on one; a worker is bound by the same
 * permissions. Such a process runs plain JavaScript: what it loads is
 * compiled by the checker first (compile.ts).
 */
/** Node 20 calls the switch --experimental-permission; later releases --permission. */
const PERMISSION_FLAG = process.allowedNodeEnvironmentFlags.has('--permission') ? '--permission' : '--experimental-permission';

export function confinedExecArgv(): string[] {
  return [
    PERMISSION_FLAG,
    '--allow-fs-read=*',
    '--allow-worker',
    '--disable-warning=ExperimentalWarning',
    '--disable-warning=SecurityWarning',
    // Stack traces name the learner's .ts file and line, not the compiled bundle.
    '--enable-source-maps',
  ];
}
