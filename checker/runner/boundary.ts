/**
 * What crossing into the learner's process costs by itself. Measurements
 * that time learner code through stubs take this off: it is timed in a clean
 * exercise process of the same kind, which the learner's code cannot reach,
 * so it cannot be inflated to make their code look faster.
 */
import { fileURLToPath } from 'node:url';
import { summarise, timeMany, type LatencySummary } from '../core/stats.js';
import { LearnerProcess } from './learner-process.js';

const PROBE = fileURLToPath(new URL('./boundary-probe.ts', import.meta.url));

export interface BoundaryProbe {
  /** Times `samples` calls that send `args` across and bring `payload` back. */
  time(samples: number, args: unknown[], payload: unknown): Promise<LatencySummary>;
  close(): Promise<void>;
}

export async function openBoundaryProbe(): Promise<BoundaryProbe> {
  const host = await LearnerProcess.start();
  const loaded = await host.load(PROBE, 60_000);
  if (!loaded.ok) {
    await host.stop();
    throw new Error('the process-boundary probe did not start');
  }
  const keep = loaded.module.keep as (value: unknown) => Promise<void>;
  const answer = loaded.module.answer as (...args: unknown[]) => Promise<unknown>;
  return {
    async time(samples, args, payload) {
      await keep(payload);
      await answer(...args);
      return summarise(await timeMany(samples, () => answer(...args)));
    },
    close: () => host.stop(),
  };
}
