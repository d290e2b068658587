import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  defaultProgressPath,
  emptyProgress,
  loadProgress,
  mergeRun,
  PROGRESS_VERSION,
  rebuildNeeded,
  rebuildNotice,
  recordRun,
  REPO_ROOT,
  summariseLab,
  summariseLabs,
  type ProgressState,
} from '../../progress/state.js';
import { lab05 } from '../../../labs/05-elasticache-redis/lab.js';
import { fakeLab, runDoc, tempDir } from './helpers.js';

const T1 = '2026-11-20T09:00:00.000Z';
const T2 = '2026-11-21T09:30:00.000Z';
const T3 = '2026-11-22T10:04:00.000Z';
const EX = lab05.exercises.map((e) => e.id);

const dirs: string[] = [];
function progressFile(): string {
  const dir = tempDir();
  dirs.push(dir);
  return join(dir, '.data-tier-labs', 'progress.json');
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A full local run of lab 5: the listed exercises pass, the rest fail, the AWS check is skipped. */
function fullRun(passing: string[], startedAt: string) {
  return runDoc(
    [
      ...EX.flatMap(
        (id) =>
          [
            [id, passing.includes(id) ? 'pass' : 'fail'],
            [id, 'pass'],
          ] as Array<[string, 'pass' | 'fail']>,
      ),
      ['aws', 'skipped'],
    ],
    { startedAt },
  );
}

describe('loadProgress', () => {
  it('starts empty, without a problem, when there is no file yet (and creates nothing)', () => {
    const path = progressFile();
    const loaded = loadProgress(path);
    expect(loaded.state).toEqual({ version: 1, labs: {} });
    expect(loaded.problem).toBeUndefined();
    expect(rebuildNeeded(loaded)).toBe(false);
    expect(existsSync(path)).toBe(false);
  });

  it('reads back what recordRun wrote', () => {
    const path = progressFile();
    const { state } = recordRun(fullRun(['01-redis-basics'], T1), path);
    expect(loadProgress(path)).toEqual({ state, path });
  });

  it('is under .data-tier-labs/ in the repo by default, and DTL_PROGRESS_FILE moves it', () => {
    const before = process.env.DTL_PROGRESS_FILE;
    try {
      delete process.env.DTL_PROGRESS_FILE;
      expect(defaultProgressPath()).toBe(join(REPO_ROOT, '.data-tier-labs', 'progress.json'));
      process.env.DTL_PROGRESS_FILE = '/tmp/elsewhere/progress.json';
      expect(defaultProgressPath()).toBe('/tmp/elsewhere/progress.json');
      expect(defaultProgressPath('/some/other/root')).toBe(join('/some/other/root', '.data-tier-labs', 'progress.json'));
    } finally {
      if (before === undefined) delete process.env.DTL_PROGRESS_FILE;
      else process.env.DTL_PROGRESS_FILE = before;
    }
  });

  const good = JSON.stringify(
    {
      version: 1,
      labs: {
        '5': {
          slug: 'elasticache-redis',
          exercises: { '01-redis-basics': { status: 'pass', passedAt: T1, firstPassedAt: T1, lastRunAt: T1, target: 'local', checks: { pass: 3, total: 3 } } },
        },
      },
    },
    null,
    2,
  );
  const cases: Array<[string, string, RegExp]> = [
    ['corrupt JSON', '{"version": 1, "labs": {', /not valid JSON/],
    ['a truncated file', good.slice(0, Math.floor(good.length / 2)), /not valid JSON, perhaps cut short/],
    ['an empty file', '', /it is empty/],
    ['a file from a newer kit', JSON.stringify({ version: 2, labs: {}, newThing: true }), /newer version of the kit \(format 2; this kit reads format 1\)/],
    ['JSON without a version', JSON.stringify({ labs: {} }), /no format version/],
    ['a JSON array', '[1, 2, 3]', /no format version/],
    ['a damaged entry', good.replace('"pass",', '"passed",'), /damaged \(labs\.5\.exercises\.01-redis-basics\.status is "passed"\)/],
    ['a bad date', good.replace(`"lastRunAt": "${T1}"`, '"lastRunAt": "yesterday"'), /lastRunAt is not a date/],
  ];
  it.each(cases)('%s: reported in one line, moved aside intact, empty state, no throw', (_name, content, why) => {
    const path = progressFile();
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, content);
    const now = new Date(T3);
    const loaded = loadProgress(path, now);
    expect(loaded.state).toEqual(emptyProgress());
    expect(loaded.problem).toMatch(why);
    expect(loaded.problem).toContain('moved aside to');
    expect(loaded.problem).toContain('rebuilt from the checks');
    expect(loaded.problem).not.toContain('\n');
    expect(loaded.movedTo).toBe(`${path}.corrupt-2026-11-22T10-04-00.000Z`);
    expect(readFileSync(loaded.movedTo!, 'utf8')).toBe(content);
    expect(existsSync(path)).toBe(false);
    expect(rebuildNeeded(loaded)).toBe(true);
  });

  it('a directory where the file should be: reported, moved aside with its contents, empty state', () => {
    const path = progressFile();
    mkdirSync(path, { recursive: true });
    writeFileSync(join(path, 'inside.txt'), 'keep me');
    const loaded = loadProgress(path, new Date(T3));
    expect(loaded.state).toEqual(emptyProgress());
    expect(loaded.problem).toMatch(/there is a folder where the file should be/);
    expect(readFileSync(join(loaded.movedTo!, 'inside.txt'), 'utf8')).toBe('keep me');
    expect(existsSync(path)).toBe(false);
    // The next run writes a proper file in its place.
    const recorded = recordRun(fullRun([], T3), path);
    expect(recorded.saved).toBe(true);
    expect(loadProgress(path).problem).toBeUndefined();
  });

  it('never overwrites an earlier moved-aside file', () => {
    const path = progressFile();
    mkdirSync(join(path, '..'), { recursive: true });
    const now = new Date(T3);
    writeFileSync(path, 'first bad');
    const a = loadProgress(path, now);
    writeFileSync(path, 'second bad');
    const b = loadProgress(path, now);
    expect(b.movedTo).toBe(`${a.movedTo}-2`);
    expect(readFileSync(a.movedTo!, 'utf8')).toBe('first bad');
    expect(readFileSync(b.movedTo!, 'utf8')).toBe('second bad');
  });

  it('a file where the folder should be: reported, nothing thrown, and a run that cannot save says so', () => {
    const dir = tempDir();
    dirs.push(dir);
    writeFileSync(join(dir, '.data-tier-labs'), 'not a folder');
    const path = join(dir, '.data-tier-labs', 'progress.json');
    const loaded = loadProgress(path);
    expect(loaded.state).toEqual(emptyProgress());
    expect(loaded.problem).toMatch(/is a file, not a folder/);
    const recorded = recordRun(fullRun(EX, T1), path);
    expect(recorded.saved).toBe(false);
    expect(recorded.saveProblem).toMatch(/could not be saved .*the check results above still stand/);
    expect(recorded.changes.filter((c) => c.verdict === 'pass')).toHaveLength(EX.length);
  });
});

