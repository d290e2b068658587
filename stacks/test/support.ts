/** Shared helpers for the stack tests: the app as the CLI builds it, per variant. */
import { readFileSync } from 'node:fs';
import { App, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { ElastiCacheRedisStack } from '../05-elasticache-redis.js';
import { addLab05Stack } from '../05-elasticache-redis.js';
import { buildLabApp, SOLUTION_CONTEXT_KEY } from '../lab-app.js';

export const VARIANTS = [
  { name: 'learner', solution: false },
  { name: 'solution', solution: true },
] as const;

/** Generous: a synth of the whole stack takes a few seconds on a busy machine. */
export const SYNTH_TIMEOUT_MS = 120_000;

/** The context (feature flags) from stacks/cdk.json, exactly what the CLI passes. */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(new URL('../cdk.json', import.meta.url), 'utf8')) as {
    context: Record<string, unknown>;
  };
  return cdkJson.context;
}

function newApp(extraContext: Record<string, unknown> = {}, builtinCloudFormationValidation = true): App {
  // No outdir: the App synthesises into a fresh temporary directory.
  return new App({ context: { ...cdkJsonContext(), ...extraContext }, builtinCloudFormationValidation });
}

/** The Lab 5 stack in a plugin-free app, not yet synthesised. */
export function bareStack(solution: boolean): ElastiCacheRedisStack {
  // Template validation runs in synth-validation.test.ts; skipping it here
  // keeps the template tests fast.
  return addLab05Stack(newApp({}, false), { solution });
}

/**
 * A plugin-free app for template assertions: Template.fromStack would run any
 * registered plugin (cdk-nag) and throw on its findings before we could assert.
 */
export function templateOf(solution: boolean): { stack: ElastiCacheRedisStack; template: Template } {
  const stack = bareStack(solution);
  return { stack, template: Template.fromStack(stack) };
}

/**
 * The app exactly as `cdk synth [-c solution=true]` builds it, cdk-nag included, with any extra context.
 * `validate: false` leaves out CloudFormation validation (seconds of CPU to load in each process).
 */
export function cliApp(solution: boolean, extraContext: Record<string, unknown> = {}, validate = true): { app: App; stack: Stack } {
  const app = newApp({ ...(solution ? { [SOLUTION_CONTEXT_KEY]: 'true' } : {}), ...extraContext }, validate);
  const stack = buildLabApp(app);
  return { app, stack };
}

export type CfnResources = Record<string, { Type: string; Properties?: Record<string, unknown>; DeletionPolicy?: string }>;

export function resourcesOfType(template: Template, type: string): CfnResources {
  return template.findResources(type) as CfnResources;
}

/** Tags as a plain map, whichever shape the resource renders them in (list of Key/Value or map). */
export function renderedTags(properties: Record<string, unknown> | undefined): Record<string, string> {
  const tags = properties?.Tags;
  if (Array.isArray(tags)) {
    return Object.fromEntries(tags.map((t: { Key: string; Value: string }) => [t.Key, t.Value]));
  }
  return (tags as Record<string, string> | undefined) ?? {};
}
