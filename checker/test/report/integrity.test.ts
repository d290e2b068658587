import { describe, expect, it } from 'vitest';
import { auditResults, impossibleFigures, type KitCatalog } from '../../report/integrity.js';
import { collectClass } from '../../report/collect.js';
import { makeLearnerResults, type LearnerResults } from '../../report/learner-results.js';
import { kitCatalog } from '../../cli/kit-catalog.js';
import { check, labDoc } from './helpers.js';

const NOW = new Date('2026-11-20T12:00:00Z');
const REQUIRED = ['05.01.a', '05.01.b', '05.02.a'];
const catalog: KitCatalog = {
  lab: (id) => (id === 5 ? { slug: 'elasticache-redis', required: new Set(REQUIRED), optional: (c) => c.startsWith('05.aws.') } : undefined),
};
const results = (labs = [labDoc(REQUIRED.map((id) => check(id, 'pass')))], generatedAt = '2026-11-20T11:00:00Z'): LearnerResults =>
  makeLearnerResults({ id: 'ada' }, labs, '0.1.0', new Date(generatedAt));
const audit = (r: LearnerResults) => auditResults(r, { catalog, now: NOW });

describe('auditResults: what the class report will not take as written', () => {
  it('passes an honest file through untouched, with no flags', () => {
    const honest = results([labDoc([...REQUIRED.map((id) => check(id, 'pass')), check('05.aws.resources', 'skipped')])]);
    const { results: kept, flags } = audit(honest);
    expect(flags).toEqual([]);
    expect(kept.labs[0]).toEqual(honest.labs[0]);
  });

  it('recomputes a lab status that says pass while its checks failed', () => {
    const doc = labDoc(REQUIRED.map((id) => check(id, 'fail')));
    const { results: kept, flags } = audit(results([{ ...doc, status: 'pass' }]));
    expect(kept.labs[0].status).toBe('fail');
    expect(flags).toEqual([expect.stringContaining('says "pass" but its checks add up to "fail"')]);
  });

  it('leaves out labs this kit does not have, and labs with no checks', () => {
    const { results: kept, flags } = audit(results([labDoc([check('09.01.a', 'pass')], { lab: 9, slug: 'nine' }), labDoc([])]));
    expect(kept.labs).toEqual([]);
    expect(flags).toEqual([expect.stringContaining('Lab 9 is not a lab of this kit'), expect.stringContaining('Lab 5 has no checks at all')]);
  });

  it('flags duplicate, invented and missing check ids; invented ones are left out', () => {
    const doc = labDoc([check('05.01.a', 'pass'), check('05.01.a', 'fail'), check('05.01.made-up', 'pass'), check('05.02.a', 'pass')]);
    const { results: kept, flags } = audit(results([doc]));
    expect(kept.labs[0].checks.map((c) => [c.id, c.status])).toEqual([
      ['05.01.a', 'pass'],
      ['05.02.a', 'pass'],
    ]);
    expect(flags.join('\n')).toMatch(/1 check more than once \(05\.01\.a\)/);
    expect(flags.join('\n')).toMatch(/1 check this kit does not have \(05\.01\.made-up\)/);
    expect(flags.join('\n')).toMatch(/missing 1 check every run has \(05\.01\.b\)/);
  });

  it('does not ask a resources-only (AWS checks only) run for the exercise checks', () => {
    const { flags } = audit(results([labDoc([check('05.aws.cluster', 'pass')], { target: 'aws' })]));
    expect(flags).toEqual([]);
  });

  it('flags a slug that is not this lab', () => {
    expect(
      audit(
        results([
          labDoc(
            REQUIRED.map((id) => check(id, 'pass')),
            { slug: 'other' },
          ),
        ]),
      ).flags,
    ).toEqual([expect.stringContaining('named "other"')]);
  });

  it('flags dates in the future (beyond ten minutes of clock skew), not the near past', () => {
    expect(audit(results(undefined, '2026-11-20T12:05:00Z')).flags).toEqual([]);
    expect(audit(results(undefined, '2027-01-01T00:00:00Z')).flags).toEqual([expect.stringContaining('in the future')]);
    const ran = audit(
      results([
        labDoc(
          REQUIRED.map((id) => check(id, 'pass')),
          { startedAt: '2030-01-01T00:00:00Z' },
        ),
      ]),
    );
    expect(ran.flags).toEqual([expect.stringContaining('says it ran 2030-01-01T00:00:00Z, which is in the future')]);
  });

  it('leaves out figures no run can produce (a 1e300x or 5000000x speed-up) and keeps plausible ones', () => {
    const forged = { cacheSpeedup: { comparisons: [{ label: 'x', speedup: 1e300 }] } };
    const honest = { cacheSpeedup: { comparisons: [{ label: 'x', speedup: 42.5, database: { p50: 3.1 } }] } };
    const out = audit(
      results([
        labDoc(
          REQUIRED.map((id) => check(id, 'pass')),
          { measurements: forged },
        ),
      ]),
    );
    expect(out.results.labs[0].measurements).toBeUndefined();
    expect(out.flags).toEqual([expect.stringContaining('cacheSpeedup.comparisons[0].speedup = 1e+300')]);
    expect(impossibleFigures({ a: { speedup: 5_000_000 } })).toHaveLength(1);
    expect(impossibleFigures(honest)).toEqual([]);
    expect(impossibleFigures({ c: [{ database: { p50: 900 }, cache: { p50: 0.0001 } }] })).toEqual([
      expect.stringContaining('database p50 / cache p50 = 9.00e+6'),
    ]);
    expect(impossibleFigures({ c: [{ database: { p50: 9 }, cache: { p50: 0.2 } }] })).toEqual([]);
    expect(
      audit(
        results([
          labDoc(
            REQUIRED.map((id) => check(id, 'pass')),
            { measurements: honest },
          ),
        ]),
      ).results.labs[0].measurements,
    ).toEqual(honest);
  });
});

