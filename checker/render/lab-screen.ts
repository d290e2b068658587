/** The lab's front page: what it teaches, what it costs, what to do. */
import type { ChalkInstance } from 'chalk';
import { labDir, labKey, type LabMeta } from '../core/lab.js';

export const usd = (v: number) => `$${v < 0.1 ? v.toFixed(3) : v.toFixed(2)}`;

export function renderLabScreen(c: ChalkInstance, lab: LabMeta): string {
  const out: string[] = [];
  out.push(c.bold(`Lab ${lab.id} · ${lab.title}`));
  out.push(lab.summary);
  out.push('', c.bold('Objectives'));
  for (const o of lab.objectives) out.push(`  • ${o}`);
  if (lab.stack) {
    out.push('', c.bold('On AWS'));
    out.push(`  about ${usd(lab.cost.usdPerHour)} per hour (${usd(lab.cost.usdPerHour * 24)} per day) in us-east-1 while deployed; deploying takes about ${lab.deployMinutes} minutes.`);
    out.push(`  ${c.dim(lab.cost.note)} Locally it costs nothing.`);
  }
  out.push('', c.bold('Steps'));
  lab.steps.forEach((s, i) => out.push(`  ${i + 1}. ${s}`));
  out.push('', c.bold(`Exercises (${labDir(lab)}/exercises/)`));
  for (const e of lab.exercises) out.push(`  ${e.id.slice(0, 2)}  ${e.title}`);
  out.push(
    '',
    c.yellow(
      'Note: the starting exercises are meant to fail until you complete them. Each red check names what is still missing; it is your to-do list, not a bug in the kit.',
    ),
  );
  out.push(c.dim(`Lesson: ${labDir(lab)}/README.md · Solutions (look after trying): solutions/${labKey(lab)}/`));
  return out.join('\n');
}
