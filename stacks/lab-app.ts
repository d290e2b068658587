/**
 * Composes the CDK app: the cdk-nag checks and the Lab 5 stack in either the
 * learner's or the finished variant. Kept apart from app.ts so tests can build
 * the same app without the CLI.
 */
import { type App, type Environment, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { stackConfig as learnerConfig } from '../labs/05-elasticache-redis/stack-config.js';
import { stackConfig as solutionConfig } from '../solutions/05-elasticache-redis/stack-config.js';
import { ElastiCacheRedisStack, LAB05_STACK_NAME } from './05-elasticache-redis.js';

/** `cdk synth -c solution=true` builds the finished variant. */
export const SOLUTION_CONTEXT_KEY = 'solution';

export function wantsSolution(app: App): boolean {
  const value: unknown = app.node.tryGetContext(SOLUTION_CONTEXT_KEY);
  return value === true || value === 'true';
}

/** Account and region as the CDK CLI resolves them; unset means environment-agnostic. */
export function labEnvironment(): Environment {
  return { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };
}

/** Every synth runs the AWS Solutions pack; unacknowledged findings fail it. */
export function registerNagChecks(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
}

export function addLab05Stack(app: App, options: { solution: boolean }): ElastiCacheRedisStack {
  return new ElastiCacheRedisStack(app, LAB05_STACK_NAME, {
    stackName: LAB05_STACK_NAME,
    env: labEnvironment(),
    replication: options.solution ? solutionConfig : learnerConfig,
  });
}

export function buildLabApp(app: App): ElastiCacheRedisStack {
  registerNagChecks(app);
  return addLab05Stack(app, { solution: wantsSolution(app) });
}
