/**
 * npm run mutants: bad command lines get one usage paragraph and exit 2, and
 * each Stryker run mutates one reference solution only and judges it by that
 * exercise's local checks. (The mutation run itself is slow and stays out of
 * the suite: docs/mutation.md records its figures.)
 */
import { describe, expect, it } from 'vitest';
import type { MutantResult } from '@stryker-mutator/api/core';
import { mutantsMain, scoreOf, strykerOptionsFor, summary } from '../../cli/mutants.js';
import { explain } from '../../cli/run-command.js';
import { UsageError } from '../../core/errors.js';
import { labs } from '../../../labs/index.js';

async function refusal(run: () => unknown): Promise<{ text: string; exitCode: number }> {
  try {
    await run();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return explain(err);
  }
  throw new Error('expected a usage error');
}

describe('npm run mutants: command line', () => {
  it('asks for the lab number when none is given', async () => {
    const { text, exitCode } = await refusal(() => mutantsMain([]));
    expect(exitCode).toBe(2);
    expect(text).toMatch(/^Which lab\?.*npm run mutants -- 6\.$/);
    expect(text).not.toContain('\n');
  });

  it('refuses a lab that does not exist, naming the ready ones', async () => {
    const { text, exitCode } = await refusal(() => mutantsMain(['42']));
    expect(exitCode).toBe(2);
    expect(text).toMatch(/There is no lab 42\..*ready now: 1/);
  });

  it('refuses what is not a lab number, a flag it does not take and an unknown exercise', async () => {
    expect((await refusal(() => mutantsMain(['six']))).text).toMatch(/"six" is not a lab number/);
    expect((await refusal(() => mutantsMain(['6', '--target', 'local']))).text).toMatch(/"--target" is not an option of `npm run mutants`/);
    expect((await refusal(() => mutantsMain(['6', '--exercise', '9']))).text).toMatch(/Lab 6 has no exercise "9"/);
  });
});

describe('npm run mutants: one Stryker run per exercise', () => {
  const lab6 = labs.find((l) => l.id === 6)!;
  const exercise = lab6.exercises[0];
  const options = strykerOptionsFor(lab6, exercise, `${process.cwd()}/solutions/06-performance-insights/exercises/${exercise.id}.ts`);

  it('mutates only that exercise of the reference solutions', () => {
    expect(options.mutate).toEqual([`solutions/06-performance-insights/exercises/${exercise.id}.ts`]);
  });

  it("is judged by that exercise's checks of the reference on the local target, one mutant at a time, with a timeout", () => {
    expect(options.testRunner).toBe('command');
    expect(options.commandRunner?.command).toBe(`npm run --silent check -- 6 --target local --solutions --exercise ${exercise.id} --no-input --no-color`);
    expect(options.concurrency).toBe(1);
    expect(options.timeoutMS).toBeGreaterThan(0);
    expect(options.jsonReporter?.fileName).toBe(`reports/mutation/06-performance-insights-${exercise.id}.json`);
  });

  it('counts the outcomes and lists what survived', () => {
    const mutant = (id: string, status: MutantResult['status']) =>
      ({ id, status, mutatorName: 'StringLiteral', location: { start: { line: 1, column: 1 }, end: { line: 1, column: 2 } } }) as MutantResult;
    const score = scoreOf('01', [
      mutant('1', 'Killed'),
      mutant('2', 'Killed'),
      mutant('3', 'Survived'),
      mutant('4', 'Timeout'),
      mutant('5', 'NoCoverage'),
      mutant('6', 'RuntimeError'),
    ]);
    expect(score).toMatchObject({ killed: 2, survived: 1, timeout: 1, noCoverage: 1, other: 1 });
    expect(score.survivors.map((m) => m.id)).toEqual(['3', '5']);
  });

  it('says when no mutant of an exercise was killed that the mutants may never have been switched on', () => {
    const mutant = (id: string, status: MutantResult['status']) =>
      ({
        id,
        status,
        mutatorName: 'StringLiteral',
        replacement: '""',
        location: { start: { line: 3, column: 1 }, end: { line: 3, column: 2 } },
      }) as MutantResult;
    const text = summary({ id: 7 }, [scoreOf('01', [mutant('1', 'Killed')]), scoreOf('02', [mutant('2', 'Survived')])], 599.6);
    expect(text).toMatch(/^Lab 7 mutation run in 10 min 0 s\n/);
    expect(text.match(/no mutant was killed/g)).toHaveLength(1);
    expect(text).toMatch(/02: 0 killed, 1 survived[^]*no mutant was killed[^]*survived 2 StringLiteral line 3: "\\"\\""/);
  });
});
