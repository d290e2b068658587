/**
 * Destroy leaves nothing behind: over every stack the CDK app builds, in both
 * variants, no resource is retained or snapshotted, no database is protected
 * from deletion, no secret is retained and log groups are DESTROY. The
 * negative tests prove the checker catches each of those on a throwaway stack.
 */
import { App, CfnResource, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatViolations, teardownViolations, type CfnTemplate } from '../../checker/ops/teardown-policies.js';
import { labs } from '../../labs/index.js';
import { SHARED_SYNTH_TIMEOUT_MS, sharedAssembly } from './shared-synth.js';
import { VARIANTS } from './support.js';

interface SynthStack {
  name: string;
  template: CfnTemplate;
}

/** Every stack of the app exactly as `cdk synth [-c solution=true]` builds it (synthesised once per run, shared-synth.ts). */
function stacksOf(assembly: CloudAssembly): SynthStack[] {
  return assembly.stacksRecursively.map((s) => ({ name: s.stackName, template: s.template as CfnTemplate }));
}

function resourcesOf(stacks: SynthStack[], type: string) {
  return stacks.flatMap((s) =>
    Object.entries(s.template.Resources ?? {})
      .filter(([, r]) => r.Type === type)
      .map(([id, r]) => ({ stack: s.name, id, r })),
  );
}

describe.each(VARIANTS)('teardown policies of every stack in the $name variant', ({ solution }) => {
  let stacks: SynthStack[];

  beforeAll(async () => {
    stacks = stacksOf(await sharedAssembly(solution ? 'app-solution' : 'app-learner'));
  }, SHARED_SYNTH_TIMEOUT_MS);

  it('builds a stack for every ready lab that has one', () => {
    const names = stacks.map((s) => s.name);
    for (const lab of labs.filter((l) => l.status === 'ready' && l.stack)) expect(names).toContain(lab.stack!.name);
  });

  it('has no Retain/Snapshot policy, deletion protection, final snapshot, retained secret or non-DESTROY log group', () => {
    expect(stacks.flatMap((s) => formatViolations(teardownViolations(s.template, s.name)))).toEqual([]);
  });

  it('deletes every resource explicitly (DeletionPolicy and UpdateReplacePolicy Delete)', () => {
    const notDelete = stacks.flatMap((s) =>
      Object.entries(s.template.Resources ?? {})
        .filter(([, r]) => r.Type !== 'AWS::CDK::Metadata' && (r.DeletionPolicy !== 'Delete' || r.UpdateReplacePolicy !== 'Delete'))
        .map(([id, r]) => `${s.name} ${id} ${r.Type}: ${r.DeletionPolicy}/${r.UpdateReplacePolicy}`),
    );
    expect(notDelete).toEqual([]);
  });

  it('has RDS instances without deletion protection that drop their automated backups', () => {
    const dbs = resourcesOf(stacks, 'AWS::RDS::DBInstance');
    expect(dbs.length).toBeGreaterThan(0);
    for (const { r } of [...dbs, ...resourcesOf(stacks, 'AWS::RDS::DBCluster')]) {
      expect(r.Properties?.DeletionProtection).not.toBe(true);
      expect(r.Properties?.DeleteAutomatedBackups).not.toBe(false);
    }
  });

  it('has Aurora clusters (Labs 3, 4 and 7) without deletion protection that drop their automated backups, and no snapshot policy on them or their instances', () => {
    const clusters = resourcesOf(stacks, 'AWS::RDS::DBCluster');
    expect(new Set(clusters.map((c) => c.stack))).toEqual(
      new Set(['DataTierLabs-03-AuroraCluster', 'DataTierLabs-04-AuroraServerless', 'DataTierLabs-07-ServerlessCache']),
    );
    for (const { r } of clusters) {
      expect(r.Properties?.DeletionProtection).toBe(false);
      expect(r.Properties?.DeleteAutomatedBackups).toBe(true);
      expect(r.DeletionPolicy).toBe('Delete');
    }
    for (const { r } of resourcesOf(stacks, 'AWS::RDS::DBInstance').filter(({ r }) => r.Properties?.DBClusterIdentifier)) {
      expect(r.DeletionPolicy).toBe('Delete');
    }
  });

  it('gives every Lambda function a log group the stack owns and deletes (Lab 7)', () => {
    const functions = resourcesOf(stacks, 'AWS::Lambda::Function');
    expect(functions.map((f) => f.stack)).toContain('DataTierLabs-07-ServerlessCache');
    for (const { stack, r } of functions) {
      const ref = (r.Properties?.LoggingConfig as { LogGroup?: { Ref?: string } } | undefined)?.LogGroup?.Ref;
      const group = stacks.find((s) => s.name === stack)!.template.Resources?.[ref ?? ''];
      expect(group?.Type).toBe('AWS::Logs::LogGroup');
      expect(group?.DeletionPolicy).toBe('Delete');
    }
  });

  it('deletes its secrets and log groups with the stack', () => {
    const secrets = resourcesOf(stacks, 'AWS::SecretsManager::Secret');
    const groups = resourcesOf(stacks, 'AWS::Logs::LogGroup');
    expect(secrets.length).toBeGreaterThan(0);
    expect(groups.length).toBeGreaterThan(0);
    for (const { r } of [...secrets, ...groups]) expect(r.DeletionPolicy).toBe('Delete');
  });
});

