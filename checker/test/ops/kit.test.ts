/** The ops code's copies of stack facts stay equal to the stack code, and every ready lab has what the ops code reads. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compareVersions, kitMatch, KIT_LAB_TAG, KIT_MANAGED_TAG, KIT_STACK_PREFIX, matchesLabs, shellWord } from '../../ops/kit.js';
import { labs } from '../../../labs/index.js';
import { LAB_TAG_KEY, MANAGED_TAG_KEY } from '../../../stacks/shared/secure-defaults.js';
import { MYSQL_ENGINE_VERSION } from '../../../stacks/shared/mysql.js';
import { CACHE_NODE_TYPE, VALKEY_ENGINE, VALKEY_ENGINE_VERSION, VALKEY_PARAMETER_GROUP_FAMILY } from '../../../stacks/shared/valkey.js';
import { resourcesOfType, templateOf } from '../../../stacks/test/support.js';

describe('kit constants', () => {
  it('uses the tag keys the stacks put on every resource', () => {
    expect(KIT_LAB_TAG).toBe(LAB_TAG_KEY);
    expect(KIT_MANAGED_TAG).toBe(MANAGED_TAG_KEY);
  });

  it('finds every lab stack by the DataTierLabs-NN- naming convention', () => {
    for (const lab of labs.filter((l) => l.stack)) {
      expect(lab.stack!.name.startsWith(`${KIT_STACK_PREFIX}${String(lab.id).padStart(2, '0')}-`)).toBe(true);
      expect(kitMatch(undefined, [lab.stack!.name.toLowerCase()])?.labId).toBe(lab.id);
    }
  });

  it('every ready lab with a stack declares what doctor, labs:status and the cost table read', () => {
    for (const lab of labs.filter((l) => l.status === 'ready' && l.stack)) {
      expect(lab.requires, `lab ${lab.id} requires`).toBeDefined();
      expect(lab.plannedHours, `lab ${lab.id} plannedHours`).toBeGreaterThan(0);
      expect(lab.cost.billable.length, `lab ${lab.id} billable`).toBeGreaterThan(0);
    }
  });
});

describe("Lab 5's requires match its stack", () => {
  const req = labs.find((l) => l.id === 5)!.requires!;

  it('names the engines and versions the stack code pins', () => {
    expect(req.rds).toEqual([{ engine: 'mysql', engineVersion: MYSQL_ENGINE_VERSION.mysqlFullVersion, instanceClass: 'db.t4g.micro', storageType: 'gp3' }]);
    expect(req.elasticache).toEqual([
      { engine: VALKEY_ENGINE, engineVersion: VALKEY_ENGINE_VERSION, nodeType: CACHE_NODE_TYPE, parameterGroupFamily: VALKEY_PARAMETER_GROUP_FAMILY },
    ]);
  });

  it('names what the synthesised template really creates', () => {
    const { template } = templateOf(true);
    const dbs = Object.values(resourcesOfType(template, 'AWS::RDS::DBInstance'));
    expect(dbs.map((d) => [d.Properties?.Engine, d.Properties?.EngineVersion, d.Properties?.DBInstanceClass, d.Properties?.StorageType])).toEqual(
      req.rds.map((r) => [r.engine, r.engineVersion, r.instanceClass, r.storageType]),
    );
    const groups = Object.values(resourcesOfType(template, 'AWS::ElastiCache::ReplicationGroup'));
    expect(groups.map((g) => [g.Properties?.Engine, g.Properties?.EngineVersion, g.Properties?.CacheNodeType])).toEqual(
      req.elasticache.map((e) => [e.engine, e.engineVersion, e.nodeType]),
    );
  }, 120_000);
});

describe('helpers', () => {
  it('matches by tag first, then name, then description', () => {
    expect(kitMatch({ [KIT_LAB_TAG]: '05', [KIT_MANAGED_TAG]: 'true' })).toEqual({ labId: 5, how: `tag ${KIT_LAB_TAG}=05` });
    expect(kitMatch({ [KIT_MANAGED_TAG]: 'true' })).toEqual({ how: `tag ${KIT_MANAGED_TAG}=true` });
    expect(kitMatch(undefined, ['x', 'Data Tier Labs lab 5 cache'])?.labId).toBe(5);
    expect(kitMatch(undefined, ['prod-db'])).toBeUndefined();
    expect(matchesLabs({ how: 'x' }, [5])).toBe(false);
    expect(matchesLabs({ how: 'x' }, undefined)).toBe(true);
  });

  it('compares versions numerically and quotes shell words', () => {
    expect(compareVersions('20.9.0', '20.19.0')).toBe(-1);
    expect(compareVersions('v22.1.0', '20.19.0')).toBe(1);
    expect(compareVersions('20.19', '20.19.0')).toBe(0);
    expect(shellWord('/aws/lambda/x')).toBe('/aws/lambda/x');
    expect(shellWord("it's")).toBe(`'it'\\''s'`);
  });

  it('knows the engines floor of package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { engines: { node: string } };
    expect(pkg.engines.node).toMatch(/^>=20\.19/);
  });
});
