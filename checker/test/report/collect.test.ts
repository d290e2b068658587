import { describe, expect, it } from 'vitest';
import { collectClass, readClassFiles, type ParsedFile } from '../../report/collect.js';
import { makeLearnerResults } from '../../report/learner-results.js';
import { check, classFiles, fixture, labDoc } from './helpers.js';

function parsed(file: string, id: string, generatedAt: string, status: 'pass' | 'fail' = 'pass'): ParsedFile {
  const results = makeLearnerResults({ id }, [labDoc([check('05.01.a', status)])], '0.1.0', new Date(generatedAt));
  return { file, outcome: { ok: true, bare: false, results } };
}

describe('collectClass', () => {
  it('keeps the newest file of a learner who sent two, whatever the order, and reports the other by name', () => {
    const older = parsed('ada-morning.json', 'ada', '2026-11-20T09:00:00Z', 'fail');
    const newer = parsed('ada-afternoon.json', 'ada', '2026-11-20T15:00:00Z', 'pass');
    for (const order of [
      [older, newer],
      [newer, older],
    ]) {
      const result = collectClass(order);
      expect(result.learners).toHaveLength(1);
      expect(result.learners[0].file).toBe('ada-afternoon.json');
      expect(result.learners[0].labs[0].status).toBe('pass');
      expect(result.leftOut).toEqual([{ file: 'ada-morning.json', reason: expect.stringContaining('older file from learner "ada"') }]);
      expect(result.leftOut[0].reason).toContain('ada-afternoon.json');
    }
  });

  it('treats learner ids that differ only in case as one learner', () => {
    const result = collectClass([parsed('a.json', 'Ada', '2026-11-20T09:00:00Z'), parsed('b.json', 'ada', '2026-11-20T10:00:00Z')]);
    expect(result.learners.map((l) => l.file)).toEqual(['b.json']);
  });

  it('keeps the newest run when one file holds the same lab twice', () => {
    const results = makeLearnerResults(
      { id: 'ada' },
      [labDoc([check('05.01.a', 'pass')], { startedAt: '2026-11-20T12:00:00Z' }), labDoc([check('05.01.a', 'fail')], { startedAt: '2026-11-20T09:00:00Z' })],
      '0.1.0',
    );
    const [learner] = collectClass([{ file: 'ada.json', outcome: { ok: true, bare: false, results } }]).learners;
    expect(learner.labs).toHaveLength(1);
    expect(learner.labs[0].checks[0].status).toBe('pass');
  });

  it('ignores the same path given twice', () => {
    const one = parsed('ada.json', 'ada', '2026-11-20T09:00:00Z');
    expect(collectClass([one, one])).toEqual({ learners: [expect.objectContaining({ id: 'ada' })], leftOut: [] });
  });

  it('reads the fixture class: eight learners, five files left out, each by name', () => {
    const result = readClassFiles(classFiles());
    expect(result.learners.map((l) => l.id)).toEqual(['ada', 'alan', 'bobby', 'grace', 'hedy', 'katherine', 'linus', 'margaret']);
    expect(result.learners.find((l) => l.id === 'linus')?.file).toBe(fixture('linus.json'));
    expect(result.leftOut.map((f) => f.file.split('/').pop()).sort()).toEqual([
      'future-version.json',
      'linus-old.json',
      'malformed.json',
      'truncated.json',
      'wrong-schema.json',
    ]);
  });
});