describe('recordRun', () => {
  it('records each exercise of a full run; skipped AWS checks record nothing', () => {
    const path = progressFile();
    const { state, changes, saved } = recordRun(fullRun(['01-redis-basics', '03-write-through'], T1), path);
    expect(saved).toBe(true);
    const lab = state.labs['5']!;
    expect(lab.slug).toBe('elasticache-redis');
    expect(Object.keys(lab.exercises)).toEqual(EX);
    expect(lab.exercises['01-redis-basics']).toEqual({
      status: 'pass',
      passedAt: T1,
      firstPassedAt: T1,
      lastRunAt: T1,
      target: 'local',
      checks: { pass: 2, total: 2 },
    });
    expect(lab.exercises['02-cache-aside']).toEqual({ status: 'fail', lastRunAt: T1, target: 'local', checks: { pass: 1, total: 2 } });
    expect(lab.aws).toBeUndefined();
    expect(changes.find((c) => c.group === 'aws')).toEqual({ group: 'aws', verdict: 'not-judged', previous: 'not-run', firstPass: false });
    expect(changes.find((c) => c.group === '01-redis-basics')).toMatchObject({ verdict: 'pass', previous: 'not-run', firstPass: true });
    const onDisk = JSON.parse(readFileSync(path, 'utf8')) as ProgressState;
    expect(onDisk.version).toBe(PROGRESS_VERSION);
    expect(onDisk).toEqual(state);
  });

  it('a partial run (--exercise 02) updates that exercise only', () => {
    const path = progressFile();
    const first = recordRun(fullRun(['01-redis-basics'], T1), path).state.labs['5']!;
    const { state, changes } = recordRun(
      runDoc(
        [
          ['02-cache-aside', 'pass'],
          ['02-cache-aside', 'pass'],
          ['aws', 'skipped'],
        ],
        { startedAt: T2 },
      ),
      path,
    );
    const lab = state.labs['5']!;
    expect(changes.map((c) => c.group)).toEqual(['02-cache-aside', 'aws']);
    expect(lab.exercises['02-cache-aside']).toEqual({
      status: 'pass',
      passedAt: T2,
      firstPassedAt: T2,
      lastRunAt: T2,
      target: 'local',
      checks: { pass: 2, total: 2 },
    });
    for (const id of EX.filter((e) => e !== '02-cache-aside')) expect(lab.exercises[id]).toEqual(first.exercises[id]);
  });

  it('a fail after a pass: status fail, firstPassedAt and the last passedAt kept; a later pass moves passedAt only', () => {
    const path = progressFile();
    recordRun(runDoc([['02-cache-aside', 'pass']], { startedAt: T1 }), path);
    const failed = recordRun(
      runDoc(
        [
          ['02-cache-aside', 'fail'],
          ['02-cache-aside', 'pass'],
        ],
        { startedAt: T2 },
      ),
      path,
    );
    expect(failed.state.labs['5']!.exercises['02-cache-aside']).toEqual({
      status: 'fail',
      passedAt: T1,
      firstPassedAt: T1,
      lastRunAt: T2,
      target: 'local',
      checks: { pass: 1, total: 2 },
    });
    expect(failed.changes[0]).toEqual({ group: '02-cache-aside', verdict: 'fail', previous: 'pass', firstPass: false });
    const again = recordRun(runDoc([['02-cache-aside', 'pass']], { startedAt: T3, target: 'aws' }), path);
    expect(again.state.labs['5']!.exercises['02-cache-aside']).toEqual({
      status: 'pass',
      passedAt: T3,
      firstPassedAt: T1,
      lastRunAt: T3,
      target: 'aws',
      checks: { pass: 1, total: 1 },
    });
    expect(again.changes[0]).toMatchObject({ verdict: 'pass', previous: 'fail', firstPass: false });
  });

  it('records the aws group on its own: pass, then fail; an AWS run with errors only leaves it alone', () => {
    const path = progressFile();
    const passed = recordRun(
      runDoc(
        [
          ['aws', 'pass'],
          ['aws', 'pass'],
          ['aws', 'pass'],
        ],
        { target: 'aws', startedAt: T1 },
      ),
      path,
    ).state.labs['5']!;
    expect(passed.aws).toEqual({ status: 'pass', passedAt: T1, firstPassedAt: T1, lastRunAt: T1, target: 'aws', checks: { pass: 3, total: 3 } });
    expect(passed.exercises).toEqual({});
    const failed = recordRun(
      runDoc(
        [
          ['aws', 'pass'],
          ['aws', 'fail'],
          ['aws', 'skipped'],
        ],
        { target: 'aws', startedAt: T2 },
      ),
      path,
    ).state.labs['5']!;
    expect(failed.aws).toEqual({ status: 'fail', passedAt: T1, firstPassedAt: T1, lastRunAt: T2, target: 'aws', checks: { pass: 1, total: 3 } });
    const broken = recordRun(
      runDoc(
        [
          ['aws', 'error'],
          ['aws', 'skipped'],
        ],
        { target: 'aws', startedAt: T3 },
      ),
      path,
    );
    expect(broken.state.labs['5']!.aws).toEqual(failed.aws);
    expect(broken.changes).toEqual([{ group: 'aws', verdict: 'not-judged', previous: 'fail', firstPass: false }]);
  });

  it('errors (a broken environment) never turn a pass into a fail; a fail beside an error is still a fail', () => {
    const path = progressFile();
    recordRun(
      runDoc(
        [
          ['01-redis-basics', 'pass'],
          ['02-cache-aside', 'pass'],
        ],
        { startedAt: T1 },
      ),
      path,
    );
    const { state } = recordRun(
      runDoc(
        [
          ['01-redis-basics', 'error'],
          ['02-cache-aside', 'error'],
          ['02-cache-aside', 'fail'],
        ],
        { startedAt: T2 },
      ),
      path,
    );
    expect(state.labs['5']!.exercises['01-redis-basics']).toMatchObject({ status: 'pass', lastRunAt: T1 });
    expect(state.labs['5']!.exercises['02-cache-aside']).toMatchObject({ status: 'fail', lastRunAt: T2, firstPassedAt: T1 });
  });

  it('an exercise with a skipped check is not a pass (skips never count)', () => {
    const { state, changes } = mergeRun(
      emptyProgress(),
      runDoc([
        ['01-redis-basics', 'pass'],
        ['01-redis-basics', 'skipped'],
      ]),
    );
    expect(changes[0]!.verdict).toBe('not-judged');
    expect(state.labs['5']!.exercises).toEqual({});
  });

  it('writes atomically: no temp files left beside the state file', () => {
    const path = progressFile();
    for (const t of [T1, T2, T3]) recordRun(fullRun(['01-redis-basics'], t), path);
    expect(readdirSync(join(path, '..'))).toEqual(['progress.json']);
  });

  it('after a corrupt file: reports it, rebuilds from this run and says what the rebuild covers', () => {
    const path = progressFile();
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, '{"version":1,"labs":{"5":{"exerc');
    const doc = runDoc([['02-cache-aside', 'pass']], { startedAt: T3 });
    const result = recordRun(doc, path, new Date(T3));
    expect(rebuildNeeded(result)).toBe(true);
    expect(result.loadProblem).toMatch(/could not be used: it is not valid JSON/);
    expect(result.movedTo).toBeDefined();
    expect(result.saved).toBe(true);
    expect(loadProgress(path).state.labs['5']!.exercises['02-cache-aside']!.status).toBe('pass');
    expect(rebuildNotice(doc, lab05)).toBe(
      'Progress was rebuilt from the checks just run for 02-cache-aside; run all the checks (npm run check -- 5) to fill in 01-redis-basics, 03-write-through, 04-invalidation, 05-sessions-leaderboard. Earlier pass dates are only in the moved-aside file; the rebuilt ones start from this run.',
    );
    expect(rebuildNotice(fullRun(EX, T3), lab05)).toBe(
      'Progress was rebuilt from the checks just run. Earlier pass dates are only in the moved-aside file; the rebuilt ones start from this run.',
    );
  });

  it('the same number with a different slug (a renumbered lab) starts that lab afresh', () => {
    const first = mergeRun(emptyProgress(), runDoc([['01-redis-basics', 'pass']], { startedAt: T1 })).state;
    const { state } = mergeRun(first, runDoc([['01-other', 'fail']], { slug: 'something-else', startedAt: T2 }));
    expect(state.labs['5']).toEqual({
      slug: 'something-else',
      exercises: { '01-other': { status: 'fail', lastRunAt: T2, target: 'local', checks: { pass: 0, total: 1 } } },
    });
  });
});