describe('identity collisions in the class', () => {
  const file = (name: string, id: string, learnerName: string | undefined, at: string) => ({
    file: name,
    outcome: {
      ok: true as const,
      bare: false,
      results: makeLearnerResults(learnerName ? { id, name: learnerName } : { id }, [labDoc([check('05.01.a', 'pass')])], '0.1.0', new Date(at)),
    },
  });

  it('flags a file that claims another learner id instead of silently replacing that learner', () => {
    const out = collectClass([file('ada.json', 'ada', 'Ada Lovelace', '2026-11-20T09:00:00Z'), file('bob.json', 'ada', 'Bob', '2026-11-20T10:00:00Z')]);
    expect(out.learners).toHaveLength(1);
    expect(out.learners[0].flags).toEqual([expect.stringContaining('ada.json (name "Ada Lovelace") also claims learner id "ada"')]);
  });

  it('does not flag a learner who simply sent a newer file under the same name', () => {
    const out = collectClass([file('morning/ada.json', 'ada', 'Ada', '2026-11-20T09:00:00Z'), file('evening/ada.json', 'ada', 'Ada', '2026-11-20T10:00:00Z')]);
    expect(out.learners[0].flags).toEqual([]);
  });
});

describe('the kit catalog', () => {
  it('lists every exercise check of every lab as required, and accepts AWS and drill ids as optional', async () => {
    const kit = await kitCatalog();
    const lab5 = kit.lab(5)!;
    expect(lab5.slug).toBe('elasticache-redis');
    expect(lab5.required.has('05.01.string-stored')).toBe(true);
    expect(lab5.required.size).toBeGreaterThan(10);
    expect(lab5.optional('05.aws.failover-drill')).toBe(true);
    expect(lab5.optional('05.01.string-stored-forged')).toBe(false);
    expect(kit.lab(99)).toBeUndefined();
  });
});

