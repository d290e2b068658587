/**
 * Lab 2 as `cdk synth [-c solution=true]` builds it: strict CloudFormation
 * validation with zero warnings, cdk-nag's AwsSolutions pack passing, and
 * exactly the acknowledgements docs/stack-02.md documents.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { addLab02Stack, LAB02_STACK_NAME, type ReadReplicasStack } from '../02-read-replicas.js';
import { buildLabStacks, registerNagChecks, SOLUTION_CONTEXT_KEY } from '../lab-app.js';
import { BUNDLING_STACKS_KEY } from './lab07-support.js';
import { SHARED_SYNTH_TIMEOUT_MS, sharedAssembly } from './shared-synth.js';
import { cdkJsonContext, SYNTH_TIMEOUT_MS, VARIANTS } from './support.js';

const STRICT_FLAG = '@aws-cdk/core:validateAgainstDefaultRules';

/** Acknowledged AwsSolutions rules per construct (path below the stack); reasons in docs/stack-02.md. */
const SHARED_ACKS: Record<string, string[]> = {
  'Bastion/Instance': ['AwsSolutions-EC28', 'AwsSolutions-EC29'],
  'Bastion/Instance/InstanceRole': ['AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore]'],
  // The primary stays Single-AZ in both variants: this lab scales reads, Lab 1 does Multi-AZ.
  'Database/Instance': ['AwsSolutions-RDS10', 'AwsSolutions-RDS11', 'AwsSolutions-RDS3'],
  'Database/Secret': ['AwsSolutions-SMG4'],
};
const EXPECTED_ACKS: Record<'learner' | 'solution', Record<string, string[]>> = {
  learner: SHARED_ACKS,
  // The replica: RDS2 because StorageEncrypted is inherited, not repeated (F3020).
  solution: { ...SHARED_ACKS, 'Database/Replica1': ['AwsSolutions-RDS10', 'AwsSolutions-RDS11', 'AwsSolutions-RDS2', 'AwsSolutions-RDS3'] },
};

interface ValidationReport {
  pluginReports: { pluginName: string; violations?: { ruleName: string; severity: string; description: string }[] }[];
}

/**
 * The app as the CLI builds it (cdk.json context, cdk-nag registered), with only the Lab 2 stack. `validate: false`
 * leaves out CloudFormation validation, which shared-synth.ts runs once per test run for every stack.
 */
function cliApp(solution: boolean, validate = true): { app: App; stack: ReadReplicasStack } {
  const app = new App({
    context: { ...cdkJsonContext(), ...(solution ? { [SOLUTION_CONTEXT_KEY]: 'true' } : {}) },
    builtinCloudFormationValidation: validate,
  });
  registerNagChecks(app);
  return { app, stack: addLab02Stack(app, { solution }) };
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
        const path = construct.node.path.slice(stack.node.path.length + 1);
        (out[path] ??= {})[id] = reason;
      }
    }
  }
  return out;
}

function idsByPath(acks: Record<string, Record<string, string>>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(acks).map(([path, rules]) => [path, Object.keys(rules).sort()]));
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe.each(VARIANTS)('Lab 2, the $name variant as the CLI synthesises it', ({ name, solution }) => {
  let app: App;
  let stack: ReadReplicasStack;
  let assembly: CloudAssembly;

  beforeAll(async () => {
    // The tree for cdk-nag and the acknowledgements; the synth of the whole app, this stack in it, is shared.
    ({ app, stack } = cliApp(solution));
    assembly = await sharedAssembly(solution ? 'app-solution' : 'app-learner');
  }, SHARED_SYNTH_TIMEOUT_MS);

  it('runs with the strict validation flag', () => {
    expect(app.node.tryGetContext(STRICT_FLAG)).toBe(true);
  });

  it('has no warning or error annotation', () => {
    const messages = assembly.getStackByName(LAB02_STACK_NAME).messages;
    expect(messages.filter((m) => m.level === 'warning' || m.level === 'error')).toEqual([]);
  });

  it('has no finding in the validation report (CloudFormation Validate and cdk-nag)', () => {
    const report = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8')) as ValidationReport;
    const violations = report.pluginReports.flatMap((r) => (r.violations ?? []).map((v) => `${r.pluginName} ${v.severity} ${v.ruleName}: ${v.description}`));
    expect(violations).toEqual([]);
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
    const acks = acknowledgements(stack);
    expect(idsByPath(acks)).toEqual(EXPECTED_ACKS[name]);
    for (const rules of Object.values(acks)) {
      for (const reason of Object.values(rules)) expect(reason.length).toBeGreaterThan(60);
    }
  });

  it('needs every acknowledgement: without them exactly those rules fire, on those constructs', () => {
    vi.spyOn(Validations.prototype, 'acknowledge').mockImplementation(() => undefined);
    const bare = addLab02Stack(new App({ context: cdkJsonContext(), builtinCloudFormationValidation: false }), { solution });
    const report = new AwsSolutionsChecks().validateScope(bare);
    expect(report.success).toBe(false);
    const found: Record<string, string[]> = {};
    for (const v of report.violations) {
      for (const r of v.violatingResources) {
        const path = (r.constructPath ?? '').slice(bare.node.path.length + 1).replace(/\/Resource$/, '');
        (found[path] ??= []).push(v.ruleName);
      }
    }
    expect(Object.fromEntries(Object.entries(found).map(([path, ids]) => [path, [...new Set(ids)].sort()]))).toEqual(EXPECTED_ACKS[name]);
  });
});

describe('Lab 2 in the whole app', () => {
  it('is built by the app in the variant -c solution=true selects', () => {
    // Nothing is synthesised: Lab 7's handler need not be bundled.
    const noBundling = { [BUNDLING_STACKS_KEY]: [] };
    const learner = buildLabStacks(new App({ context: { ...cdkJsonContext(), ...noBundling } }));
    const solution = buildLabStacks(new App({ context: { ...cdkJsonContext(), ...noBundling, [SOLUTION_CONTEXT_KEY]: 'true' } }));
    expect(learner.lab02.stackName).toBe(LAB02_STACK_NAME);
    expect(learner.lab02.replicas).toHaveLength(0);
    expect(solution.lab02.replicas).toHaveLength(1);
  });

  it(
    'fails synth when an acknowledgement is missing (AwsSolutions-RDS2 on the replica)',
    () => {
      const acknowledge = Validations.prototype.acknowledge;
      vi.spyOn(Validations.prototype, 'acknowledge').mockImplementation(function (this: Validations, ...rules) {
        acknowledge.apply(
          this,
          rules.filter((r) => r.id !== 'AwsSolutions-RDS2'),
        );
      });
      // cdk-nag alone fails the synth; the strict CloudFormation validation has its own test (synth-validation.test.ts).
      const { app } = cliApp(true, false);
      expect(() => app.synth()).toThrow(/AwsSolutions-RDS2/);
    },
    SYNTH_TIMEOUT_MS,
  );
});