describe('summariseLab', () => {
  it('reports every exercise of the lab, not-run where nothing is recorded, with an AWS row for labs with a stack', () => {
    const path = progressFile();
    const { state } = recordRun(
      runDoc(
        [
          ['01-redis-basics', 'pass'],
          ['02-cache-aside', 'fail'],
        ],
        { startedAt: T1 },
      ),
      path,
    );
    const s = summariseLab(lab05, state);
    expect(s).toMatchObject({ id: 5, ready: true, passed: 1, total: 5, started: true });
    expect(s.exercises.map((e) => [e.id, e.status])).toEqual([
      ['01-redis-basics', 'pass'],
      ['02-cache-aside', 'fail'],
      ['03-write-through', 'not-run'],
      ['04-invalidation', 'not-run'],
      ['05-sessions-leaderboard', 'not-run'],
    ]);
    expect(s.exercises[0]).toMatchObject({ title: lab05.exercises[0]!.title, passedAt: T1, target: 'local' });
    expect(s.aws).toEqual({ id: 'aws', title: 'Deployed AWS resources', status: 'not-run' });
    expect(summariseLab(lab05, emptyProgress())).toMatchObject({ passed: 0, started: false });
  });

  it('picks up new labs and exercises from their metadata alone', () => {
    const labs = [
      fakeLab(5, 'elasticache-redis', ['01-redis-basics', '02-cache-aside', '06-new-exercise']),
      fakeLab(7, 'dynamodb-dax', ['01-tables', '02-dax']),
      fakeLab(8, 'later', [], { status: 'coming' }),
    ];
    let state = emptyProgress();
    state = mergeRun(
      state,
      runDoc(
        [
          ['01-redis-basics', 'pass'],
          ['04-invalidation', 'pass'],
        ],
        { startedAt: T1 },
      ),
    ).state;
    state = mergeRun(
      state,
      runDoc(
        [
          ['01-tables', 'pass'],
          ['02-dax', 'pass'],
        ],
        { lab: 7, slug: 'dynamodb-dax', startedAt: T2 },
      ),
    ).state;
    const [five, seven, eight] = summariseLabs(labs, state);
    expect(five!.exercises.map((e) => e.status)).toEqual(['pass', 'not-run', 'not-run']);
    expect(five!.aws).toBeUndefined();
    expect(seven).toMatchObject({ id: 7, passed: 2, total: 2, ready: true });
    expect(eight).toMatchObject({ ready: false, total: 0, started: false });
    // The entry for an exercise the metadata no longer lists stays in the file.
    expect(state.labs['5']!.exercises['04-invalidation']!.status).toBe('pass');
  });

  it('ignores entries recorded under the same number for a different lab', () => {
    const state = mergeRun(emptyProgress(), runDoc([['01-redis-basics', 'pass']], { slug: 'old-lab' })).state;
    expect(summariseLab(lab05, state).passed).toBe(0);
  });
});
