/** Calling the learner's code: time limits, and errors that point at their file and line. */
import { relative } from 'node:path';

export class LearnerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LearnerError';
  }
}

export const TODO_MARKER = 'TODO';
export { isStartingTodo, NOT_WRITTEN } from '../core/starting-todo.js';
import { NOT_WRITTEN } from '../core/starting-todo.js';

/** "exercises/02-cache-aside.ts:14:11" for the first frame inside the learner's file. */
export function locationIn(err: unknown, file: string): string | undefined {
  const stack = err instanceof Error ? (err.stack ?? '') : '';
  for (const line of stack.split('\n')) {
    const match = /\(?((?:file:\/\/)?[^()\s]+):(\d+):(\d+)\)?\s*$/.exec(line);
    if (!match) continue;
    const path = match[1].replace(/^file:\/\//, '');
    if (path === file) return `${relative(process.cwd(), file)}:${match[2]}`;
  }
  return undefined;
}

const DENIED: Record<string, string> = {
  FileSystemWrite: 'write a file',
  ChildProcess: 'start a process',
  WorkerThreads: 'start a worker thread',
  FileSystemRead: 'read a file',
};

/** The confinement's refusal (confinement.ts), said as what the code tried and what it may do instead. */
function refusedBy(err: unknown): string | undefined {
  if (!(err instanceof Error) || (err as NodeJS.ErrnoException).code !== 'ERR_ACCESS_DENIED') return undefined;
  const { permission, resource } = err as Error & { permission?: string; resource?: string };
  const what = (permission && DENIED[permission]) ?? 'use an API the exercise process does not allow';
  return `tried to ${what}${resource ? ` (${resource})` : ''}, which exercise code may not do: it may read the kit's files and use the network, not read other files, write files or start processes`;
}

export function describeThrow(fn: string, err: unknown, file: string): string {
  const where = locationIn(err, file);
  const at = where ? ` (at ${where})` : '';
  const refused = refusedBy(err);
  if (refused) return `${fn} ${refused}${at}`;
  const message = err instanceof Error ? err.message : String(err);
  if (message.includes(TODO_MARKER)) return `${fn} ${NOT_WRITTEN}${at}`;
  const kind = err instanceof Error && err.name !== 'Error' ? `${err.name}: ` : '';
  return `${fn} threw ${kind}${message}${at}`;
}

export async function callWithTimeout<T>(fn: string, invoke: () => Promise<T> | T, file: string, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new LearnerError(
            `${fn} did not return within ${timeoutMs / 1000} s: is an await missing its promise, or a loop never ending? (${relative(process.cwd(), file)})`,
          ),
        ),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([Promise.resolve().then(invoke), timeout]);
  } catch (err) {
    if (err instanceof LearnerError) throw err;
    throw new LearnerError(describeThrow(fn, err, file));
  } finally {
    clearTimeout(timer);
  }
}
