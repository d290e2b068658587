/**
 * The checks this kit registers, lab by lab, for the class report to compare
 * results files with: every exercise check a full run has, and the
 * deployed-resource and drill checks a run may add.
 */
import { checksFor, labs } from '../../labs/index.js';
import type { CatalogLab, KitCatalog } from '../report/integrity.js';

export async function kitCatalog(): Promise<KitCatalog> {
  const byId = new Map<number, CatalogLab>();
  for (const lab of labs) {
    const checks = await checksFor(lab.id);
    if (!checks) continue;
    const required = new Set(
      Object.values(checks.exercises)
        .flat()
        .map((c) => c.id),
    );
    const prefix = `${String(lab.id).padStart(2, '0')}.`;
    // AWS and drill checks depend on the target and the flags; their ids carry the lab's prefix and group.
    const optional = (id: string) => id.startsWith(`${prefix}aws.`) || id.startsWith(`${prefix}drill.`);
    byId.set(lab.id, { slug: lab.slug, required, optional });
  }
  return { lab: (id) => byId.get(id) };
}
