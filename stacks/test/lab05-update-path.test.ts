/**
 * Lab 5's path from the learner's single node to the finished group is a
 * sequence of CloudFormation updates, each of which CloudFormation accepts:
 * replicas first, then Multi-AZ and automatic failover. Jumping straight from
 * the starting point to the solution is the update CloudFormation rejects
 * ("Replication group must have at least one read replica to enable
 * autofailover"), and the rule says so.
 */
import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { lab05 } from '../../labs/05-elasticache-redis/lab.js';
import { stackConfig as learnerConfig } from '../../labs/05-elasticache-redis/stack-config.js';
import { stackConfig as solutionConfig } from '../../solutions/05-elasticache-redis/stack-config.js';
import { ElastiCacheRedisStack, LAB05_STACK_NAME } from '../05-elasticache-redis.js';
import { type CacheReplicationConfig, replicationSettingsOfTemplate, replicationUpdateProblem } from '../shared/cache-replication.js';
import { REPLICAS_FIRST, SHARED_SYNTH_TIMEOUT_MS, sharedAssembly } from './shared-synth.js';
import { cdkJsonContext, SYNTH_TIMEOUT_MS } from './support.js';

function synthesised(replication: CacheReplicationConfig): { stack: ElastiCacheRedisStack; template: Record<string, unknown> } {
  const app = new App({ context: cdkJsonContext(), builtinCloudFormationValidation: false });
  const stack = new ElastiCacheRedisStack(app, LAB05_STACK_NAME, { stackName: LAB05_STACK_NAME, replication });
  return { stack, template: Template.fromStack(stack).toJSON() };
}

describe('Lab 5 update path over the synthesised templates', () => {
  let learner: Record<string, unknown>;
  let replicasFirst: Record<string, unknown>;
  let solution: Record<string, unknown>;
  let replicasFirstStack: ElastiCacheRedisStack;

  beforeAll(() => {
    learner = synthesised(learnerConfig).template;
    ({ stack: replicasFirstStack, template: replicasFirst } = synthesised(REPLICAS_FIRST));
    solution = synthesised(solutionConfig).template;
  }, SYNTH_TIMEOUT_MS);

  it('reads the replication settings each template deploys', () => {
    expect(replicationSettingsOfTemplate(learner)).toEqual({ numCacheClusters: 1, multiAzEnabled: false, automaticFailoverEnabled: false });
    expect(replicationSettingsOfTemplate(replicasFirst)).toEqual({ numCacheClusters: 3, multiAzEnabled: false, automaticFailoverEnabled: false });
    expect(replicationSettingsOfTemplate(solution)).toEqual({ numCacheClusters: 3, multiAzEnabled: true, automaticFailoverEnabled: true });
  });

  it('learner -> replicas first -> solution: every update is one CloudFormation accepts', () => {
    const path = [learner, replicasFirst, solution].map((t) => replicationSettingsOfTemplate(t)!);
    for (let i = 1; i < path.length; i++) {
      expect(replicationUpdateProblem(path[i - 1]!, path[i]!), `step ${i}`).toBeUndefined();
    }
  });

  it('learner -> solution in one update is refused, naming the reason', () => {
    const problem = replicationUpdateProblem(replicationSettingsOfTemplate(learner)!, replicationSettingsOfTemplate(solution)!);
    expect(problem).toMatch(/1 -> 3 nodes/);
    expect(problem).toMatch(/automaticFailover and multiAz/);
    expect(problem).toMatch(/already has a read replica/);
  });

  it('the step between differs from the starting point only in the replica count', () => {
    const rg = (t: Record<string, unknown>) =>
      Object.values(t.Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>).find(
        (r) => r.Type === 'AWS::ElastiCache::ReplicationGroup',
      )!.Properties;
    const { NumCacheClusters: a, ...learnerRest } = rg(learner);
    const { NumCacheClusters: b, ...stepRest } = rg(replicasFirst);
    expect([a, b]).toEqual([1, 3]);
    expect(stepRest).toEqual(learnerRest);
  });

  it(
    'the step between passes cdk-nag (Multi-AZ still off is acknowledged) and synthesises without warnings',
    async () => {
      const report = new AwsSolutionsChecks().validateScope(replicasFirstStack);
      expect(report.violations).toEqual([]);
      // The same stack with CloudFormation validation on, synthesised once per run (shared-synth.ts).
      const assembly = await sharedAssembly('lab05-replicas-first');
      expect(assembly.getStackByName(LAB05_STACK_NAME).template).toEqual(replicasFirst);
      const messages = assembly.getStackByName(LAB05_STACK_NAME).messages;
      expect(messages.filter((m) => m.level === 'warning' || m.level === 'error')).toEqual([]);
    },
    SHARED_SYNTH_TIMEOUT_MS,
  );
});

