import { findLab } from '../../../labs/index.js';
import { describe, expect, it } from 'vitest';
import { buildColumns, buildMatrix, chunkGroups, groupTitle, labCompletion, normaliseMessage, rankFailures } from '../../report/aggregate.js';
import { readClassFiles } from '../../report/collect.js';
import { check, classFiles, labDoc, learner } from './helpers.js';

const pass = (id: string) => check(id, 'pass');

describe('completion', () => {
  // Four learners: one passes everything; one fails an 02 check; one has an
  // environment error in 01; one sent nothing for lab 5.
  const skippedAws = check('05.aws.resources', 'skipped', 'needs AWS');
  const everything = [pass('05.01.a'), pass('05.01.b'), pass('05.02.a'), skippedAws];
  const klass = [
    learner('ada', [labDoc(everything)]),
    learner('bob', [labDoc([pass('05.01.a'), pass('05.01.b'), check('05.02.a', 'fail'), skippedAws])]),
    learner('cy', [labDoc([check('05.01.a', 'error'), pass('05.01.b'), pass('05.02.a'), skippedAws])]),
    learner('dee', []),
  ];

  it('counts a lab as passed when its run passed (skipped AWS checks do not block it), out of the whole class', () => {
    const [lab5] = labCompletion(klass, findLab);
    expect(lab5).toMatchObject({ lab: 5, passed: 1, total: 4, percent: 25, submitted: 3 });
    expect(lab5.title).toMatch(/ElastiCache/);
  });

  it('counts an exercise as passed when every one of its checks passed', () => {
    const [lab5] = labCompletion(klass, findLab);
    expect(lab5.exercises.map((e) => [e.group, e.passed, e.percent])).toEqual([
      ['01-redis-basics', 2, 50],
      ['02-cache-aside', 2, 50],
      ['aws', 0, 0],
    ]);
    expect(lab5.exercises[0].title).toBe('01 Redis basics: strings, hashes and TTLs');
  });

  it('rounds percentages to whole numbers', () => {
    const three = [learner('a', [labDoc([pass('05.01.a')])]), learner('b', [labDoc([pass('05.01.a')])]), learner('c', [labDoc([check('05.01.a', 'fail')])])];
    expect(labCompletion(three, findLab)[0]).toMatchObject({ passed: 2, total: 3, percent: 67 });
  });
});

describe('the matrix', () => {
  it('orders columns as the checker runs them: exercises in lesson order, AWS last, even when learners differ', () => {
    const a = learner('a', [labDoc([check('05.aws.resources', 'skipped'), pass('05.02.x'), pass('05.01.a'), pass('05.01.c')])]);
    const b = learner('b', [labDoc([pass('05.01.a'), pass('05.01.b'), pass('05.01.c'), check('05.aws.engine', 'fail')])]);
    expect(buildColumns([a, b]).map((c) => c.id)).toEqual(['05.01.a', '05.01.b', '05.01.c', '05.02.x', '05.aws.resources', '05.aws.engine']);
  });

  it('has one cell per learner and column, undefined where the learner has no such check, and per-column pass counts', () => {
    const a = learner('a', [labDoc([pass('05.01.a'), check('05.01.b', 'fail')])]);
    const b = learner('b', [labDoc([pass('05.01.a')])]);
    const m = buildMatrix([a, b], findLab);
    expect(m.rows.map((r) => r.cells.map((c) => c?.status))).toEqual([
      ['pass', 'fail'],
      ['pass', undefined],
    ]);
    expect(m.rows[1].counts).toEqual({ pass: 1, fail: 0, error: 0, skipped: 0, notRun: 1 });
    expect(m.passed).toEqual([2, 0]);
    expect(m.groups.map((g) => [g.title, g.columns.length])).toEqual([['01 Redis basics: strings, hashes and TTLs', 2]]);
  });

  it('splits wide matrices into tables that fit, at group and lab boundaries', () => {
    const group = (lab: number, name: string, n: number) => ({
      lab,
      group: name,
      title: name,
      columns: Array.from({ length: n }, (_, i) => ({ key: `${lab}:${name}.${i}`, lab, id: `${name}.${i}`, name: '', group: name })),
    });
    const chunks = chunkGroups([group(5, '01', 6), group(5, '02', 8), group(5, '03', 20), group(5, 'aws', 40), group(6, '01', 3)], 30);
    expect(chunks.map((c) => c.map((g) => `${g.lab}/${g.group}`))).toEqual([['5/01', '5/02'], ['5/03'], ['5/aws'], ['6/01']]);
  });

  it('names groups from the lab metadata, with a readable fallback', () => {
    expect(groupTitle(5, 'aws', findLab)).toBe('AWS resources');
    expect(groupTitle(5, '02-cache-aside', findLab)).toBe('02 Cache-aside (lazy loading)');
    expect(groupTitle(9, 'mystery', findLab)).toBe('mystery');
  });
});

