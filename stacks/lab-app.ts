/**
 * Composes the CDK app: the cdk-nag checks and one stack per lab with an AWS
 * part (labs 1 to 6), each in either the learner's or the finished
 * variant. Kept apart from app.ts so tests can build the same app without
 * the CLI. `cdk deploy <stack name>` (what `npm run deploy N` runs) deploys
 * only the named stack.
 */
import { type App, type Environment, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { stackConfig as lab01LearnerConfig } from '../labs/01-rds-multi-az/stack-config.js';
import { stackConfig as lab02LearnerConfig } from '../labs/02-read-replicas/stack-config.js';
import { stackConfig as lab03LearnerConfig } from '../labs/03-aurora-cluster/stack-config.js';
import { stackConfig as lab04LearnerConfig } from '../labs/04-aurora-serverless/stack-config.js';
import { stackConfig as learnerConfig } from '../labs/05-elasticache-redis/stack-config.js';
import { stackConfig as lab06LearnerConfig } from '../labs/06-performance-insights/stack-config.js';
import { stackConfig as lab01SolutionConfig } from '../solutions/01-rds-multi-az/stack-config.js';
import { stackConfig as lab02SolutionConfig } from '../solutions/02-read-replicas/stack-config.js';
import { stackConfig as lab03SolutionConfig } from '../solutions/03-aurora-cluster/stack-config.js';
import { stackConfig as lab04SolutionConfig } from '../solutions/04-aurora-serverless/stack-config.js';
import { stackConfig as solutionConfig } from '../solutions/05-elasticache-redis/stack-config.js';
import { stackConfig as lab06SolutionConfig } from '../solutions/06-performance-insights/stack-config.js';
import { stackConfig as lab07LearnerConfig } from '../labs/07-serverless-cache/stack-config.js';
import { stackConfig as lab07SolutionConfig } from '../solutions/07-serverless-cache/stack-config.js';
import { LAB01_STACK_NAME, RdsMultiAzStack } from './01-rds-multi-az.js';
import { LAB02_STACK_NAME, ReadReplicasStack } from './02-read-replicas.js';
import { AuroraClusterStack, LAB03_STACK_NAME } from './03-aurora-cluster.js';
import { AuroraServerlessStack, LAB04_STACK_NAME } from './04-aurora-serverless.js';
import { ElastiCacheRedisStack, LAB05_STACK_NAME } from './05-elasticache-redis.js';
import { LAB06_STACK_NAME, PerformanceInsightsStack } from './06-performance-insights.js';
import { LAB07_STACK_NAME, ServerlessCacheStack } from './07-serverless-cache.js';

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

export interface VariantOptions {
  readonly solution: boolean;
}

export function addLab01Stack(app: App, options: VariantOptions): RdsMultiAzStack {
  return new RdsMultiAzStack(app, LAB01_STACK_NAME, {
    stackName: LAB01_STACK_NAME,
    env: labEnvironment(),
    availability: options.solution ? lab01SolutionConfig : lab01LearnerConfig,
  });
}

export function addLab02Stack(app: App, options: VariantOptions): ReadReplicasStack {
  return new ReadReplicasStack(app, LAB02_STACK_NAME, {
    stackName: LAB02_STACK_NAME,
    env: labEnvironment(),
    replication: options.solution ? lab02SolutionConfig : lab02LearnerConfig,
  });
}

export function addLab03Stack(app: App, options: VariantOptions): AuroraClusterStack {
  return new AuroraClusterStack(app, LAB03_STACK_NAME, {
    stackName: LAB03_STACK_NAME,
    env: labEnvironment(),
    cluster: options.solution ? lab03SolutionConfig : lab03LearnerConfig,
  });
}

export function addLab04Stack(app: App, options: VariantOptions): AuroraServerlessStack {
  return new AuroraServerlessStack(app, LAB04_STACK_NAME, {
    stackName: LAB04_STACK_NAME,
    env: labEnvironment(),
    capacity: options.solution ? lab04SolutionConfig : lab04LearnerConfig,
  });
}

export function addLab05Stack(app: App, options: VariantOptions): ElastiCacheRedisStack {
  return new ElastiCacheRedisStack(app, LAB05_STACK_NAME, {
    stackName: LAB05_STACK_NAME,
    env: labEnvironment(),
    replication: options.solution ? solutionConfig : learnerConfig,
  });
}

export function addLab06Stack(app: App, options: VariantOptions): PerformanceInsightsStack {
  return new PerformanceInsightsStack(app, LAB06_STACK_NAME, {
    stackName: LAB06_STACK_NAME,
    env: labEnvironment(),
    insights: options.solution ? lab06SolutionConfig : lab06LearnerConfig,
  });
}

export function addLab07Stack(app: App, options: VariantOptions): ServerlessCacheStack {
  return new ServerlessCacheStack(app, LAB07_STACK_NAME, {
    stackName: LAB07_STACK_NAME,
    env: labEnvironment(),
    function: options.solution ? lab07SolutionConfig : lab07LearnerConfig,
  });
}

export interface LabStacks {
  readonly lab01: RdsMultiAzStack;
  readonly lab02: ReadReplicasStack;
  readonly lab03: AuroraClusterStack;
  readonly lab04: AuroraServerlessStack;
  readonly lab05: ElastiCacheRedisStack;
  readonly lab06: PerformanceInsightsStack;
}

/** Every lab stack, in the variant `-c solution=true` selects, with cdk-nag registered. */
export function buildLabStacks(app: App): LabStacks {
  registerNagChecks(app);
  const options = { solution: wantsSolution(app) };
  addLab07Stack(app, options);
  return {
    lab01: addLab01Stack(app, options),
    lab02: addLab02Stack(app, options),
    lab03: addLab03Stack(app, options),
    lab04: addLab04Stack(app, options),
    lab05: addLab05Stack(app, options),
    lab06: addLab06Stack(app, options),
  };
}

/** Builds every lab stack; returns Lab 5's, which existing callers (tests, the checker's kit test) expect. */
export function buildLabApp(app: App): ElastiCacheRedisStack {
  return buildLabStacks(app).lab05;
}
