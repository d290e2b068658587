/**
 * Composes the CDK app: the cdk-nag checks and one stack per lab with an AWS
 * part, each in either the learner's or the finished variant. Kept apart
 * from app.ts so tests can build the same app without the CLI.
 * `cdk deploy <stack name>` (what `npm run deploy N` runs) deploys only the
 * named stack.
 *
 * Adding a lab's stack: its stacks/NN-slug.ts exports a LabStackEntry, and
 * one line in LAB_STACKS below lists it.
 */
import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { lab01Stack } from './01-rds-multi-az.js';
import { lab02Stack } from './02-read-replicas.js';
import { lab03Stack } from './03-aurora-cluster.js';
import { lab04Stack } from './04-aurora-serverless.js';
import { lab05Stack } from './05-elasticache-redis.js';
import { lab06Stack } from './06-performance-insights.js';
import { lab07Stack } from './07-serverless-cache.js';

export { labEnvironment, type LabStackEntry, type VariantOptions } from './shared/lab-entry.js';

/** Every lab stack, keyed `labNN` by its lab's number (a test holds the keys to the numbers). */
export const LAB_STACKS = {
  lab01: lab01Stack,
  lab02: lab02Stack,
  lab03: lab03Stack,
  lab04: lab04Stack,
  lab05: lab05Stack,
  lab06: lab06Stack,
  lab07: lab07Stack,
} as const;

export type LabStacks = { readonly [K in keyof typeof LAB_STACKS]: ReturnType<(typeof LAB_STACKS)[K]['add']> };

/** `cdk synth -c solution=true` builds the finished variant. */
export const SOLUTION_CONTEXT_KEY = 'solution';

export function wantsSolution(app: App): boolean {
  const value: unknown = app.node.tryGetContext(SOLUTION_CONTEXT_KEY);
  return value === true || value === 'true';
}

/** Every synth runs the AWS Solutions pack; unacknowledged findings fail it. */
export function registerNagChecks(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
}

/** Every lab stack, in the variant `-c solution=true` selects, with cdk-nag registered. */
export function buildLabStacks(app: App): LabStacks {
  registerNagChecks(app);
  const options = { solution: wantsSolution(app) };
  const stacks = Object.entries(LAB_STACKS).map(([key, entry]) => [key, entry.add(app, options)] as const);
  return Object.fromEntries(stacks) as unknown as LabStacks;
}

/** Builds every lab stack; returns Lab 5's, which existing callers (tests, the checker's kit test) expect. */
export function buildLabApp(app: App): LabStacks['lab05'] {
  return buildLabStacks(app).lab05;
}
