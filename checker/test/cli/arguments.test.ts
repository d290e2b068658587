/**
 * Command lines the kit used to half-read: extra arguments, flags npm kept for
 * itself, empty or dash-led values, unknown flags, flags a lab or command would
 * ignore. Each is refused with one usage paragraph in the kit's words.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseFlags } from '../../cli/args.js';
import { checkMain } from '../../cli/check.js';
import { refuseUnusedFlags, CHECK_USAGE } from '../../cli/check-flags.js';
import { labMain } from '../../cli/lab.js';
import { planFromFlags } from '../../cli/lab-progress.js';
import { flagsNpmKept, parseCommandLine } from '../../cli/command-line.js';
import { echo } from '../../core/echo.js';
import { explain } from '../../cli/run-command.js';
import { UsageError } from '../../core/errors.js';
import { labs } from '../../../labs/index.js';

const lab = (id: number) => labs.find((l) => l.id === id)!;

/** The paragraph a person would read, and its exit code. */
async function refusal(run: () => unknown): Promise<{ text: string; exitCode: number }> {
  try {
    await run();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return explain(err);
  }
  throw new Error('expected a usage error');
}

const CHECK_SCOPE = { script: 'check', flags: ['exercise', 'target', 'json', 'all', 'learner', 'help'] as const };

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('extra arguments and flags npm kept', () => {
  it('refuses a second positional (npm run check -- 5 6)', async () => {
    const { text, exitCode } = await refusal(() => checkMain(['5', '6']));
    expect(exitCode).toBe(2);
    expect(text).toMatch(/Unexpected "6": `npm run check` takes one lab number/);
    expect(text).toContain('Usage: npm run check');
  });

  it('names the flag npm kept when the kit runs under `npm run check` (npm 11: the value stays as an argument)', async () => {
    const env = { npm_lifecycle_event: 'check', npm_config_exercise: 'true' };
    expect(flagsNpmKept({ exercise: { type: 'string' } }, 'check', env)).toEqual(['--exercise']);
    const { text } = await refusal(() =>
      parseCommandLine(['5', '02'], { exercise: { type: 'string' } }, { script: 'check', usage: CHECK_USAGE, maxPositionals: 1 }, env),
    );
    expect(text).toMatch(/npm took --exercise for itself/);
    expect(text).toMatch(/Put `--` before the kit's flags/);
  });

  it('also when npm kept the value (npm 10: npm_config_exercise=02), and for lab --show-solution', async () => {
    vi.stubEnv('npm_lifecycle_event', 'lab');
    vi.stubEnv('npm_config_show_solution', 'true');
    const { text } = await refusal(() => labMain(['5', '03']));
    expect(text).toMatch(/npm took --show-solution for itself/);
    vi.stubEnv('npm_lifecycle_event', 'check');
    vi.stubEnv('npm_config_exercise', '02');
    expect((await refusal(() => checkMain(['5']))).text).toMatch(/npm took --exercise/);
  });

  it('ignores npm config of another script, and npm defaults that are empty', () => {
    expect(flagsNpmKept({ exercise: { type: 'string' } }, 'check', { npm_lifecycle_event: 'test', npm_config_exercise: '02' })).toEqual([]);
    expect(flagsNpmKept({ yes: { type: 'boolean' } }, 'check', { npm_lifecycle_event: 'check', npm_config_yes: '' })).toEqual([]);
    expect(flagsNpmKept({ 'no-color': { type: 'boolean' } }, 'check', { npm_lifecycle_event: 'check', npm_config_color: 'false' })).toEqual(['--no-color']);
  });

  it('refuses an empty --exercise instead of running every exercise', async () => {
    const { text } = await refusal(() => parseFlags(['5', '--exercise', ''], CHECK_USAGE, CHECK_SCOPE));
    expect(text).toMatch(/--exercise was given an empty value/);
  });

  it('refuses --learner without --all', async () => {
    const { text } = await refusal(() => checkMain(['5', '--learner', 'ada', '--target', 'local']));
    expect(text).toMatch(/--learner names whose results an --all --json file holds/);
  });

  it('refuses --failover-drill where no drill runs', async () => {
    expect(() => refuseUnusedFlags(lab(4), { failoverDrill: true, target: 'local' } as never)).toThrow(/Lab 4 has no failover drill/);
    expect(() => refuseUnusedFlags(lab(5), { failoverDrill: true, target: 'local' } as never)).toThrow(/runs only with --target aws/);
    expect(() => refuseUnusedFlags(lab(1), { failoverDrill: true, target: 'local' } as never)).not.toThrow();
    expect(() => refuseUnusedFlags(lab(3), { failoverDrill: true, target: 'aws' } as never)).not.toThrow();
  });

  it('refuses --yes without a drill, and AWS-only flags on the local target', () => {
    expect(() => refuseUnusedFlags(lab(5), { yes: true, target: 'local' } as never)).toThrow(/--yes confirms a drill/);
    expect(() => refuseUnusedFlags(lab(5), { tunnel: true, stack: 'S', target: 'local' } as never)).toThrow(/--tunnel, --stack go with --target aws/);
    expect(() => refuseUnusedFlags(lab(5), { tunnel: true, yes: true, failoverDrill: true, target: 'aws' } as never)).not.toThrow();
  });

  it('refuses flags another command owns (check --watch, lab --exercise) and --poll without --watch', async () => {
    expect((await refusal(() => checkMain(['5', '--watch']))).text).toMatch(/"--watch" is not an option of `npm run check`/);
    expect((await refusal(() => labMain(['5', '--exercise', '02']))).text).toMatch(/"--exercise" is not an option of `npm run lab`/);
    expect((await refusal(() => labMain(['5', '--poll']))).text).toMatch(/--poll .* goes with --watch/);
  });
});

describe('lab reset scope', () => {
  it('refuses --all together with a lab or an exercise (it used to reset every lab)', async () => {
    expect((await refusal(() => planFromFlags({ all: true, lab: 5, exercise: '01' }))).text).toMatch(/--all resets every lab, and lab 5 was named too/);
    expect((await refusal(() => planFromFlags({ all: true, lab: undefined, exercise: '99' }))).text).toMatch(/--exercise names one exercise of one lab/);
  });

  it('refuses an unknown exercise and an exercise without a lab', async () => {
    expect((await refusal(() => planFromFlags({ all: false, lab: 5, exercise: '99' }))).text).toMatch(/Lab 5 has no exercise "99"/);
    expect((await refusal(() => planFromFlags({ all: false, lab: undefined, exercise: '01' }))).text).toMatch(/Name the lab too/);
  });
});

describe("refusals in the kit's words", () => {
  it('an unknown flag: no Node parser text, the usage line', async () => {
    const { text } = await refusal(() => checkMain(['5', '--bogus']));
    expect(text).toMatch(/^"--bogus" is not an option of `npm run check`\. Usage: npm run check/);
    expect(text).not.toMatch(/place it at the end|positional argument/);
  });

  it('a dash-led value: no "ambiguous..", says how to pass it', async () => {
    const { text } = await refusal(() => checkMain(['5', '--exercise', '-1']));
    expect(text).not.toMatch(/\.\./);
    expect(text).not.toMatch(/ambiguous/);
    expect(text).toMatch(/--exercise needs a value, but the next argument "-1" starts with a dash/);
  });

  it('a flag without its value, and a switch given a value', async () => {
    expect((await refusal(() => checkMain(['5', '--exercise']))).text).toMatch(/^--exercise needs a value after it\./);
    expect((await refusal(() => checkMain(['5', '--json=yes']))).text).toMatch(/--json is a switch and takes no value/);
  });

  it('echoes a short prefix of a huge value, without control characters', async () => {
    const huge = `${'x'.repeat(100_000)}`;
    const { text } = await refusal(() => checkMain(['5', '--target', huge]));
    expect(text).toContain(`"${'x'.repeat(40)}…"`);
    expect(text.length).toBeLessThan(500);
    const painted = await refusal(() => checkMain(['\u001b[2J\u001b[31mfive\u0007']));
    expect(painted.text).toMatch(/^"\[2J\[31mfive" is not a lab number/);
    expect(painted.text).not.toMatch(/[\u0000-\u001f\u007f]/);
    expect(echo('a\u202Eb')).toBe('"ab"');
  });
});
