/**
 * Compiles what runs in a learner's process here, in the checker, so that
 * process needs no TypeScript loader - and so can be confined (confinement.ts):
 * tsx compiles through esbuild's service, a child process, which a confined
 * process may not start. Each file is bundled with its own imports (packages
 * stay external and load from node_modules), with an inline source map, so
 * stack traces and errors still name the learner's file and line.
 *
 * The import rule (import-guard-rule.mjs) is applied here to every import the
 * bundle follows; the runtime hook still covers import() and require.
 */
import { build, type BuildFailure, type Plugin } from 'esbuild';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
// @ts-expect-error a plain .mjs module shared with the runtime hooks, untyped
import { refusal } from './import-guard-rule.mjs';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Compiled files live inside the repository so that their package imports resolve from its node_modules. */
export const COMPILED_DIR = join(REPO_ROOT, 'node_modules', '.cache', 'data-tier-labs');

/** Why a learner's file could not be compiled, in the words the runner reports. */
export class CompileRefused extends Error {
  constructor(
    message: string,
    /** 'syntax': does not compile; 'missing': an import that is not there; 'refused': the import rule. */
    readonly kind: 'syntax' | 'missing' | 'refused',
    readonly line?: number,
    readonly column?: number,
  ) {
    super(message);
  }
}

const importRule: Plugin = {
  name: 'import-rule',
  setup(b) {
    const root = pathToFileURL(REPO_ROOT).href;
    b.onResolve({ filter: /.*/ }, async (args) => {
      if (args.pluginData === 'resolving' || args.kind === 'entry-point') return undefined;
      const resolved = await b.resolve(args.path, { importer: args.importer, resolveDir: args.resolveDir, kind: args.kind, pluginData: 'resolving' });
      if (resolved.errors.length > 0 || resolved.external || !resolved.path.startsWith('/')) return undefined;
      const refused = refusal(root, pathToFileURL(args.importer).href, pathToFileURL(resolved.path).href) as string | undefined;
      return refused ? { errors: [{ text: refused }] } : undefined;
    });
  },
};

async function bundle(entry: string, options: { guarded: boolean }): Promise<string> {
  try {
    const out = await build({
      entryPoints: [entry],
      bundle: true,
      packages: 'external',
      format: 'esm',
      platform: 'node',
      target: 'node20',
      sourcemap: 'inline',
      sourcesContent: false,
      write: false,
      // Source paths in the map are relative to this: it must be where the file is written.
      outfile: join(COMPILED_DIR, 'out.mjs'),
      absWorkingDir: REPO_ROOT,
      logLevel: 'silent',
      plugins: options.guarded ? [importRule] : [],
    });
    return out.outputFiles[0].text;
  } catch (err) {
    const first = (err as BuildFailure).errors?.[0];
    if (!first) throw err;
    if (first.pluginName === 'import-rule' || /an exercise may/.test(first.text)) throw new CompileRefused(first.text, 'refused');
    if (/^Could not resolve/.test(first.text)) throw new CompileRefused(first.text, 'missing', first.location?.line, first.location?.column);
    throw new CompileRefused(first.text, 'syntax', first.location?.line, first.location?.column);
  }
}

function store(code: string, label: string): string {
  mkdirSync(COMPILED_DIR, { recursive: true });
  const file = join(COMPILED_DIR, `${label}-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`);
  if (!existsSync(file)) writeFileSync(file, code);
  return file;
}

const kitFiles = new Map<string, Promise<string>>();

/** A kit script (the learner's host, a Lambda environment), compiled once per checker process. */
export function compileKitScript(entry: string, label: string): Promise<string> {
  let compiled = kitFiles.get(entry);
  if (!compiled) {
    compiled = bundle(entry, { guarded: false }).then((code) => store(code, label));
    kitFiles.set(entry, compiled);
    compiled.catch(() => kitFiles.delete(entry));
  }
  return compiled;
}

/** A learner's file and what it imports, under the import rule; throws CompileRefused when it cannot be. */
export async function compileLearnerFile(file: string): Promise<string> {
  return store(await bundle(file, { guarded: true }), 'learner');
}
