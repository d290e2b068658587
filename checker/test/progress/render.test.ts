import { describe, expect, it } from 'vitest';
import { Chalk } from 'chalk';
import { lab05 } from '../../../labs/05-elasticache-redis/lab.js';
import { labs } from '../../../labs/index.js';
import { formatWhen, renderExerciseStatus, renderLabListWithProgress, renderLabProgress, renderLabTable, renderStatus } from '../../progress/render.js';
import { emptyProgress, mergeRun, summariseLab } from '../../progress/state.js';
import { fakeLab, runDoc } from './helpers.js';

const plain = new Chalk({ level: 0 });
const colour = new Chalk({ level: 1 });
const strip = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, '');
const UTC = { utc: true };

function someProgress() {
  let state = emptyProgress();
  state = mergeRun(
    state,
    runDoc(
      [
        ['01-redis-basics', 'pass'],
        ['02-cache-aside', 'pass'],
        ['03-write-through', 'pass'],
      ],
      { startedAt: '2026-11-20T09:00:00.000Z' },
    ),
  ).state;
  state = mergeRun(
    state,
    runDoc(
      [
        ['02-cache-aside', 'fail'],
        ['04-invalidation', 'fail'],
      ],
      { startedAt: '2026-11-21T08:00:00.000Z' },
    ),
  ).state;
  state = mergeRun(state, runDoc([['01-redis-basics', 'pass']], { startedAt: '2026-11-22T10:04:00.000Z', target: 'aws' })).state;
  return state;
}

describe('progress renderers', () => {
  it('glyph and word for every status', () => {
    expect(renderExerciseStatus(plain, { status: 'pass', passedAt: '2026-11-22T10:04:59.000Z' }, UTC)).toBe('✔ passed 2026-11-22 10:04');
    expect(renderExerciseStatus(plain, { status: 'fail', passedAt: '2026-11-22T10:04:59.000Z' }, UTC)).toBe('✘ failing');
    expect(renderExerciseStatus(plain, { status: 'not-run' })).toBe('· not run');
    expect(formatWhen('2026-01-02T03:04:00.000Z', UTC)).toBe('2026-01-02 03:04');
  });

  it('the lab list line: "3/5 exercises passed", a tick when all pass, nothing for coming labs', () => {
    expect(renderLabProgress(plain, summariseLab(lab05, someProgress()))).toBe('2/5 exercises passed');
    expect(renderLabProgress(plain, summariseLab(lab05, emptyProgress()))).toBe('0/5 exercises passed');
    const all = mergeRun(emptyProgress(), runDoc(lab05.exercises.map((e) => [e.id, 'pass'] as [string, 'pass']))).state;
    expect(renderLabProgress(plain, summariseLab(lab05, all))).toBe('✔ 5/5 exercises passed');
    expect(renderLabProgress(plain, summariseLab(fakeLab(8, 'later', [], { status: 'coming' }), all))).toBe('');
  });

  it('the npm run lab list, with progress in place of the exercise count', () => {
    const text = renderLabListWithProgress(plain, [...labs, fakeLab(8, 'later', [], { status: 'coming', title: 'A later lab' })], someProgress());
    expect(text).toContain('   5  ready   ElastiCache for Valkey/Redis: cache-aside, write-through and TTL - 2/5 exercises passed');
    expect(text).toContain('   8  coming  A later lab\n');
    expect(text).toContain('   3  ready   Aurora MySQL cluster - 0/3 exercises passed');
    expect(text).toContain('   1  ready   RDS MySQL with Multi-AZ - 0/2 exercises passed');
    expect(text).toContain('Open a lab with: npm run lab <number>');
  });

  it('the lab status table: exercise, status, passed at, target', () => {
    const table = renderLabTable(plain, summariseLab(lab05, someProgress()), UTC);
    expect(table.split('\n')).toEqual([
      'Lab 5 · ElastiCache for Valkey/Redis: cache-aside, write-through and TTL  2/5 exercises passed',
      '  Exercise                                         Status     Passed at              Target',
      '  01 Redis basics: strings, hashes and TTLs        ✔ passed   2026-11-22 10:04       aws',
      '  02 Cache-aside (lazy loading)                    ✘ failing  last 2026-11-20 09:00  local',
      '  03 Write-through                                 ✔ passed   2026-11-20 09:00       local',
      '  04 Invalidation on update                        ✘ failing  -                      local',
      '  05 Sliding sessions and an expiring leaderboard  · not run  -                      -',
      '  AWS Deployed AWS resources                       · not run  -                      -',
    ]);
  });

  it('never relies on colour: the coloured output reads the same once the colour is stripped', () => {
    const state = someProgress();
    const coloured = renderStatus(colour, labs, state, { ...UTC, progressPath: '/x/progress.json' });
    expect(coloured).toMatch(/\u001b\[/);
    expect(strip(coloured)).toBe(renderStatus(plain, labs, state, { ...UTC, progressPath: '/x/progress.json' }));
    expect(strip(renderExerciseStatus(colour, { status: 'fail' }))).toBe('✘ failing');
  });

  it('lab status: every ready lab from the metadata, coming labs in one line, where the file lives, and a load problem first', () => {
    const list = [lab05, fakeLab(7, 'dynamodb-dax', ['01-tables']), fakeLab(8, 'later', [], { status: 'coming' })];
    const text = renderStatus(plain, list, someProgress(), {
      ...UTC,
      progressPath: '/x/.data-tier-labs/progress.json',
      problem: 'Your progress file was damaged.',
    });
    expect(text.startsWith('! Your progress file was damaged.\n\nYour progress\n')).toBe(true);
    expect(text).toContain('Lab 7 · Lab dynamodb-dax  0/1 exercises passed');
    expect(text).toContain('  01 Title of 01-tables  · not run  -          -');
    expect(text).toContain('Coming: lab 8.');
    expect(text).toContain('Stored in /x/.data-tier-labs/progress.json (see docs/progress.md); re-running the checks rebuilds it.');
  });
});
