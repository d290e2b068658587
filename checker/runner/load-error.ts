/** Why a learner's file did not load, in one sentence with its line. */
import { relative } from 'node:path';
import type { CompileRefused } from './compile.js';
import { describeThrow } from './learner-call.js';

/** "labs/.../02-cache-aside.ts:12:5: Expected ';' but found 'x'" from an esbuild/tsx transform error. */
export function describeLoadError(err: unknown, file: string): string {
  const label = relative(process.cwd(), file);
  const text = err instanceof Error ? err.message : String(err);
  const compile = /:(\d+):(\d+): ERROR: (.+)/.exec(text);
  if (compile) return `${label} does not compile: line ${compile[1]}, column ${compile[2]}: ${compile[3]}`;
  if (err instanceof Error && (err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') {
    return `${label} could not be loaded: ${text.split('\n')[0]}`;
  }
  return `${label} failed while loading: ${describeThrow('the module', err, file)}`;
}

/** The same sentences for a file the checker could not compile for the learner's process. */
export function describeCompileRefusal(err: CompileRefused, file: string): string {
  const label = relative(process.cwd(), file);
  if (err.kind === 'syntax') return `${label} does not compile: line ${err.line ?? '?'}, column ${err.column ?? '?'}: ${err.message}`;
  return `${label} could not be loaded: ${err.message}`;
}
