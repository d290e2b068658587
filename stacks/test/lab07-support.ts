/**
 * Lab 7's stack in tests. The handler files the configs name are the lab's
 * exercise files; the stack tests deploy a stand-in handler instead
 * (fixtures/lab07-handler.ts), so they judge the stack, not an exercise.
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { stackConfig as learnerConfig } from '../../labs/07-serverless-cache/stack-config.js';
import { stackConfig as solutionConfig } from '../../solutions/07-serverless-cache/stack-config.js';
import { LAB07_STACK_NAME, ServerlessCacheStack } from '../07-serverless-cache.js';
import { registerNagChecks, SOLUTION_CONTEXT_KEY } from '../lab-app.js';
import type { ServerlessCacheConfig } from '../shared/function-config.js';
import { cdkJsonContext } from './support.js';

export const FIXTURE_HANDLER = 'stacks/test/fixtures/lab07-handler.ts';
/** CDK's context key: the stacks whose assets are bundled (`cdk deploy X` sets it to [X]). */
export const BUNDLING_STACKS_KEY = 'aws:cdk:bundling-stacks';

export const configOf = (solution: boolean): ServerlessCacheConfig => (solution ? solutionConfig : learnerConfig);

export interface Lab07AppOptions {
  solution: boolean;
  /** Run cdk-nag and CloudFormation validation as `cdk synth` does. */
  cli?: boolean;
  /** Bundle the handler (slower); off, CDK skips bundling as for a stack not being deployed. */
  bundle?: boolean;
  function?: Partial<ServerlessCacheConfig>;
  /** Where synth writes the assembly; unset, a fresh temporary folder. */
  outdir?: string;
}

export function lab07App({ solution, cli = false, bundle = false, function: overrides = {}, outdir }: Lab07AppOptions): {
  app: App;
  stack: ServerlessCacheStack;
} {
  const app = new App({
    context: { ...cdkJsonContext(), ...(solution ? { [SOLUTION_CONTEXT_KEY]: 'true' } : {}), ...(bundle ? {} : { [BUNDLING_STACKS_KEY]: [] }) },
    builtinCloudFormationValidation: cli,
    outdir,
  });
  if (cli) registerNagChecks(app);
  const stack = new ServerlessCacheStack(app, LAB07_STACK_NAME, {
    stackName: LAB07_STACK_NAME,
    function: { ...configOf(solution), handlerFile: FIXTURE_HANDLER, ...overrides },
  });
  return { app, stack };
}

/** A plugin-free app for template assertions (Template.fromStack would run cdk-nag). */
export function lab07Template(solution: boolean): { stack: ServerlessCacheStack; template: Template } {
  const { stack } = lab07App({ solution });
  return { stack, template: Template.fromStack(stack) };
}
