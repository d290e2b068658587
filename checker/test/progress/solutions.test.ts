import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lab05 } from '../../../labs/05-elasticache-redis/lab.js';
import { KitError, UsageError } from '../../core/errors.js';
import { describeShowSolution, readSolution, showSolutionCommand, solutionOffer, solutionPath } from '../../progress/solutions.js';
import { emptyProgress, mergeRun, REPO_ROOT } from '../../progress/state.js';
import { runDoc, tempDir } from './helpers.js';

const PATH_02 = 'solutions/05-elasticache-redis/exercises/02-cache-aside.ts';
const passed = () =>
  mergeRun(
    emptyProgress(),
    runDoc(
      [
        ['02-cache-aside', 'pass'],
        ['02-cache-aside', 'pass'],
      ],
      { startedAt: '2026-11-20T09:00:00.000Z' },
    ),
  ).state;
const failedAfterPass = () => mergeRun(passed(), runDoc([['02-cache-aside', 'fail']], { startedAt: '2026-11-21T09:00:00.000Z' })).state;

describe('solutionOffer', () => {
  it('is not offered before the learner’s version has run, and says how to get there', () => {
    const offer = solutionOffer(lab05, '02', emptyProgress());
    expect(offer).toEqual({
      available: false,
      path: PATH_02,
      reason:
        'The reference for 02 Cache-aside (lazy loading) is offered once your version passes; run its checks first (npm run check -- 5 --exercise 02). To see it anyway: npm run lab 5 -- --show-solution 02.',
    });
  });

  it('is not offered while it fails', () => {
    const failing = mergeRun(emptyProgress(), runDoc([['02-cache-aside', 'fail']])).state;
    const offer = solutionOffer(lab05, '02-cache-aside', failing);
    expect(offer.available).toBe(false);
    expect(offer.reason).toMatch(/offered once your version passes \(npm run check -- 5 --exercise 02\); the failing checks' hints say what is missing/);
  });

  it('is offered once the learner’s version passes', () => {
    const offer = solutionOffer(lab05, '2', passed());
    expect(offer).toEqual({
      available: true,
      path: PATH_02,
      reason: `Your version of 02 Cache-aside (lazy loading) passes: compare it with the reference in ${PATH_02} (nothing is copied over your file).`,
    });
    expect(solutionOffer(lab05, '03', passed()).available).toBe(false);
  });

  it('is withdrawn when a version that passed fails again', () => {
    const offer = solutionOffer(lab05, '02', failedAfterPass());
    expect(offer.available).toBe(false);
    expect(offer.reason).toMatch(/passed before but fails now/);
  });

  it('says so when no reference ships, and refuses exercises the lab does not have', () => {
    expect(solutionOffer(lab05, '02', passed(), tempDir())).toEqual({
      available: false,
      reason: 'No reference solution ships for exercise 02 Cache-aside (lazy loading) of lab 5.',
    });
    expect(() => solutionOffer(lab05, '9', passed())).toThrow(UsageError);
  });
});

describe('--show-solution', () => {
  it('says what it will do before doing it', () => {
    expect(describeShowSolution(lab05, '02')).toBe(
      `--show-solution prints ${PATH_02}, the reference for an exercise you have not passed yet; your file labs/05-elasticache-redis/exercises/02-cache-aside.ts is not changed.`,
    );
    expect(describeShowSolution(lab05, '02', passed())).toContain('the reference for an exercise you have passed;');
    expect(describeShowSolution(lab05, '02', emptyProgress(), tempDir())).toMatch(/There is no reference solution for exercise 02 of lab 5/);
    expect(showSolutionCommand(lab05, '02-cache-aside')).toBe('npm run lab 5 -- --show-solution 02');
  });

  it('reads the reference solution, and explains a missing one', () => {
    expect(solutionPath(lab05, '02-cache-aside')).toBe(PATH_02);
    expect(readSolution(lab05, '02')).toEqual({ path: PATH_02, text: readFileSync(join(REPO_ROOT, PATH_02), 'utf8') });
    expect(() => readSolution(lab05, '02', tempDir())).toThrow(KitError);
    expect(() => readSolution(lab05, '02', tempDir())).toThrow(/could not be read \(ENOENT\)/);
  });
});