describe('identity collisions: a resent file is not a collision', () => {
  it('does not flag linus-old.json and linus.json from the same Linus', () => {
    const one = (name: string, at: string) => ({
      file: name,
      outcome: {
        ok: true as const,
        bare: false,
        results: makeLearnerResults({ id: 'linus', name: 'Linus' }, [labDoc([check('05.01.a', 'pass')])], '0.1.0', new Date(at)),
      },
    });
    expect(collectClass([one('linus-old.json', '2026-11-20T09:00:00Z'), one('linus.json', '2026-11-20T10:00:00Z')]).learners[0].flags).toEqual([]);
  });
});

describe('which kit judged a file', () => {
  const stamped = (id: string, hash: string, modified?: string[]) => ({
    file: `${id}.json`,
    outcome: {
      ok: true as const,
      bare: false,
      results: makeLearnerResults(
        { id },
        [labDoc([check('05.01.a', 'pass')])],
        { version: '0.1.0', hash, ...(modified ? { modified } : {}) },
        new Date('2026-11-20T10:00:00Z'),
      ),
    },
  });

  it('flags a file whose kit had changed files of its own', () => {
    const out = collectClass([stamped('ada', 'sha256:a', ['checker/runner/harness.ts'])], { now: NOW });
    expect(out.learners[0].flags).toEqual([expect.stringContaining('changed files of its own (checker/runner/harness.ts)')]);
  });

  it('flags the one file whose kit hash differs from the rest of the class on the same version', () => {
    const out = collectClass([stamped('ada', 'sha256:a'), stamped('bob', 'sha256:a'), stamped('eve', 'sha256:e')], { now: NOW });
    expect(out.learners.find((l) => l.id === 'eve')!.flags).toEqual([expect.stringContaining("hashes to sha256:e, unlike the class's sha256:a")]);
    expect(out.learners.filter((l) => l.flags.length > 0).map((l) => l.id)).toEqual(['eve']);
  });

  it('the kit hash is stable and the results file of check --all carries it', async () => {
    const { kitHash, kitFiles } = await import('../../cli/kit-fingerprint.js');
    expect(kitHash()).toBe(kitHash());
    expect(kitHash()).toMatch(/^sha256:[0-9a-f]{16}$/);
    expect(kitFiles()).toContain('checker/runner/run-exercise.ts');
    expect(kitFiles()).toContain('labs/05-elasticache-redis/lab.ts');
    expect(kitFiles().some((f) => f.includes('/test/'))).toBe(false);
  });
});

describe('kit files changed from the commit', () => {
  it('lists changed and new kit files in a git checkout, ignores tests and learner files, and says undefined outside git', async () => {
    const { execFileSync } = await import('node:child_process');
    const { mkdtempSync, mkdirSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const { modifiedKitFiles } = await import('../../cli/kit-fingerprint.js');
    const root = mkdtempSync(join(tmpdir(), 'dtl-kit-'));
    for (const dir of ['checker/runner', 'checker/test', 'stacks', 'labs/05-x/exercises']) mkdirSync(join(root, dir), { recursive: true });
    for (const file of ['checker/runner/harness.ts', 'checker/test/a.test.ts', 'stacks/app.ts', 'labs/05-x/lab.ts', 'labs/05-x/exercises/01.ts'])
      writeFileSync(join(root, file), 'export {};\n');
    expect(modifiedKitFiles(root)).toBeUndefined();
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=k@x', '-c', 'user.name=k', ...args], { cwd: root });
    git('init', '-q');
    git('add', '-A');
    git('commit', '-qm', 'kit');
    expect(modifiedKitFiles(root)).toEqual([]);
    writeFileSync(join(root, 'checker/runner/harness.ts'), 'export const patched = true;\n');
    writeFileSync(join(root, 'checker/runner/extra.ts'), 'export {};\n');
    writeFileSync(join(root, 'checker/test/a.test.ts'), '// changed test\n');
    writeFileSync(join(root, 'labs/05-x/exercises/01.ts'), '// the learner works here\n');
    writeFileSync(join(root, 'labs/05-x/lab.ts'), '// lab changed\n');
    expect(modifiedKitFiles(root)?.sort()).toEqual(['checker/runner/extra.ts', 'checker/runner/harness.ts', 'labs/05-x/lab.ts']);
  });
});
