import { describe, expect, it } from 'vitest';
import { defineLab, hourlyCost, LabDefinitionError, type LabFacts } from '../../core/lab.js';
import { billable } from '../../cost/pricing.js';
import { lab01 } from '../../../labs/01-rds-multi-az/lab.js';
import { lab02 } from '../../../labs/02-read-replicas/lab.js';
import { lab03 } from '../../../labs/03-aurora-cluster/lab.js';
import { lab04 } from '../../../labs/04-aurora-serverless/lab.js';
import { lab05 } from '../../../labs/05-elasticache-redis/lab.js';
import { lab06 } from '../../../labs/06-performance-insights/lab.js';

const LABS = [lab01, lab02, lab03, lab04, lab05, lab06];

/** A small, valid lab; each test breaks one fact. */
function facts(): LabFacts {
  return {
    id: 7,
    slug: 'toy-lab',
    title: 'Toy',
    status: 'ready',
    summary: 's',
    objectives: [],
    steps: [],
    cost: { billable: [billable('ec2:t4g.nano', 2, 'bastion')], note: '' },
    deployMinutes: 1,
    requires: {
      localEngines: ['mysql'],
      rds: [{ engine: 'mysql', engineVersion: '8.4.10', instanceClass: 'db.t4g.micro' }],
      elasticache: [],
      minAvailabilityZones: 2,
      tunnel: true,
    },
    localTopology: 'database',
    stack: { name: 'DataTierLabs-07-Toy', outputs: { dbEndpoint: 'DbEndpoint', bastionInstanceId: 'BastionInstanceId' } },
    exercises: [
      { id: '01-first', title: 'One', exports: ['one'], hint: '' },
      { id: '02-second', title: 'Two', exports: ['two'], hint: '' },
    ],
    hints: [],
  };
}

/** The problems defineLab reports for these facts ([] when it accepts them). */
function problems(f: LabFacts): string[] {
  try {
    defineLab(f);
    return [];
  } catch (err) {
    expect(err).toBeInstanceOf(LabDefinitionError);
    return (err as LabDefinitionError).problems;
  }
}

describe('defineLab derives', () => {
  it('the hourly cost from the billable resources', () => {
    const lab = defineLab(facts());
    expect(lab.cost.usdPerHour).toBeCloseTo(hourlyCost(lab.cost.billable), 12);
    expect(lab.cost.usdPerHour).toBeGreaterThan(0);
  });

  it("the stack's file, the lab's folder and key from the number and slug", () => {
    const lab = defineLab(facts());
    expect(lab.stack?.file).toBe('stacks/07-toy-lab.ts');
    expect(lab.dir).toBe('labs/07-toy-lab');
    expect(lab.key).toBe('07-toy-lab');
    // Derived names stay out of the printed metadata.
    expect(Object.keys(lab)).not.toContain('dir');
  });

  it("a cache's parameter group family from its engine and version", () => {
    const f = facts();
    f.localTopology = 'cache-and-database';
    f.requires!.localEngines = ['redis', 'mysql'];
    f.requires!.elasticache = [{ engine: 'valkey', engineVersion: '8.2', nodeType: 'cache.t4g.micro' }];
    expect(defineLab(f).requires?.elasticache[0]?.parameterGroupFamily).toBe('valkey8');
  });

  it('keeps the order of the keys as written (printed metadata and JSON unchanged)', () => {
    expect(Object.keys(defineLab(facts()))).toEqual(Object.keys(facts()));
  });

  it('for every lab: the stack file exists under stacks/ and the costs are the table sum', async () => {
    const { existsSync } = await import('node:fs');
    for (const lab of LABS) {
      expect(existsSync(new URL(`../../../${lab.stack!.file}`, import.meta.url)), lab.stack!.file).toBe(true);
      expect(lab.cost.usdPerHour).toBeCloseTo(hourlyCost(lab.cost.billable), 12);
    }
  });
});

