/**
 * Labs 3, 4 and 6 as `cdk synth [-c solution=true]` builds them: strict
 * CloudFormation validation with zero warnings, cdk-nag's AwsSolutions pack
 * passing, and exactly the acknowledgements docs/stack-03.md, stack-04.md and
 * stack-06.md document, each one needed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Acknowledgment, App, type Stack, Validations } from 'aws-cdk-lib';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { addLab03Stack, LAB03_STACK_NAME } from '../03-aurora-cluster.js';
import { addLab04Stack, LAB04_STACK_NAME } from '../04-aurora-serverless.js';
import { addLab06Stack, LAB06_STACK_NAME } from '../06-performance-insights.js';
import { registerNagChecks, SOLUTION_CONTEXT_KEY, type VariantOptions } from '../lab-app.js';
import { SHARED_SYNTH_TIMEOUT_MS, sharedAssembly } from './shared-synth.js';
import { cdkJsonContext, SYNTH_TIMEOUT_MS, VARIANTS } from './support.js';

const STRICT_FLAG = '@aws-cdk/core:validateAgainstDefaultRules';

const BASTION_ACKS: Record<string, string[]> = {
  'Bastion/Instance': ['AwsSolutions-EC28', 'AwsSolutions-EC29'],
  'Bastion/Instance/InstanceRole': ['AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore]'],
};
/** IAM authentication, deletion protection, default port and Backtrack, on the cluster (both Aurora labs, both variants). */
const AURORA_ACKS: Record<string, string[]> = {
  ...BASTION_ACKS,
  'Database/Cluster': ['AwsSolutions-RDS10', 'AwsSolutions-RDS11', 'AwsSolutions-RDS14', 'AwsSolutions-RDS6'],
};
const LAB06_ACKS: Record<string, string[]> = {
  ...BASTION_ACKS,
  // Single-AZ in both variants: the lab reads load, it does not fail over.
  'Database/Instance': ['AwsSolutions-RDS10', 'AwsSolutions-RDS11', 'AwsSolutions-RDS3'],
};

interface LabUnderTest {
  lab: string;
  stackName: string;
  add: (app: App, options: VariantOptions) => Stack;
  acks: Record<'learner' | 'solution', Record<string, string[]>>;
}

const LABS: LabUnderTest[] = [
  { lab: 'Lab 3', stackName: LAB03_STACK_NAME, add: addLab03Stack, acks: { learner: AURORA_ACKS, solution: AURORA_ACKS } },
  { lab: 'Lab 4', stackName: LAB04_STACK_NAME, add: addLab04Stack, acks: { learner: AURORA_ACKS, solution: AURORA_ACKS } },
  {
    lab: 'Lab 6',
    stackName: LAB06_STACK_NAME,
    add: addLab06Stack,
    acks: {
      learner: LAB06_ACKS,
      // Enhanced Monitoring is part of the learner's task, and with it its role.
      solution: {
        ...LAB06_ACKS,
        'Database/MonitoringRole': ['AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole]'],
      },
    },
  },
];

const CASES = LABS.flatMap((lab) => VARIANTS.map((variant) => ({ ...lab, ...variant })));

interface ValidationReport {
  pluginReports: { pluginName: string; violations?: { ruleName: string; severity: string; description: string }[] }[];
}

function contextFor(solution: boolean): Record<string, unknown> {
  return { ...cdkJsonContext(), ...(solution ? { [SOLUTION_CONTEXT_KEY]: 'true' } : {}) };
}

/** AwsSolutions acknowledgements under `stack`, by construct path relative to the stack, with their reasons. */
function acknowledgements(stack: IConstruct): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const construct of stack.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [key, reason] of Object.entries(entry.data as Record<string, string>)) {
        const id = key.replace(/^annotation::/i, '');
        if (!id.startsWith('AwsSolutions-')) continue;
        (out[construct.node.path.slice(stack.node.path.length + 1)] ??= {})[id] = reason;
      }
    }
  }
  return out;
}