describe('the teardown checker catches what would be left behind', () => {
  function throwaway(build: (stack: Stack) => void): CfnTemplate {
    const app = new App({ builtinCloudFormationValidation: false });
    const stack = new Stack(app, 'Throwaway');
    build(stack);
    return app.synth().getStackByName('Throwaway').template as CfnTemplate;
  }

  it('flags a Retain policy (a log group left as CDK defaults it)', () => {
    const template = throwaway((s) => new logs.LogGroup(s, 'Kept', { removalPolicy: RemovalPolicy.RETAIN }));
    const problems = formatViolations(teardownViolations(template, 'Throwaway'));
    expect(problems.join('\n')).toMatch(/Kept.*DeletionPolicy is Retain/);
    expect(problems.join('\n')).toMatch(/UpdateReplacePolicy is Retain/);
    expect(problems.join('\n')).toMatch(/log groups must be DESTROY/);
  });

  it('flags a Snapshot policy on a database and its deletion protection', () => {
    const template = throwaway((s) => {
      const db = new CfnResource(s, 'Db', {
        type: 'AWS::RDS::DBInstance',
        properties: { DBInstanceClass: 'db.t4g.micro', Engine: 'mysql', DeletionProtection: true, DeleteAutomatedBackups: false },
      });
      db.applyRemovalPolicy(RemovalPolicy.SNAPSHOT);
    });
    const problems = formatViolations(teardownViolations(template, 'Throwaway')).join('\n');
    expect(problems).toMatch(/Db .*DeletionPolicy is Snapshot: a snapshot is left behind/);
    expect(problems).toMatch(/DeletionProtection is true/);
    expect(problems).toMatch(/DeleteAutomatedBackups is false/);
  });

  it('flags an Aurora cluster kept by a Snapshot policy and deletion protection', () => {
    const template = throwaway((s) => {
      const cluster = new CfnResource(s, 'Cluster', {
        type: 'AWS::RDS::DBCluster',
        properties: { Engine: 'aurora-mysql', DeletionProtection: true, DeleteAutomatedBackups: false },
      });
      cluster.applyRemovalPolicy(RemovalPolicy.SNAPSHOT);
    });
    const problems = formatViolations(teardownViolations(template, 'Throwaway')).join('\n');
    expect(problems).toMatch(/Cluster \(AWS::RDS::DBCluster\): DeletionPolicy is Snapshot/);
    expect(problems).toMatch(/Cluster .*DeletionProtection is true/);
    expect(problems).toMatch(/Cluster .*DeleteAutomatedBackups is false/);
  });

  it('flags a retained secret', () => {
    const template = throwaway((s) => new secretsmanager.Secret(s, 'Kept', { removalPolicy: RemovalPolicy.RETAIN }));
    expect(formatViolations(teardownViolations(template, 'Throwaway')).join('\n')).toMatch(/the secret is retained/);
  });

  it('flags a cache final snapshot, a protected instance, a kept volume and a Lambda log group outside the stack', () => {
    const template = throwaway((s) => {
      new CfnResource(s, 'Cache', {
        type: 'AWS::ElastiCache::ReplicationGroup',
        properties: { ReplicationGroupDescription: 'x', FinalSnapshotIdentifier: 'last' },
      });
      new CfnResource(s, 'Box', {
        type: 'AWS::EC2::Instance',
        properties: { DisableApiTermination: true, BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { DeleteOnTermination: false } }] },
      });
      new CfnResource(s, 'Fn', { type: 'AWS::Lambda::Function', properties: { Code: { ZipFile: 'x' }, Role: 'arn:aws:iam::1:role/x' } });
    });
    const problems = formatViolations(teardownViolations(template, 'Throwaway')).join('\n');
    expect(problems).toMatch(/Cache .*FinalSnapshotIdentifier/);
    expect(problems).toMatch(/Box .*DisableApiTermination/);
    expect(problems).toMatch(/Box .*DeleteOnTermination false/);
    expect(problems).toMatch(/Fn .*LoggingConfig/);
  });

  it('passes a throwaway stack with DESTROY everywhere', () => {
    const template = throwaway((s) => {
      new logs.LogGroup(s, 'Gone', { removalPolicy: RemovalPolicy.DESTROY });
      new secretsmanager.Secret(s, 'AlsoGone', { removalPolicy: RemovalPolicy.DESTROY });
    });
    expect(teardownViolations(template, 'Throwaway')).toEqual([]);
  });
});
