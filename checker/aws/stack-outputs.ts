/** Reads a deployed lab stack's outputs (OutputKey -> OutputValue). */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { EnvironmentError } from '../core/errors.js';
import type { StackMeta } from '../core/lab.js';
import { explainAwsError } from './errors.js';

export interface StackReadOptions {
  region?: string;
  profile?: string;
  /** Shown when the stack is missing; defaults to `npm run deploy <n>` taken from the stack name. */
  deployCommand?: string;
  /** Flags that name the resources without a stack, e.g. `--replication-group <id>`. */
  flagsHint?: string;
}

/** `DataTierLabs-05-ElastiCacheRedis` -> `npm run deploy 5`. */
export function deployCommandFor(stackName: string): string {
  const m = /^DataTierLabs-(\d+)-/.exec(stackName);
  return m ? `npm run deploy ${Number(m[1])}` : 'npm run deploy <lab>';
}

const BROKEN_STATES = new Set(['CREATE_FAILED', 'ROLLBACK_COMPLETE', 'ROLLBACK_FAILED', 'DELETE_FAILED', 'DELETE_COMPLETE']);

export async function readStackOutputs(
  cloudformation: CloudFormationClient,
  stackName: string,
  options: StackReadOptions = {},
): Promise<Record<string, string>> {
  const deployCommand = options.deployCommand ?? deployCommandFor(stackName);
  const flag = options.flagsHint ?? '--replication-group <id>';
  let stacks;
  try {
    const out = await cloudformation.send(new DescribeStacksCommand({ StackName: stackName }));
    stacks = out.Stacks ?? [];
  } catch (err) {
    throw explainAwsError(err, {
      action: 'cloudformation:DescribeStacks',
      region: options.region,
      profile: options.profile,
      stackName,
      deployCommand,
      resource: { kind: 'CloudFormation stack', id: stackName, flag },
    });
  }
  const stack = stacks[0];
  const where = options.region ? ` in ${options.region}` : '';
  if (!stack) {
    throw new EnvironmentError(
      `CloudFormation has no stack named ${stackName}${where}, so the kit cannot read the lab's resource names from its outputs.`,
      `Deploy it with \`${deployCommand}\`, or name the resources with flags such as \`${flag}\`; if you deployed it elsewhere, pass --region.`,
    );
  }
  const status = stack.StackStatus ?? 'UNKNOWN';
  if (BROKEN_STATES.has(status)) {
    throw new EnvironmentError(
      `The stack ${stackName}${where} is in state ${status}: its deployment failed or it was deleted, so its resources are not there to check.`,
      `Look at the stack's events in the CloudFormation console for the first failure, then destroy and deploy it again (\`${deployCommand}\`).`,
    );
  }
  const outputs: Record<string, string> = {};
  for (const o of stack.Outputs ?? []) {
    if (o.OutputKey && o.OutputValue !== undefined) outputs[o.OutputKey] = o.OutputValue;
  }
  if (Object.keys(outputs).length === 0 && status.endsWith('_IN_PROGRESS')) {
    throw new EnvironmentError(
      `The stack ${stackName}${where} is still ${status} and has no outputs yet.`,
      'Wait until the deployment finishes (an ElastiCache replication group takes 10-20 minutes), then re-run.',
    );
  }
  return outputs;
}

/**
 * The CloudFormation output keys a finder needs, by the names the lab's
 * metadata gives them (`stack.outputs`). A lab whose metadata lacks one is a
 * kit defect, reported as such rather than read as a missing output.
 */
export function outputKeysOf<const N extends string>(stack: StackMeta, names: readonly N[]): Record<N, string> {
  const missing = names.filter((n) => !stack.outputs[n]);
  if (missing.length > 0) {
    throw new Error(
      `The lab metadata of stack ${stack.name} names no output for ${missing.join(', ')}; the resource finder reads them (stack.outputs in the lab's lab.ts).`,
    );
  }
  return Object.fromEntries(names.map((n) => [n, stack.outputs[n]!])) as Record<N, string>;
}
