import { afterEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lab05 } from '../../../labs/05-elasticache-redis/lab.js';
import { EnvironmentError, KitError, UsageError } from '../../core/errors.js';
import { applyReset, confirmationMessage, planReset, planResetAll, resetAll, resetExercises } from '../../progress/reset.js';
import { loadProgress, recordRun, REPO_ROOT } from '../../progress/state.js';
import { fakeLab, runDoc, tempDir } from './helpers.js';

const EXERCISES = 'labs/05-elasticache-redis/exercises';
const FILE_02 = `${EXERCISES}/02-cache-aside.ts`;
/** Odd bytes on purpose: CRLF, a tab, non-ASCII, no final newline. */
const STARTING_02 = Buffer.from('// TODO: cache-aside ✔ café\r\nexport async function cacheAside() {\r\n\tthrow new Error("todo");\r\n}', 'utf8');
const MINE = 'export async function cacheAside() { return "my version"; }\n';
const NOW = new Date('2026-11-22T10:04:05.000Z');

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function git(root: string, ...args: string[]): string {
  return execFileSync('git', ['-C', root, ...args], { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
}

/** A temp git repo holding lab 5's starting exercises (02 replaced by odd bytes), committed. */
function labRepo(options: { attributes?: string } = {}): string {
  const root = tempDir('dtl-reset-');
  dirs.push(root);
  git(root, 'init', '-q');
  git(root, 'config', 'user.email', 'learner@example.com');
  git(root, 'config', 'user.name', 'Learner');
  git(root, 'config', 'commit.gpgsign', 'false');
  git(root, 'config', 'core.autocrlf', 'false');
  cpSync(join(REPO_ROOT, EXERCISES), join(root, EXERCISES), { recursive: true });
  writeFileSync(join(root, FILE_02), STARTING_02);
  if (options.attributes) writeFileSync(join(root, '.gitattributes'), options.attributes);
  git(root, 'add', '.');
  git(root, 'commit', '-q', '-m', 'starting exercises');
  return root;
}

const read = (root: string, rel: string) => readFileSync(join(root, rel));

describe('resetting one exercise', () => {
  it('backs up the learner’s version, restores the starting one byte for byte and clears its progress', () => {
    const root = labRepo();
    writeFileSync(join(root, FILE_02), MINE);
    const progressPath = join(root, '.data-tier-labs', 'progress.json');
    recordRun(
      runDoc(
        [
          ['01-redis-basics', 'pass'],
          ['02-cache-aside', 'pass'],
          ['aws', 'pass'],
        ],
        { target: 'aws' },
      ),
      progressPath,
    );

    const plan = planReset(lab05, { exerciseIds: ['02'], root, now: NOW });
    expect(plan.files.map((f) => [f.exerciseId, f.state])).toEqual([['02-cache-aside', 'changed']]);
    expect(plan.replaced).toBe(1);
    expect(plan.backupDir).toBe('.data-tier-labs/backups/05-elasticache-redis/2026-11-22T10-04-05.000Z');
    expect(confirmationMessage(plan)).toBe(
      'Reset lab 5 exercise 02? This replaces 1 file with the starting version; your versions are kept in .data-tier-labs/backups/05-elasticache-redis/2026-11-22T10-04-05.000Z/. The progress recorded for these exercises is cleared.',
    );
    // Planning touches nothing.
    expect(read(root, FILE_02).toString()).toBe(MINE);

    const result = applyReset(plan, { now: NOW });
    expect(result).toEqual({
      lab: '05-elasticache-redis',
      files: [
        {
          exerciseId: '02-cache-aside',
          path: FILE_02,
          action: 'restored',
          backup: '.data-tier-labs/backups/05-elasticache-redis/2026-11-22T10-04-05.000Z/exercises/02-cache-aside.ts',
        },
      ],
      backupDir: '.data-tier-labs/backups/05-elasticache-redis/2026-11-22T10-04-05.000Z',
      progressCleared: ['02-cache-aside'],
    });
    expect(read(root, FILE_02).equals(STARTING_02)).toBe(true);
    expect(read(root, result.files[0]!.backup!).toString()).toBe(MINE);
    expect(git(root, 'status', '--porcelain', '--', EXERCISES)).toBe('');

    const lab = loadProgress(progressPath).state.labs['5']!;
    expect(Object.keys(lab.exercises)).toEqual(['01-redis-basics']);
    expect(lab.aws?.status).toBe('pass');
  });

  it('never overwrites an earlier backup, even within the same second', () => {
    const root = labRepo();
    writeFileSync(join(root, FILE_02), 'first try\n');
    const a = resetExercises(lab05, { exerciseIds: ['02-cache-aside'], root, now: NOW });
    writeFileSync(join(root, FILE_02), 'second try\n');
    const b = resetExercises(lab05, { exerciseIds: ['2'], root, now: NOW });
    expect(b.backupDir).toBe(`${a.backupDir}-2`);
    expect(read(root, a.files[0]!.backup!).toString()).toBe('first try\n');
    expect(read(root, b.files[0]!.backup!).toString()).toBe('second try\n');
  });

  it('a file already at its starting version is left alone and no backup is made', () => {
    const root = labRepo();
    const result = resetExercises(lab05, { exerciseIds: ['02'], root, now: NOW });
    expect(result.files).toEqual([{ exerciseId: '02-cache-aside', path: FILE_02, action: 'unchanged' }]);
    expect(result.backupDir).toBeUndefined();
    expect(existsSync(join(root, '.data-tier-labs', 'backups'))).toBe(false);
  });

  it('a deleted exercise file is recreated (nothing to back up)', () => {
    const root = labRepo();
    unlinkSync(join(root, FILE_02));
    const plan = planReset(lab05, { exerciseIds: ['02'], root, now: NOW });
    expect(confirmationMessage(plan)).toContain('It recreates 1 missing file.');
    const result = applyReset(plan, { now: NOW });
    expect(result.files[0]).toEqual({ exerciseId: '02-cache-aside', path: FILE_02, action: 'recreated' });
    expect(read(root, FILE_02).equals(STARTING_02)).toBe(true);
  });

  it('backs up what is on disk when the reset is applied, into the folder the question named', async () => {
    const root = labRepo();
    writeFileSync(join(root, FILE_02), 'planned\n');
    const plan = planReset(lab05, { exerciseIds: ['02'], root });
    writeFileSync(join(root, FILE_02), 'saved after the question was asked\n');
    await new Promise((r) => setTimeout(r, 20));
    const result = applyReset(plan);
    expect(read(root, result.files[0]!.backup!).toString()).toBe('saved after the question was asked\n');
    // The folder the question named, not one stamped when the answer came.
    expect(result.backupDir).toBe(plan.backupDir);
  });

  it('writes what git checkout would write, line-ending conversion included', () => {
    const root = labRepo({ attributes: '*.ts text eol=crlf\n' });
    const file = `${EXERCISES}/03-write-through.ts`;
    rmSync(join(root, file));
    git(root, 'checkout', '--', file);
    const checkedOut = read(root, file);
    expect(checkedOut.includes('\r\n')).toBe(true);
    writeFileSync(join(root, file), MINE);
    resetExercises(lab05, { exerciseIds: ['03'], root, now: NOW });
    expect(read(root, file).equals(checkedOut)).toBe(true);
  });
});

describe('resetting a whole lab, and every lab', () => {
  it('restores every changed exercise into one backup folder', () => {
    const root = labRepo();
    const starting = Object.fromEntries(lab05.exercises.map((e) => [e.id, read(root, `${EXERCISES}/${e.id}.ts`)]));
    writeFileSync(join(root, `${EXERCISES}/01-redis-basics.ts`), 'mine 01\n');
    writeFileSync(join(root, `${EXERCISES}/04-invalidation.ts`), 'mine 04\n');
    const plan = planReset(lab05, { root, now: NOW });
    expect(plan.wholeLab).toBe(true);
    expect(confirmationMessage(plan)).toMatch(
      /^Reset lab 5 \(all 5 exercises\)\? This replaces 2 files with the starting versions; your versions are kept in \.data-tier-labs\/backups\/05-elasticache-redis\/2026-11-22T10-04-05\.000Z\/\./,
    );
    const result = applyReset(plan, { now: NOW });
    expect(result.files.map((f) => f.action)).toEqual(['restored', 'unchanged', 'unchanged', 'restored', 'unchanged']);
    expect(readdirSync(join(root, result.backupDir!, 'exercises')).sort()).toEqual(['01-redis-basics.ts', '04-invalidation.ts']);
    for (const e of lab05.exercises) expect(read(root, `${EXERCISES}/${e.id}.ts`).equals(starting[e.id]!)).toBe(true);
  });

  it('resetAll resets every ready lab and skips the coming ones', () => {
    const root = labRepo();
    writeFileSync(join(root, FILE_02), MINE);
    const labs = [fakeLab(1, 'rds-multi-az', [], { status: 'coming' }), lab05];
    expect(planResetAll({ root, labs, now: NOW }).map((p) => p.lab.id)).toEqual([5]);
    const results = resetAll({ root, labs, now: NOW });
    expect(results.map((r) => r.lab)).toEqual(['05-elasticache-redis']);
    expect(read(root, FILE_02).equals(STARTING_02)).toBe(true);
  });
});

describe('when a reset cannot be done, nothing is touched', () => {
  it('an unknown exercise is a UsageError naming the real ones', () => {
    const root = labRepo();
    writeFileSync(join(root, FILE_02), MINE);
    expect(() => resetExercises(lab05, { exerciseIds: ['02', '9'], root, now: NOW })).toThrow(UsageError);
    expect(() => resetExercises(lab05, { exerciseIds: ['9'], root })).toThrow(/Lab 5 has no exercise "9"\. Its exercises: 01-redis-basics, 02-cache-aside/);
    expect(() => resetExercises(lab05, { exerciseIds: [], root })).toThrow(UsageError);
    expect(() => resetExercises(lab05, { exerciseIds: ['02'], all: true, root })).toThrow(UsageError);
    expect(read(root, FILE_02).toString()).toBe(MINE);
    expect(existsSync(join(root, '.data-tier-labs'))).toBe(false);
  });

  it('an exercise file git does not track is a KitError, raised before any other file is reset', () => {
    const root = labRepo();
    const labWithNew = { ...lab05, exercises: [...lab05.exercises, { id: '06-untracked', title: 'New', exports: [], hint: '' }] };
    writeFileSync(join(root, `${EXERCISES}/06-untracked.ts`), 'never committed\n');
    writeFileSync(join(root, FILE_02), MINE);
    let error: unknown;
    try {
      resetExercises(labWithNew, { root, now: NOW });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(KitError);
    expect((error as KitError).message).toMatch(/06-untracked\.ts is not tracked by git at HEAD.*No file was changed\./);
    expect(read(root, FILE_02).toString()).toBe(MINE);
    expect(existsSync(join(root, '.data-tier-labs'))).toBe(false);
  });

  it('no git on PATH is an EnvironmentError that says to install it', () => {
    const root = labRepo();
    expect(() => planReset(lab05, { exerciseIds: ['02'], root, git: join(root, 'no-such-git') })).toThrow(EnvironmentError);
    expect(() => planReset(lab05, { exerciseIds: ['02'], root, git: join(root, 'no-such-git') })).toThrow(/git is not installed or not on PATH/);
  });

  it('a copy of the kit that is not a git checkout is an EnvironmentError', () => {
    const root = tempDir('dtl-nogit-');
    dirs.push(root);
    cpSync(join(REPO_ROOT, EXERCISES), join(root, EXERCISES), { recursive: true });
    const env = process.env.GIT_CEILING_DIRECTORIES;
    process.env.GIT_CEILING_DIRECTORIES = join(root, '..');
    try {
      expect(() => planReset(lab05, { exerciseIds: ['02'], root })).toThrow(/not a git checkout/);
    } finally {
      if (env === undefined) delete process.env.GIT_CEILING_DIRECTORIES;
      else process.env.GIT_CEILING_DIRECTORIES = env;
    }
  });

  it('a lab that is not ready yet cannot be reset', () => {
    expect(() => planReset(fakeLab(6, 'performance-insights', [], { status: 'coming' }), { root: tempDir() })).toThrow(/coming but not available yet/);
  });
});