describe('defineLab refuses, at import time, facts that contradict each other', () => {
  it('accepts the valid toy lab and the six labs as they are', () => {
    expect(problems(facts())).toEqual([]);
    expect(LABS.map((l) => l.id)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('an exercise id used twice', () => {
    const f = facts();
    f.exercises[1]!.id = '01-first';
    expect(problems(f)).toEqual(['exercise id "01-first" appears more than once']);
  });

  it('a badly formed exercise id, slug or lab number', () => {
    const f = facts();
    f.exercises[0]!.id = 'first';
    f.slug = 'Toy Lab';
    f.id = 0;
    const found = problems(f);
    // The stack name no longer carries the lab's number either.
    expect(found).toHaveLength(4);
    expect(found.join('\n')).toMatch(/stack name/);
    expect(found.join('\n')).toMatch(/exercise id "first"/);
    expect(found.join('\n')).toMatch(/slug "Toy Lab"/);
    expect(found.join('\n')).toMatch(/id 0/);
  });

  it('an exercise without exports, and a ready lab without exercises', () => {
    const f = facts();
    f.exercises[0]!.exports = [];
    expect(problems(f)).toEqual(['exercise 01-first names no function the learner must export']);
    const empty = facts();
    empty.exercises = [];
    expect(problems(empty)).toEqual(['a ready lab needs at least one exercise']);
  });

  it('a stack with no outputs, a repeated output or one CloudFormation would refuse', () => {
    const none = facts();
    none.requires!.tunnel = false;
    none.stack!.outputs = {};
    expect(problems(none)).toEqual(['the stack declares no outputs, so the checker could not find its resources']);
    const twice = facts();
    twice.stack!.outputs = { a: 'BastionInstanceId', b: 'BastionInstanceId', c: 'Db-Endpoint' };
    expect(problems(twice)).toEqual([
      'stack output "Db-Endpoint" is not a CloudFormation output key (letters and digits only)',
      'stack output "BastionInstanceId" is named twice',
    ]);
  });

  it("a stack name that does not carry the lab's number (deploy reads it from there)", () => {
    const f = facts();
    f.stack!.name = 'DataTierLabs-08-Toy';
    expect(problems(f)[0]).toMatch(/stack name "DataTierLabs-08-Toy" must be DataTierLabs-07-<Name>/);
  });

  it('a tunnel without a bastion output', () => {
    const f = facts();
    f.stack!.outputs = { dbEndpoint: 'DbEndpoint' };
    expect(problems(f)).toEqual(['requires.tunnel is set but the stack has no BastionInstanceId output to tunnel through']);
  });

  it('requirements that disagree with the local engines or the topology', () => {
    const f = facts();
    f.requires!.elasticache = [{ engine: 'valkey', engineVersion: '8.2', nodeType: 'cache.t4g.micro' }];
    expect(problems(f)).toEqual(['requires.elasticache names a cache but localEngines has no "redis" to run the exercises against']);
    const g = facts();
    g.localTopology = 'cache-and-database';
    expect(problems(g)[0]).toMatch(/localTopology "cache-and-database" needs "redis"/);
  });

  it('engine versions, classes and a parameter group family RDS or ElastiCache would not know', () => {
    const f = facts();
    f.requires!.rds = [{ engine: 'aurora-mysql', engineVersion: '3.10.4', instanceClass: 't4g.medium' }];
    f.requires!.localEngines = ['mysql', 'redis'];
    f.localTopology = 'cache-and-database';
    f.requires!.elasticache = [{ engine: 'valkey', engineVersion: '8.2', nodeType: 'cache.t4g.micro', parameterGroupFamily: 'valkey7' }];
    expect(problems(f)).toEqual([
      'requires.rds aurora-mysql version "3.10.4" is not a full version as RDS spells it',
      'requires.rds instance class "t4g.medium" must start with "db."',
      'requires.elasticache parameter group family "valkey7" does not match valkey 8.2 (valkey8)',
    ]);
  });

  it('names the lab file and every problem in one message', () => {
    const f = facts();
    f.exercises[1]!.id = '01-first';
    f.stack!.outputs = {};
    expect(() => defineLab(f)).toThrow(/^labs\/07-toy-lab\/lab\.ts is not a valid lab definition:\n {2}- exercise id "01-first" appears more than once\n/);
  });
});
