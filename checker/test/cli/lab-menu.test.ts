import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { select } from '@inquirer/prompts';
import { lab05 } from '../../../labs/05-elasticache-redis/lab.js';
import { labMenu, MENU, type Ask } from '../../cli/lab.js';
import { parseFlags } from '../../cli/args.js';
import { makeChalk } from '../../cli/terminal.js';

const DOWN = '\u001b[B';
const ENTER = '\r';

/** A real inquirer select, fed keystrokes from a script instead of a keyboard. */
function scriptedAsk(keys: string[][]): { ask: Ask; screen: () => string } {
  let screen = '';
  let turn = 0;
  const ask = (async (config: Parameters<Ask>[0]) => {
    const input = new PassThrough();
    const output = new PassThrough();
    output.on('data', (d) => (screen += String(d)));
    const answer = select(config, { input, output, clearPromptOnDone: false });
    const script = keys[turn++] ?? [ENTER];
    for (const key of script) {
      await new Promise((r) => setTimeout(r, 20));
      input.write(key);
    }
    return answer;
  }) as Ask;
  return { ask, screen: () => screen };
}

describe('the lab menu', () => {
  it('offers every action the lab promises', () => {
    expect(MENU.map((m) => m.value)).toEqual(['run-local', 'watch', 'shell', 'hint', 'lesson', 'deploy', 'check-aws', 'run-aws', 'destroy', 'quit']);
  });

  it('is driven by keys: hint for exercise 02, then quit', async () => {
    const hintIndex = MENU.findIndex((m) => m.value === 'hint');
    const quitIndex = MENU.findIndex((m) => m.value === 'quit');
    const { ask, screen } = scriptedAsk([
      [...Array(hintIndex).fill(DOWN), ENTER],
      [DOWN, ENTER],
      [...Array(quitIndex).fill(DOWN), ENTER],
    ]);
    const chosen = await labMenu(lab05, parseFlags(['5', '--no-color'], ''), makeChalk({ noColor: true }), ask);
    expect(chosen).toEqual(['hint', 'quit']);
    expect(screen()).toContain('Lab 5: what next?');
    expect(screen()).toContain('Hint for which exercise?');
  });
});
