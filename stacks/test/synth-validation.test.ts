import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Acknowledgment, App, Validations } from 'aws-cdk-lib';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { LAB03_STACK_NAME } from '../03-aurora-cluster.js';
import { LAB04_STACK_NAME } from '../04-aurora-serverless.js';
import { LAB05_STACK_NAME } from '../05-elasticache-redis.js';
import { LAB06_STACK_NAME } from '../06-performance-insights.js';
import { BUNDLING_STACKS_KEY } from './lab07-support.js';
import { cliContext, SHARED_SYNTH_TIMEOUT_MS, sharedAssembly, sharedSynthError } from './shared-synth.js';
import { cdkJsonContext, cliApp, SYNTH_TIMEOUT_MS, VARIANTS } from './support.js';

const STRICT_FLAG = '@aws-cdk/core:validateAgainstDefaultRules';

interface ValidationReport {
  pluginReports: { pluginName: string; violations?: { ruleName: string; severity: string; description: string }[] }[];
}

function validationReport(assembly: CloudAssembly): ValidationReport {
  return JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8')) as ValidationReport;
}

it('cdk.json turns CloudFormation validation findings into errors', () => {
  expect(cdkJsonContext()[STRICT_FLAG]).toBe(true);
});

describe.each(VARIANTS)('synth of the $name variant as the CLI runs it', ({ solution }) => {
  let app: App;
  let assembly: CloudAssembly;

  beforeAll(async () => {
    // The app the shared synth builds, before any stack is added: its context is what the CLI passes.
    app = new App({ context: cliContext(solution) });
    assembly = await sharedAssembly(solution ? 'app-solution' : 'app-learner');
  }, SHARED_SYNTH_TIMEOUT_MS);

  it('runs with the strict validation flag', () => {
    expect(app.node.tryGetContext(STRICT_FLAG)).toBe(true);
  });

  it('has no warning or error annotation', () => {
    const messages = assembly.getStackByName(LAB05_STACK_NAME).messages;
    expect(messages.filter((m) => m.level === 'warning' || m.level === 'error')).toEqual([]);
  });

  it('has no warning or error annotation on any stack of the app, Labs 3, 4 and 6 included', () => {
    const names = assembly.stacks.map((s) => s.stackName);
    expect(names).toEqual(expect.arrayContaining([LAB03_STACK_NAME, LAB04_STACK_NAME, LAB05_STACK_NAME, LAB06_STACK_NAME]));
    const problems = assembly.stacks.flatMap((s) =>
      s.messages.filter((m) => m.level === 'warning' || m.level === 'error').map((m) => `${s.stackName} ${m.id}: ${String(m.entry.data)}`),
    );
    expect(problems).toEqual([]);
  });

  it('has no finding in the validation report (CloudFormation Validate and cdk-nag)', () => {
    const violations = validationReport(assembly).pluginReports.flatMap((r) =>
      (r.violations ?? []).map((v) => `${r.pluginName} ${v.severity} ${v.ruleName}: ${v.description}`),
    );
    expect(violations).toEqual([]);
  });

  it('needs no context lookup (synthesises offline, no AWS account)', () => {
    expect(assembly.manifest.missing ?? []).toEqual([]);
  });
});

describe('the strict validation can fail', () => {
  it(
    'rejects a template CloudFormation would reject',
    async () => {
      // A security group with no GroupDescription, synthesised with cdk.json's context in the worker that already runs
      // CloudFormation validation for the shared synths (shared-synth.ts).
      expect(await sharedSynthError('security-group-without-description')).toMatch(/GroupDescription/);
    },
    SHARED_SYNTH_TIMEOUT_MS,
  );
});

describe('the app fails synth on an unacknowledged cdk-nag finding', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it(
    'reports AwsSolutions-RDS11 when its acknowledgement is missing',
    () => {
      const acknowledge = Validations.prototype.acknowledge;
      vi.spyOn(Validations.prototype, 'acknowledge').mockImplementation(function (this: Validations, ...rules: Acknowledgment[]) {
        acknowledge.apply(
          this,
          rules.filter((r) => r.id !== 'AwsSolutions-RDS11'),
        );
      });
      // cdk-nag alone fails the synth (the CloudFormation validation's own failure is above); nothing of Lab 7 is
      // deployed here, so its handler is not bundled.
      const { app } = cliApp(false, { [BUNDLING_STACKS_KEY]: [] }, false);
      expect(() => app.synth()).toThrow(/AwsSolutions-RDS11/);
    },
    SYNTH_TIMEOUT_MS,
  );
});
