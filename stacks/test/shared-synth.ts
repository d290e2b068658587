/**
 * The validated synths the stack tests share. Each variant below is
 * synthesised once per test run into a folder every test worker reads (the
 * run's folder comes from synth-cache-setup.ts), and tests read the result
 * with aws-cdk-lib's own CloudAssembly, as app.synth() would have returned it.
 *
 * The first worker to ask synthesises all of them, so only that process pays
 * for loading CloudFormation validation (a WebAssembly module, seconds of CPU
 * per process) and for bundling the Lab 7 handler. The others wait.
 */
import { mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, CfnResource, Stack } from 'aws-cdk-lib';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { inject } from 'vitest';
import { ElastiCacheRedisStack, LAB05_STACK_NAME } from '../05-elasticache-redis.js';
import { buildLabStacks, SOLUTION_CONTEXT_KEY } from '../lab-app.js';
import type { CacheReplicationConfig } from '../shared/cache-replication.js';
import { AZS_CONTEXT_KEY } from '../shared/lab-azs.js';
import { BUNDLING_STACKS_KEY, lab07App } from './lab07-support.js';
import { awaitResult } from './run-once.js';
import { cdkJsonContext } from './support.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The folder this run's shared synths are written to (synth-cache-setup.ts). */
    stackSynthDir: string;
  }
}

/** Waiting for another worker to synthesise every variant takes longer than one synth. */
export const SHARED_SYNTH_TIMEOUT_MS = 300_000;

/** The zones lab-azs.test.ts names with `-c azs=...`. */
export const NAMED_AZS = 'eu-west-1a,eu-west-1c';

/** Lab 5's first deploy in the lesson: two replicas, failover and Multi-AZ still off. */
export const REPLICAS_FIRST: CacheReplicationConfig = { replicasPerPrimary: 2, multiAz: false, automaticFailover: false };

/** The context `cdk synth [-c solution=true]` passes: cdk.json's feature flags and the variant. */
export function cliContext(solution: boolean, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...cdkJsonContext(), ...(solution ? { [SOLUTION_CONTEXT_KEY]: 'true' } : {}), ...extra };
}

/** Each variant as the CLI would synthesise it: cdk-nag registered where the CLI registers it, CloudFormation validation on. */
const VARIANT_APPS = {
  /** Every lab stack, the learner's starting point (Lab 7 with the learner's handler, bundled). */
  'app-learner': (outdir: string) => appWithEveryStack(cliContext(false), outdir),
  /** Every lab stack, finished. */
  'app-solution': (outdir: string) => appWithEveryStack(cliContext(true), outdir),
  /** Every lab stack with `-c azs=...`; Lab 7's handler, bundled above, is not bundled again (as when another stack is deployed). */
  'app-azs-learner': (outdir: string) => appWithEveryStack(cliContext(false, { [AZS_CONTEXT_KEY]: NAMED_AZS, [BUNDLING_STACKS_KEY]: [] }), outdir),
  'app-azs-solution': (outdir: string) => appWithEveryStack(cliContext(true, { [AZS_CONTEXT_KEY]: NAMED_AZS, [BUNDLING_STACKS_KEY]: [] }), outdir),
  /** Lab 7 alone with the stand-in handler, bundled (lab07-support.ts). */
  'lab07-learner': (outdir: string) => lab07App({ solution: false, cli: true, bundle: true, outdir }).app,
  'lab07-solution': (outdir: string) => lab07App({ solution: true, cli: true, bundle: true, outdir }).app,
  /** Lab 5's stack at the step between the learner's single node and the finished group (plugin-free app). */
  'lab05-replicas-first': (outdir: string) => {
    const app = new App({ context: cdkJsonContext(), outdir });
    new ElastiCacheRedisStack(app, LAB05_STACK_NAME, { stackName: LAB05_STACK_NAME, replication: REPLICAS_FIRST });
    return app;
  },
} satisfies Record<string, (outdir: string) => App>;

export type SharedVariant = keyof typeof VARIANT_APPS;

/** Apps whose synth must fail; tests read the error (here, so that only one process loads CloudFormation validation). */
const REJECTED_APPS = {
  /** A security group without the GroupDescription CloudFormation requires, under cdk.json's strict validation. */
  'security-group-without-description': (outdir: string) => {
    const app = new App({ context: cdkJsonContext(), outdir });
    new CfnResource(new Stack(app, 'Broken'), 'NoDescription', { type: 'AWS::EC2::SecurityGroup', properties: {} });
    return app;
  },
} satisfies Record<string, (outdir: string) => App>;

export type RejectedVariant = keyof typeof REJECTED_APPS;

function appWithEveryStack(context: Record<string, unknown>, outdir: string): App {
  const app = new App({ context, outdir });
  buildLabStacks(app);
  return app;
}

/** This run's folder; without the global setup (another config), a folder of this process alone. */
function runDir(): string {
  let dir: string | undefined;
  try {
    dir = inject('stackSynthDir');
  } catch {
    dir = undefined;
  }
  return dir ?? (privateDir ??= mkdtempSync(join(tmpdir(), 'stack-synth-')));
}
let privateDir: string | undefined;

/** Synthesises every variant into `root`, each renamed into place when complete so readers never see half a result. */
function synthesiseAll(root: string): void {
  for (const [variant, build] of Object.entries(VARIANT_APPS)) {
    const partial = join(root, `${variant}.partial`);
    build(partial).synth();
    renameSync(partial, join(root, variant));
  }
  for (const [variant, build] of Object.entries(REJECTED_APPS)) {
    const partial = join(root, `${variant}.partial`);
    let outcome: SynthOutcome = { error: undefined };
    try {
      build(partial).synth();
    } catch (err) {
      outcome = { error: (err as Error).message };
    }
    writeFileSync(`${partial}.json`, JSON.stringify(outcome));
    renameSync(`${partial}.json`, join(root, `${variant}.json`));
  }
}

/**
 * The cloud assembly of `variant`, synthesised once per run. Every test reading it gets the same files; none may
 * write to them.
 */
export async function sharedAssembly(variant: SharedVariant): Promise<CloudAssembly> {
  return new CloudAssembly(await sharedResult(variant));
}

interface SynthOutcome {
  /** The synth's error message; undefined if it synthesised. */
  error: string | undefined;
}

/** How the synth of a REJECTED_APPS app ended, once per run: its error message, or undefined if it synthesised. */
export async function sharedSynthError(variant: RejectedVariant): Promise<string | undefined> {
  return (JSON.parse(readFileSync(await sharedResult(`${variant}.json`), 'utf8')) as SynthOutcome).error;
}

/** The path of a result in this run's folder, synthesising every variant first if no worker has claimed that yet. */
function sharedResult(name: string): Promise<string> {
  const root = runDir();
  return awaitResult(root, name, () => synthesiseAll(root), SHARED_SYNTH_TIMEOUT_MS);
}
