/**
 * Every DB instance whose template pins a full engine version (8.4.10, or an
 * Aurora 3.10.4 cluster's members) has automatic minor upgrades off. With
 * them on, RDS moves the instance to a newer minor at a maintenance window,
 * the template still names the old one, and the next deploy asks for a
 * downgrade RDS refuses.
 */
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { LAB_STACKS } from '../lab-app.js';
import { SHARED_SYNTH_TIMEOUT_MS, sharedAssembly } from './shared-synth.js';
import { VARIANTS } from './support.js';

const STACK_NAMES = Object.fromEntries(Object.entries(LAB_STACKS).map(([key, entry]) => [key, entry.lab.stack.name]));

describe.each(VARIANTS)('$name variant', ({ solution }) => {
  let assembly: CloudAssembly;

  beforeAll(async () => {
    // Every lab stack of the app as the CLI builds it, synthesised once per run (shared-synth.ts).
    assembly = await sharedAssembly(solution ? 'app-solution' : 'app-learner');
  }, SHARED_SYNTH_TIMEOUT_MS);

  it.each(Object.entries(STACK_NAMES))('%s: pinned versions are not upgraded behind the template', (_key, stackName) => {
    const template = assembly.getStackByName(stackName).template as {
      Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
    };
    const resources = Object.values(template.Resources);
    const clusterVersions = resources.filter((r) => r.Type === 'AWS::RDS::DBCluster').map((r) => String(r.Properties?.EngineVersion ?? ''));
    const instances = resources.filter((r) => r.Type === 'AWS::RDS::DBInstance');
    expect(instances.length).toBeGreaterThan(0);
    for (const instance of instances) {
      const p = instance.Properties ?? {};
      const version = String(p.EngineVersion ?? clusterVersions[0] ?? '');
      const fullyPinned = /^\d+\.\d+\.\d+$/.test(version) || /mysql_aurora\.\d+\.\d+\.\d+$/.test(version) || p.SourceDBInstanceIdentifier !== undefined;
      expect(fullyPinned, `${String(p.DBInstanceIdentifier ?? 'instance')} ${version}`).toBe(true);
      expect(p.AutoMinorVersionUpgrade, version).toBe(false);
    }
  });
});

describe('the Lab 1 lesson says which choice the stacks make, and what 8.4 vs 9.7 and Extended Support mean', () => {
  it('names the setting, the LTS lines and the Extended Support cost', async () => {
    const { readFileSync } = await import('node:fs');
    const lesson = readFileSync(new URL('../../labs/01-rds-multi-az/README.md', import.meta.url), 'utf8');
    expect(lesson).toContain('`autoMinorVersionUpgrade: false`');
    expect(lesson).toMatch(/\*\*9\.7\*\*, the\s+newer LTS/);
    expect(lesson).toMatch(/RDS for MySQL 8\.0 left standard support on 31 July 2026/);
    expect(lesson).toMatch(/\$0\.100 per vCPU-hour/);
    expect(lesson).not.toMatch(/8\.4 is the current\s+long-term-support release/);
  });
});