describe('failure ranking', () => {
  it('normalises details that vary between learners: numbers, quoted values, returned JSON and file locations', () => {
    expect(normaliseMessage('the loader ran 2 times for two calls')).toBe(normaliseMessage('the loader ran 3 times for two calls'));
    expect(normaliseMessage('saveGreeting is not written yet (at labs/05/exercises/01.ts:17)')).toBe(
      normaliseMessage('saveGreeting is not written yet (at C:/work/labs/05/exercises/01.ts:22)'),
    );
    expect(normaliseMessage('getUser(5) returned {"id":5,"name":"x"} instead')).toBe(
      normaliseMessage('getUser(5) returned {"id":5,"name":{"a":[1,2]}} instead'),
    );
    expect(normaliseMessage('returned "abc" while')).toBe(normaliseMessage('returned "xyz"  while'));
    expect(normaliseMessage('user:1 has no TTL')).not.toBe(normaliseMessage('user:1 is not in the cache'));
  });

  it('groups by check and normalised message, counts learners (not occurrences), most learners first', () => {
    const ttl = (n: number) => check('05.02.ttl-bounded', 'fail', `TTL ${n} s, expected at most 45 s`);
    const klass = [
      learner('a', [labDoc([ttl(100), check('05.01.ttl-set', 'fail', 'otp:ada: TTL 30000.0 s; expected about 30 s')])], 'Ann'),
      learner('b', [labDoc([ttl(90)])], 'Bea'),
      learner('c', [labDoc([ttl(100), check('05.01.ttl-set', 'error', 'Could not reach Redis at 127.0.0.1:6379')])], 'Cat'),
      learner('d', [labDoc([check('05.02.ttl-bounded', 'fail', 'user:1 is not in the cache')])], 'Dan'),
    ];
    const ranked = rankFailures(klass, findLab);
    expect(ranked.map((f) => [f.checkId, f.status, f.count])).toEqual([
      ['05.02.ttl-bounded', 'fail', 3],
      ['05.01.ttl-set', 'fail', 1],
      ['05.01.ttl-set', 'error', 1],
      ['05.02.ttl-bounded', 'fail', 1],
    ]);
    expect(ranked[0].learners).toEqual(['Ann', 'Bea', 'Cat']);
    expect(ranked[0].message).toBe('TTL 100 s, expected at most 45 s'); // the wording most learners got
  });

  it('ranks the fixture class: the four no-TTL failures of 02 first (3 learners each), then invalidation (2)', () => {
    const ranked = rankFailures(readClassFiles(classFiles()).learners);
    expect(ranked.slice(0, 5).map((f) => [f.checkId, f.count])).toEqual([
      ['05.02.ttl-bounded', 3],
      ['05.02.unknown-id', 3],
      ['05.02.refill-after-expiry', 3],
      ['05.02.generic-helper', 3],
      ['05.04.no-stale-read', 2],
    ]);
    const counts = ranked.map((f) => f.count);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    const errors = ranked.filter((f) => f.status === 'error');
    expect(errors.length).toBe(10);
    expect(errors.every((f) => f.learners.join() === 'Margaret Hamilton')).toBe(true);
  });
});
