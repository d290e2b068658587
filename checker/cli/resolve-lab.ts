import { labs, findLab } from '../../labs/index.js';
import type { LabMeta } from '../core/lab.js';
import { UsageError } from '../core/errors.js';

const ready = () => labs.filter((l) => l.status === 'ready').map((l) => String(l.id));

export function resolveLab(id: number): LabMeta {
  const lab = findLab(id);
  if (!lab) {
    throw new UsageError(
      `There is no lab ${id}. The labs are numbered 1 to ${labs.length}; ready now: ${ready().join(', ')}.`,
      'List them with `npm run lab`.',
    );
  }
  if (lab.status !== 'ready') {
    throw new UsageError(
      `Lab ${id} (${lab.title}) is coming but not available yet. Ready now: lab ${ready().join(', ')}.`,
      `Open one with \`npm run lab ${ready()[0]}\`.`,
    );
  }
  return lab;
}