describe('replicationUpdateProblem', () => {
  const single = { numCacheClusters: 1, multiAzEnabled: false, automaticFailoverEnabled: false };
  const replicated = { numCacheClusters: 3, multiAzEnabled: false, automaticFailoverEnabled: false };
  const highlyAvailable = { numCacheClusters: 3, multiAzEnabled: true, automaticFailoverEnabled: true };

  it('accepts a first deploy target reached in steps, and turning failover off again', () => {
    expect(replicationUpdateProblem(single, replicated)).toBeUndefined();
    expect(replicationUpdateProblem(replicated, highlyAvailable)).toBeUndefined();
    expect(replicationUpdateProblem(highlyAvailable, single)).toBeUndefined();
    expect(replicationUpdateProblem(highlyAvailable, highlyAvailable)).toBeUndefined();
  });

  it('refuses failover alone on a single node too', () => {
    expect(replicationUpdateProblem(single, { numCacheClusters: 2, multiAzEnabled: false, automaticFailoverEnabled: true })).toMatch(/automaticFailover/);
  });

  it('reads string-typed values from a template that went through CloudFormation', () => {
    expect(
      replicationSettingsOfTemplate({
        Resources: { G: { Type: 'AWS::ElastiCache::ReplicationGroup', Properties: { NumCacheClusters: '3', AutomaticFailoverEnabled: 'true' } } },
      }),
    ).toEqual({ numCacheClusters: 3, multiAzEnabled: false, automaticFailoverEnabled: true });
    expect(replicationSettingsOfTemplate({ Resources: {} })).toBeUndefined();
  });
});

describe('Lab 5 texts explain the two deploys', () => {
  const read = (rel: string) => readFileSync(new URL(`../../${rel}`, import.meta.url), 'utf8');

  it('the lesson, the stack-config comment and the lab hint say why failover waits for the replicas', () => {
    const lesson = read('labs/05-elasticache-redis/README.md');
    expect(lesson).toMatch(/at least one read replica to enable autofailover/);
    expect(lesson).toMatch(/Set `replicasPerPrimary: 2` and leave the other two `false`/);
    expect(lesson).not.toMatch(/AZ c/);
    expect(read('labs/05-elasticache-redis/stack-config.ts')).toMatch(
      /two deploys[\s\S]*replicasPerPrimary to 2[\s\S]*multiAz and automaticFailover to[\s*]+true/,
    );
    expect(lab05.hints.join(' ')).toMatch(/two deploys: replicasPerPrimary first, then multiAz and automaticFailover/);
  });
});

describe('Lab 5 lesson on engine versions', () => {
  const lesson = readFileSync(new URL('../../labs/05-elasticache-redis/README.md', import.meta.url), 'utf8');

  it('says Valkey 9.0 and 9.1 are offered, what 9.x adds, and why the stack stays on 8.2', () => {
    expect(lesson).toMatch(/ElastiCache offers Valkey\s+9\.0 and 9\.1/);
    expect(lesson).toMatch(/per-field expiry on hashes/);
    expect(lesson).toMatch(/\*\*durability options\*\*/);
    expect(lesson).toMatch(/The\s+lab stays on 8\.2 on purpose/);
  });

  it('says Redis OSS 4 and 5 are on paid extended support', () => {
    expect(lesson).toMatch(/Redis OSS 4\s+and 5 reached the end of standard support in early 2026 and now run on paid\s+extended support/);
  });
});

describe('Lab 6 lesson on Performance Insights classes', () => {
  it('names the t2 and t3 micro and small classes too', () => {
    const lesson = readFileSync(new URL('../../labs/06-performance-insights/README.md', import.meta.url), 'utf8');
    expect(lesson).toMatch(/db\.t3\.micro and db\.t3\.small and the previous-generation\s+db\.t2\.micro and db\.t2\.small/);
  });
});
