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

export interface StackMeta<O extends Record<string, string> = Record<string, string>> {
  /** CloudFormation stack name the CDK app deploys. */
  name: string;
  /** Source of the stack, relative to the repository root. */
  file: string;
  /**
   * The deployed stack's outputs: what the checker calls each one -> the
   * CloudFormation output key. The stack creates exactly these outputs and
   * the resource finders read them by these names.
   */
  outputs: O;
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

export const labDir = (lab: Pick<LabMeta, 'id' | 'slug'>): string => `labs/${String(lab.id).padStart(2, '0')}-${lab.slug}`;

export const labKey = (lab: Pick<LabMeta, 'id' | 'slug'>): string => `${String(lab.id).padStart(2, '0')}-${lab.slug}`;

export function hourlyCost(billable: BillableResource[]): number {
  return billable.reduce((sum, r) => sum + r.count * r.usdPerHour, 0);
}

/** What a lab's stack is: its name and outputs (the file is derived from the lab's number and slug). */
export interface StackFacts<O extends Record<string, string> = Record<string, string>> {
  name: string;
  outputs: O;
}

/** A lab as its lab.ts states it: everything in LabMeta that cannot be derived. */
export interface LabFacts<O extends Record<string, string> = Record<string, string>> extends Omit<LabMeta, 'cost' | 'stack'> {
  /** The hourly total is derived from `billable`. */
  cost: { billable: BillableResource[]; note: string };
  stack?: StackFacts<O>;
}

/** LabMeta plus what defineLab derived; still a LabMeta for every caller. */
export type DefinedLab<_O extends Record<string, string> = Record<string, string>> = LabMeta & {
  /** `labs/NN-slug`. */
  readonly dir: string;
  /** `NN-slug`: the folder name under labs/, solutions/ and checker/checks/. */
  readonly key: string;
};

/** Thrown at import time when a lab's facts contradict each other; names the lab file and every problem. */
export class LabDefinitionError extends Error {
  constructor(
    readonly labFile: string,
    readonly problems: string[],
  ) {
    super(`${labFile} is not a valid lab definition:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'LabDefinitionError';
  }
}

const SLUG = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
const EXERCISE_ID = /^\d{2}-[a-z0-9]+(?:-[a-z0-9]+)*$/;
/** CloudFormation output keys are alphanumeric logical ids. */
const OUTPUT_KEY = /^[A-Za-z][A-Za-z0-9]*$/;
/** Full engine versions as RDS and ElastiCache spell them. */
const ENGINE_VERSION: Record<string, RegExp> = {
  mysql: /^\d+\.\d+\.\d+$/,
  'aurora-mysql': /^\d+\.\d+\.mysql_aurora\.\d+\.\d+\.\d+$/,
  valkey: /^\d+\.\d+(?:\.\d+)?$/,
  redis: /^\d+\.\d+(?:\.\d+)?$/,
};
/** The output a tunnel through the bastion needs. */
export const BASTION_OUTPUT_KEY = 'BastionInstanceId';

/** `DataTierLabs-05-ElastiCacheRedis`: `npm run deploy 5` and the kit's tags read the number from the name. */
export const stackNamePattern = (id: number): RegExp => new RegExp(`^DataTierLabs-${String(id).padStart(2, '0')}-[A-Za-z0-9]+$`);

/** ElastiCache's parameter group family: the engine and its major version (`valkey` 8.2 -> `valkey8`). */
export function parameterGroupFamily(engine: string, engineVersion: string): string {
  return `${engine}${engineVersion.split('.')[0]}`;
}

function duplicates(values: string[]): string[] {
  return [...new Set(values.filter((v, i) => values.indexOf(v) !== i))];
}

function problemsOf(facts: LabFacts): string[] {
  const problems: string[] = [];
  if (!Number.isInteger(facts.id) || facts.id < 1 || facts.id > 99) problems.push(`id ${facts.id} must be a whole number from 1 to 99`);
  if (!SLUG.test(facts.slug)) problems.push(`slug "${facts.slug}" must be lower-case words joined by hyphens, e.g. "read-replicas"`);

  const ids = facts.exercises.map((e) => e.id);
  for (const id of ids.filter((i) => !EXERCISE_ID.test(i))) problems.push(`exercise id "${id}" must be two digits, a hyphen and a slug, e.g. "01-connect"`);
  for (const id of duplicates(ids)) problems.push(`exercise id "${id}" appears more than once`);
  for (const e of facts.exercises) {
    if (e.exports.length === 0) problems.push(`exercise ${e.id} names no function the learner must export`);
    for (const name of duplicates(e.exports)) problems.push(`exercise ${e.id} lists the export "${name}" twice`);
  }
  if (facts.status === 'ready' && facts.exercises.length === 0) problems.push('a ready lab needs at least one exercise');

  if (facts.cost.billable.some((r) => !(r.count >= 0) || !Number.isFinite(r.usdPerHour) || r.usdPerHour < 0)) {
    problems.push('every billable resource needs a count and a price of 0 or more');
  }

  const { stack, requires } = facts;
  if (stack) {
    if (!stackNamePattern(facts.id).test(stack.name)) {
      problems.push(
        `stack name "${stack.name}" must be DataTierLabs-${String(facts.id).padStart(2, '0')}-<Name> (deploy and the kit's tags read the lab number from it)`,
      );
    }
    const keys = Object.values(stack.outputs);
    if (keys.length === 0) problems.push('the stack declares no outputs, so the checker could not find its resources');
    for (const key of keys.filter((k) => !OUTPUT_KEY.test(k)))
      problems.push(`stack output "${key}" is not a CloudFormation output key (letters and digits only)`);
    for (const key of duplicates(keys)) problems.push(`stack output "${key}" is named twice`);
    if (requires?.tunnel && !keys.includes(BASTION_OUTPUT_KEY))
      problems.push(`requires.tunnel is set but the stack has no ${BASTION_OUTPUT_KEY} output to tunnel through`);
  }
  if (requires) {
    for (const engine of duplicates(requires.localEngines)) problems.push(`requires.localEngines lists "${engine}" twice`);
    if (requires.rds.length > 0 && !requires.localEngines.includes('mysql'))
      problems.push('requires.rds names a MySQL engine but localEngines has no "mysql" to run the exercises against');
    if (requires.elasticache.length > 0 && !requires.localEngines.includes('redis'))
      problems.push('requires.elasticache names a cache but localEngines has no "redis" to run the exercises against');
    const wantsCache = facts.localTopology === 'cache-and-database';
    if (facts.localTopology && wantsCache !== requires.localEngines.includes('redis')) {
      problems.push(
        `localTopology "${facts.localTopology}" ${wantsCache ? 'needs' : 'starts no'} "redis" but requires.localEngines is [${requires.localEngines.join(', ')}]`,
      );
    }
    for (const r of requires.rds) {
      const pattern = ENGINE_VERSION[r.engine];
      if (!pattern) problems.push(`requires.rds engine "${r.engine}" is not one the kit knows (${Object.keys(ENGINE_VERSION).slice(0, 2).join(', ')})`);
      else if (!pattern.test(r.engineVersion)) problems.push(`requires.rds ${r.engine} version "${r.engineVersion}" is not a full version as RDS spells it`);
      if (!r.instanceClass.startsWith('db.')) problems.push(`requires.rds instance class "${r.instanceClass}" must start with "db."`);
    }
    for (const e of requires.elasticache) {
      const pattern = ENGINE_VERSION[e.engine];
      if (!pattern || e.engine.includes('mysql')) problems.push(`requires.elasticache engine "${e.engine}" is not valkey or redis`);
      else if (!pattern.test(e.engineVersion))
        problems.push(`requires.elasticache ${e.engine} version "${e.engineVersion}" is not a version as ElastiCache spells it`);
      if (!e.nodeType.startsWith('cache.')) problems.push(`requires.elasticache node type "${e.nodeType}" must start with "cache."`);
      if (e.parameterGroupFamily !== undefined && e.parameterGroupFamily !== parameterGroupFamily(e.engine, e.engineVersion)) {
        problems.push(
          `requires.elasticache parameter group family "${e.parameterGroupFamily}" does not match ${e.engine} ${e.engineVersion} (${parameterGroupFamily(e.engine, e.engineVersion)})`,
        );
      }
    }
    if (!Number.isInteger(requires.minAvailabilityZones) || requires.minAvailabilityZones < 1) problems.push('requires.minAvailabilityZones must be 1 or more');
  }
  return problems;
}

/**
 * One lab's metadata from its facts: derives the hourly cost, the folder
 * names, the stack's file and the cache parameter group family, and checks
 * that the facts agree with each other. A contradiction throws
 * LabDefinitionError when lab.ts is imported, so no command, test or synth
 * runs on a broken definition.
 */
export function defineLab<const O extends Record<string, string>>(facts: LabFacts<O> & { stack: StackFacts<O> }): DefinedLab & { stack: StackMeta<O> };
export function defineLab(facts: LabFacts): DefinedLab;
export function defineLab(facts: LabFacts): DefinedLab {
  const key = labKey(facts);
  const problems = problemsOf(facts);
  if (problems.length > 0) throw new LabDefinitionError(`labs/${SLUG.test(facts.slug) ? key : `${facts.id}`}/lab.ts`, problems);
  const { stack, requires, cost } = facts;
  // Spread first so every key keeps its place (JSON output, printed metadata).
  const lab: LabMeta = {
    ...(facts as Omit<LabFacts, 'stack'>),
    cost: { usdPerHour: hourlyCost(cost.billable), billable: cost.billable, note: cost.note },
    ...(requires
      ? {
          requires: {
            ...requires,
            elasticache: requires.elasticache.map((e) => ({
              ...e,
              parameterGroupFamily: e.parameterGroupFamily ?? parameterGroupFamily(e.engine, e.engineVersion),
            })),
          },
        }
      : {}),
    ...(stack ? { stack: { name: stack.name, file: `stacks/${key}.ts`, outputs: stack.outputs } } : {}),
  };
  // Not enumerable: the metadata prints and compares as it always has.
  return Object.defineProperties(lab, {
    dir: { value: labDir(facts), enumerable: false },
    key: { value: key, enumerable: false },
  }) as DefinedLab;
}
