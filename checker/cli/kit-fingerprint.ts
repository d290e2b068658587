/**
 * Which kit judged a run: the version, a hash of the kit's own files (the
 * checker, each lab's lab.ts, the stacks), and the files among them that
 * differ from the commit the kit was checked out at. A results file carries
 * all three, so an instructor can see a kit that was changed to pass.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO_ROOT } from '../progress/state.js';

/** The kit's own files: what judges, what a lab is, what gets deployed (tests and fixtures are not the kit). */
export function kitFiles(root = REPO_ROOT): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      const rel = relative(root, path);
      if (name === 'node_modules' || name === 'test' || name === 'cdk.out') continue;
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(ts|mjs|js|json)$/.test(name)) out.push(rel);
    }
  };
  walk(join(root, 'checker'));
  walk(join(root, 'stacks'));
  for (const lab of readdirSync(join(root, 'labs'))) {
    try {
      if (statSync(join(root, 'labs', lab, 'lab.ts')).isFile()) out.push(join('labs', lab, 'lab.ts'));
    } catch {
      // not a lab folder
    }
  }
  return out.sort();
}

export function kitHash(root = REPO_ROOT): string {
  const hash = createHash('sha256');
  for (const file of kitFiles(root))
    hash
      .update(`${file}\0`)
      .update(readFileSync(join(root, file)))
      .update('\0');
  return `sha256:${hash.digest('hex').slice(0, 16)}`;
}

/** Kit files that differ from the checked-out commit (git), or undefined when the kit is not a git checkout. */
export function modifiedKitFiles(root = REPO_ROOT): string[] | undefined {
  const git = spawnSync('git', ['status', '--porcelain', '--untracked-files=all', '--', 'checker', 'stacks', 'labs/*/lab.ts'], { cwd: root, encoding: 'utf8' });
  if (git.status !== 0) return undefined;
  const kit = new Set(kitFiles(root));
  return git.stdout
    .split('\n')
    .map((line) => line.slice(3).trim().replace(/^"|"$/g, '').split(' -> ').pop() ?? '')
    .filter((file) => kit.has(file));
}
