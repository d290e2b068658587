/**
 * Lab 7 as `cdk synth [-c solution=true]` builds it: the handler bundled
 * offline, strict CloudFormation validation with zero warnings, cdk-nag's
 * AwsSolutions pack passing, exactly the acknowledgements docs/stack-07.md
 * documents, each one needed.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { LAB07_STACK_NAME, ServerlessCacheStack } from '../07-serverless-cache.js';
import { BUNDLE_FILE, bundleHandler, HandlerBundleError, REPO_ROOT } from '../shared/handler-bundle.js';
import { BUNDLING_STACKS_KEY, configOf, lab07App } from './lab07-support.js';
import { SHARED_SYNTH_TIMEOUT_MS, sharedAssembly } from './shared-synth.js';
import { cdkJsonContext, SYNTH_TIMEOUT_MS, VARIANTS } from './support.js';

/** Why each is acceptable is in docs/stack-07.md. */
const EXPECTED_ACKS: Record<string, string[]> = {
  'Bastion/Instance': ['AwsSolutions-EC28', 'AwsSolutions-EC29'],
  'Bastion/Instance/InstanceRole': ['AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore]'],
  // IAM authentication is on: no RDS6 here, unlike Labs 3 and 4.
  'Database/Cluster': ['AwsSolutions-RDS10', 'AwsSolutions-RDS11', 'AwsSolutions-RDS14'],
  'Cache/AuthToken': ['AwsSolutions-SMG4'],
  AppDbPassword: ['AwsSolutions-SMG4'],
  'Cache/ReplicationGroup': ['AwsSolutions-AEC4'],
  Function: ['AwsSolutions-L1'],
  'Function/ServiceRole': [
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
  ],
};

interface ValidationReport {
  pluginReports: { pluginName: string; violations?: { ruleName: string; severity: string; description: string }[] }[];
}

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

