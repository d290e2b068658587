/** Typed lab metadata: what a lab is, what it costs and what it checks. */

export interface BillableResource {
  /** What the resource is, e.g. "cache.t4g.micro node (Valkey)". */
  kind: string;
  count: number;
  /** List price in us-east-1, USD per hour per unit. */
  usdPerHour: number;
}

export interface ExerciseMeta {
  /** Also the file name without extension, e.g. "02-cache-aside". */
  id: string;
  title: string;
  /** Functions the learner's module must export. */
  exports: string[];
  hint: string;
}

export interface StackMeta {
  /** CloudFormation stack name the CDK app deploys. */
  name: string;
  /** Source of the stack, relative to the repository root. */
  file: string;
  /** Output keys the checker reads from the deployed stack. */
  outputs: Record<string, string>;
}

export interface LabMeta {
  id: number;
  slug: string;
  title: string;
  status: 'ready' | 'coming';
  summary: string;
  objectives: string[];
  steps: string[];
  cost: { usdPerHour: number; billable: BillableResource[]; note: string };
  deployMinutes: number;
  stack?: StackMeta;
  exercises: ExerciseMeta[];
  hints: string[];
}

export const labDir = (lab: Pick<LabMeta, 'id' | 'slug'>): string =>
  `labs/${String(lab.id).padStart(2, '0')}-${lab.slug}`;

export const labKey = (lab: Pick<LabMeta, 'id' | 'slug'>): string =>
  `${String(lab.id).padStart(2, '0')}-${lab.slug}`;

export function hourlyCost(billable: BillableResource[]): number {
  return billable.reduce((sum, r) => sum + r.count * r.usdPerHour, 0);
}
