/** The lab's front page: what it teaches, what it costs, what to do. */
import type { ChalkInstance } from 'chalk';
import { labDir, labKey, type LabMeta } from '../core/lab.js';
import { terminalWidth, wrapIndented } from './wrap.js';

export const usd = (v: number) => `$${v < 0.1 ? v.toFixed(3) : v.toFixed(2)}`;

/** The page, its long lines wrapped at word boundaries to `width` columns (the terminal's by default). */
export function renderLabScreen(c: ChalkInstance, lab: LabMeta, width: number | undefined = terminalWidth()): string {
  const out: string[] = [];
  const item = (first: string, text: string) => wrapIndented(text, first, ' '.repeat(first.length), width);
  out.push(c.bold(`Lab ${lab.id} · ${lab.title}`));
  out.push(...item('', lab.summary));
  out.push('', c.bold('Objectives'));
  for (const o of lab.objectives) out.push(...item('  • ', o));
  if (lab.stack) {
    out.push('', c.bold('On AWS'));
    out.push(
      ...item(
        '  ',
        `about ${usd(lab.cost.usdPerHour)} per hour (${usd(lab.cost.usdPerHour * 24)} per day) in us-east-1 while deployed; deploying takes about ${lab.deployMinutes} minutes.`,
      ),
    );
    out.push(...item('  ', `${c.dim(lab.cost.note)} Locally it costs nothing.`));
  }
  out.push('', c.bold('Steps'));
  lab.steps.forEach((s, i) => out.push(...item(`  ${i + 1}. `, s)));
  out.push('', c.bold(`Exercises (${labDir(lab)}/exercises/)`));
  for (const e of lab.exercises) out.push(`  ${e.id.slice(0, 2)}  ${e.title}`);
  out.push(
    '',
    ...item(
      '',
      c.yellow(
        'Note: the starting exercises are meant to fail until you complete them. Each red check names what is still missing; it is your to-do list, not a bug in the kit.',
      ),
    ),
  );
  out.push(...item('', c.dim(`Lesson: ${labDir(lab)}/README.md · Solutions (look after trying): solutions/${labKey(lab)}/`)));
  return out.join('\n');
}