describe.each(VARIANTS)('Lab 7, the $name variant as the CLI synthesises and bundles it', ({ solution }) => {
  let stack: ServerlessCacheStack;
  let assembly: CloudAssembly;

  beforeAll(async () => {
    // The tree for cdk-nag and the acknowledgements (nothing synthesised, so nothing bundled); the bundling synth is shared.
    ({ stack } = lab07App({ solution, cli: true }));
    assembly = await sharedAssembly(solution ? 'lab07-solution' : 'lab07-learner');
  }, SHARED_SYNTH_TIMEOUT_MS);

  it('has no warning or error annotation', () => {
    const messages = assembly.getStackByName(LAB07_STACK_NAME).messages;
    expect(messages.filter((m) => m.level === 'warning' || m.level === 'error')).toEqual([]);
  });

  it('has no finding in the validation report (CloudFormation Validate and cdk-nag)', () => {
    const report = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8')) as ValidationReport;
    expect(report.pluginReports.flatMap((r) => (r.violations ?? []).map((v) => `${r.pluginName} ${v.severity} ${v.ruleName}: ${v.description}`))).toEqual([]);
  });

  it('needs no context lookup (synthesises offline, no AWS account)', () => {
    expect(assembly.manifest.missing ?? []).toEqual([]);
  });

  it('bundles the handler offline into one ES module with its dependencies', () => {
    const artifact = assembly.getStackByName(LAB07_STACK_NAME);
    const fn = Object.values(artifact.template.Resources as Record<string, { Type: string; Properties: { Code: { S3Key: string } } }>).find(
      (r) => r.Type === 'AWS::Lambda::Function',
    )!;
    const hash = fn.Properties.Code.S3Key.replace(/\.zip$/, '');
    const manifest = JSON.parse(readFileSync(join(assembly.directory, `${LAB07_STACK_NAME}.assets.json`), 'utf8')) as {
      files: Record<string, { source: { path: string } }>;
    };
    const bundle = join(assembly.directory, manifest.files[hash]!.source.path, BUNDLE_FILE);
    const code = readFileSync(bundle, 'utf8');
    expect(code).toMatch(/export\s*\{[^}]*\bhandler\b/);
    // ioredis and mysql2 are inside, not left for a node_modules the function does not have.
    expect(code).not.toMatch(/from\s*["']ioredis["']/);
    expect(code).toMatch(/node_modules\/ioredis\//);
    expect(code).toMatch(/node_modules\/mysql2\//);
  });

  it('passes cdk-nag AwsSolutions with no unacknowledged finding', () => {
    const report = new AwsSolutionsChecks().validateScope(stack);
    expect(report.violations).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('acknowledges exactly the documented rules, each on its own construct, each with a reason', () => {
    const found = acknowledgements(stack);
    expect(sortedIds(Object.fromEntries(Object.entries(found).map(([path, rules]) => [path, Object.keys(rules)])))).toEqual(sortedIds(EXPECTED_ACKS));
    for (const rules of Object.values(found)) {
      for (const reason of Object.values(rules)) expect(reason.length).toBeGreaterThan(60);
    }
  });

  it('needs every acknowledgement: without them exactly those rules fire, on those constructs', () => {
    vi.spyOn(Validations.prototype, 'acknowledge').mockImplementation(() => undefined);
    const { stack: bare } = lab07App({ solution });
    const report = new AwsSolutionsChecks().validateScope(bare);
    expect(report.success).toBe(false);
    const fired: Record<string, string[]> = {};
    for (const v of report.violations) {
      for (const r of v.violatingResources) {
        const path = (r.constructPath ?? '').slice(bare.node.path.length + 1).replace(/\/Resource$/, '');
        (fired[path] ??= []).push(v.ruleName);
      }
    }
    expect(sortedIds(fired)).toEqual(sortedIds(EXPECTED_ACKS));
  });
});

describe('bundling the Lab 7 handler', () => {
  let dir: string;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('says which handler file is missing, naming the config to fix', () => {
    dir = mkdtempSync(join(tmpdir(), 'lab07-bundle-'));
    expect(() => bundleHandler('labs/07-serverless-cache/exercises/99-nothing.ts', dir)).toThrow(HandlerBundleError);
    expect(() => bundleHandler('labs/07-serverless-cache/exercises/99-nothing.ts', dir)).toThrow(/99-nothing\.ts does not exist.*stack-config\.ts/);
  });

  it('reports a syntax error with the file and line instead of deploying it', () => {
    dir = mkdtempSync(join(REPO_ROOT, '.lab07-bundle-test-'));
    const file = join(dir, 'broken.ts');
    writeFileSync(file, 'export async function handler() {\n  return { statusCode: 200 \n');
    const out = mkdtempSync(join(tmpdir(), 'lab07-out-'));
    try {
      expect(() => bundleHandler(relative(REPO_ROOT, file), out)).toThrow(/esbuild could not bundle .*broken\.ts \(.*broken\.ts:\d+\)/);
      expect(existsSync(join(out, BUNDLE_FILE))).toBe(false);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it(
    'fails `cdk synth` of Lab 7 when the handler file is missing',
    () => {
      expect(() =>
        lab07App({ solution: false, bundle: true, function: { handlerFile: 'labs/07-serverless-cache/exercises/99-nothing.ts' } }).app.synth(),
      ).toThrow(/99-nothing\.ts does not exist/);
    },
    SYNTH_TIMEOUT_MS,
  );

  it(
    "does not bundle (so cannot fail on) Lab 7's handler when another stack is deployed",
    () => {
      const app = new App({
        context: { ...cdkJsonContext(), [BUNDLING_STACKS_KEY]: ['DataTierLabs-05-ElastiCacheRedis'] },
        builtinCloudFormationValidation: false,
      });
      new ServerlessCacheStack(app, LAB07_STACK_NAME, { function: { ...configOf(false), handlerFile: 'labs/07-serverless-cache/exercises/99-nothing.ts' } });
      expect(() => app.synth()).not.toThrow();
    },
    SYNTH_TIMEOUT_MS,
  );
});
