/**
 * The one list of labs: each line is a lab's plug-in (checker/checks/NN-slug/index.ts,
 * see checker/checks/plugin.ts). Adding a lab = its own folders + one line here.
 */
import type { LabMeta } from '../checker/core/lab.js';
import type { LabPlugin } from '../checker/checks/plugin.js';
import type { LabChecks } from '../checker/checks/session.js';

/** Every lab's plug-in, in course order: one line per lab. */
export const plugins: LabPlugin[] = (
  await Promise.all([
    import('../checker/checks/01-rds-multi-az/index.js'),
    import('../checker/checks/02-read-replicas/index.js'),
    import('../checker/checks/03-aurora-cluster/index.js'),
    import('../checker/checks/04-aurora-serverless/index.js'),
    import('../checker/checks/05-elasticache-redis/index.js'),
    import('../checker/checks/06-performance-insights/index.js'),
    import('../checker/checks/07-serverless-cache/index.js'),
  ])
).map((module) => module.default);

/** Every lab, in course order. Labs marked `coming` are listed but cannot be opened yet. */
export const labs: LabMeta[] = plugins.map((p) => p.lab);

export function findLab(id: number): LabMeta | undefined {
  return labs.find((l) => l.id === id);
}

export function findPlugin(id: number): LabPlugin | undefined {
  return plugins.find((p) => p.lab.id === id);
}

/** A lab's exercise checks and session (loaded on demand), or undefined for a lab with none. */
export async function checksFor(id: number): Promise<LabChecks | undefined> {
  return findPlugin(id)?.checks();
}
