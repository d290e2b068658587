/**
 * What a lab's stack file gives the CDK app (stacks/lab-app.ts): the lab's
 * metadata and how to add its stack in the learner's or the finished
 * variant. The stack reads its name, its output keys and its engines from
 * that metadata (labs/NN-slug/lab.ts), the one place they are written.
 */
import type { App, Environment, Stack } from 'aws-cdk-lib';
import type { ElastiCacheRequirement, LabMeta, RdsRequirement, StackMeta } from '../../checker/core/lab.js';

export interface VariantOptions {
  readonly solution: boolean;
}

/** Account and region as the CDK CLI resolves them; unset means environment-agnostic. */
export function labEnvironment(): Environment {
  return { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };
}

/** A lab whose metadata declares a stack. */
export type LabWithStack<O extends Record<string, string> = Record<string, string>> = LabMeta & { stack: StackMeta<O> };

export interface LabStackEntry<S extends Stack = Stack> {
  readonly lab: LabWithStack;
  /** Adds the lab's stack to `app`, named as the lab metadata says. */
  add(app: App, options: VariantOptions): S;
}

/** The CloudFormation output keys a lab's stack creates, in the order its metadata lists them. */
export function outputKeys<O extends Record<string, string>>(stack: StackMeta<O>): Array<O[keyof O]> {
  return Object.values(stack.outputs) as Array<O[keyof O]>;
}

/** The one RDS engine a lab's stack creates, as its `requires` states it. */
export function rdsRequirement(lab: LabMeta): RdsRequirement {
  const [only, ...more] = lab.requires?.rds ?? [];
  if (!only || more.length > 0) throw new Error(`Lab ${lab.id}'s stack creates one RDS engine; its lab.ts requires.rds lists ${more.length + (only ? 1 : 0)}.`);
  return only;
}

/** The one cache engine a lab's stack creates, as its `requires` states it. */
export function cacheRequirement(lab: LabMeta): ElastiCacheRequirement {
  const [only, ...more] = lab.requires?.elasticache ?? [];
  if (!only || more.length > 0)
    throw new Error(`Lab ${lab.id}'s stack creates one cache; its lab.ts requires.elasticache lists ${more.length + (only ? 1 : 0)}.`);
  return only;
}