const sortedIds = (byPath: Record<string, Iterable<string>>) =>
  Object.fromEntries(Object.entries(byPath).map(([path, ids]) => [path, [...new Set(ids)].sort()]));

afterEach(() => {
  vi.restoreAllMocks();
});

describe.each(CASES)('$lab, the $name variant as the CLI synthesises it', ({ stackName, add, acks, name, solution }) => {
  let app: App;
  let stack: Stack;
  let assembly: CloudAssembly;

  beforeAll(async () => {
    // The tree for cdk-nag and the acknowledgements; the synth of the whole app, this stack in it, is shared.
    app = new App({ context: contextFor(solution) });
    registerNagChecks(app);
    stack = add(app, { solution });
    assembly = await sharedAssembly(solution ? 'app-solution' : 'app-learner');
  }, SHARED_SYNTH_TIMEOUT_MS);

  it('runs with the strict validation flag', () => {
    expect(app.node.tryGetContext(STRICT_FLAG)).toBe(true);
  });

  it('has no warning or error annotation', () => {
    const messages = assembly.getStackByName(stackName).messages;
    expect(messages.filter((m) => m.level === 'warning' || m.level === 'error')).toEqual([]);
  });

  it('has no finding in the validation report (CloudFormation Validate and cdk-nag)', () => {
    const report = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8')) as ValidationReport;
    expect(report.pluginReports.flatMap((r) => (r.violations ?? []).map((v) => `${r.pluginName} ${v.severity} ${v.ruleName}: ${v.description}`))).toEqual([]);
  });

  it('needs no context lookup (synthesises offline, no AWS account)', () => {
    expect(assembly.manifest.missing ?? []).toEqual([]);
  });

  it('passes cdk-nag AwsSolutions with no unacknowledged finding', () => {
    const report = new AwsSolutionsChecks().validateScope(stack);
    expect(report.violations).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('acknowledges exactly the documented rules, each on its own construct, each with a reason', () => {
    const found = acknowledgements(stack);
    expect(sortedIds(Object.fromEntries(Object.entries(found).map(([path, rules]) => [path, Object.keys(rules)])))).toEqual(acks[name]);
    for (const rules of Object.values(found)) {
      for (const reason of Object.values(rules)) expect(reason.length).toBeGreaterThan(60);
    }
  });

  it('needs every acknowledgement: without them exactly those rules fire, on those constructs', () => {
    vi.spyOn(Validations.prototype, 'acknowledge').mockImplementation(() => undefined);
    const bare = add(new App({ context: contextFor(solution), builtinCloudFormationValidation: false }), { solution });
    const report = new AwsSolutionsChecks().validateScope(bare);
    expect(report.success).toBe(false);
    const fired: Record<string, string[]> = {};
    for (const v of report.violations) {
      for (const r of v.violatingResources) {
        const path = (r.constructPath ?? '').slice(bare.node.path.length + 1).replace(/\/Resource$/, '');
        (fired[path] ??= []).push(v.ruleName);
      }
    }
    expect(sortedIds(fired)).toEqual(acks[name]);
  });
});

describe('an unacknowledged Aurora finding fails synth', () => {
  it(
    'reports AwsSolutions-RDS14 (Backtrack) on the Lab 3 cluster when its acknowledgement is missing',
    () => {
      const acknowledge = Validations.prototype.acknowledge;
      vi.spyOn(Validations.prototype, 'acknowledge').mockImplementation(function (this: Validations, ...rules: Acknowledgment[]) {
        acknowledge.apply(
          this,
          rules.filter((r) => r.id !== 'AwsSolutions-RDS14'),
        );
      });
      // cdk-nag alone fails the synth; the strict CloudFormation validation has its own test (synth-validation.test.ts).
      const app = new App({ context: contextFor(false), builtinCloudFormationValidation: false });
      registerNagChecks(app);
      addLab03Stack(app, { solution: false });
      expect(() => app.synth()).toThrow(/AwsSolutions-RDS14/);
    },
    SYNTH_TIMEOUT_MS,
  );
});
