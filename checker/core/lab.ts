/** Typed lab metadata: what a lab is, what it costs and what it checks. */

export interface BillableResource {
  /** What the resource is, e.g. "cache.t4g.micro node (Valkey)". */
  kind: string;
  count: number;
  /** List price in us-east-1, USD per hour per unit (derived from `priceKey` by checker/cost/pricing.ts `billable()`). */
  usdPerHour: number;
  /**
   * The price this resource is billed at: a key of PRICES in checker/cost/pricing.ts.
   * A plain string here so core stays below cost; `billable()` takes only known keys
   * and checker/test/cost/pricing.test.ts fails on any lab resource the table lacks.
   */
  priceKey?: string;
  /**
   * How much of the price's unit one resource uses: GiB for a per-GiB-month
   * price, GiB per hour for a per-GiB price. Default 1.
   */
  quantity?: number;
}

/** An RDS engine, version and instance class a lab's stack creates. */
export interface RdsRequirement {
  /** RDS engine name as the API spells it, e.g. "mysql", "aurora-mysql". */
  engine: string;
  /** Full engine version the stack pins, e.g. "8.4.10". */
  engineVersion: string;
  instanceClass: string;
  /** Storage type the stack asks for, e.g. "gp3". */
  storageType?: string;
}

/** An ElastiCache engine, version and node type a lab's stack creates. */
export interface ElastiCacheRequirement {
  /** "valkey", "redis" or "memcached". */
  engine: string;
  engineVersion: string;
  nodeType: string;
  /** Parameter group family the stack names, e.g. "valkey8". */
  parameterGroupFamily?: string;
}

/**
 * What a lab needs from the machine and from the AWS region, so `npm run doctor`
 * can check it before anyone waits twenty minutes for a deploy to fail.
 */
export interface LabRequirements {
  /** Engines the local target starts on this machine. */
  localEngines: Array<'redis' | 'mysql'>;
  rds: RdsRequirement[];
  elasticache: ElastiCacheRequirement[];
  /** Availability Zones the stack spreads over (subnet groups, Multi-AZ). */
  minAvailabilityZones: number;
  /** The deployed lab is reached through an SSM bastion (AWS CLI + Session Manager plugin). */
  tunnel: boolean;
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
  /** How long a deployed lab is expected to stay up; `npm run labs:status` reminds past it. */
  plannedHours?: number;
  /** What the lab needs locally and in the region (checked by `npm run doctor`). */
  requires?: LabRequirements;
  stack?: StackMeta;
  /**
   * What the local target starts: Redis and one database (Lab 5), a
   * replicating primary and replica behind an endpoint (Labs 1-2), a writer
   * and two readers behind cluster and reader endpoints (Lab 3), or one
   * database with performance_schema on (Labs 4 and 6).
   */
  localTopology?: 'cache-and-database' | 'primary-and-replica' | 'aurora-cluster' | 'database';
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
