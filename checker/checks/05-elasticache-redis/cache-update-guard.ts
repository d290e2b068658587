/**
 * Before `npm run deploy 5`: compares the replication group CloudFormation
 * has deployed (GetTemplate) with the one the learner's stack-config.ts
 * synthesises, and refuses an update CloudFormation would reject twenty
 * minutes in (replicas and automatic failover switched on in one go).
 */
import { type CloudFormationClient, GetTemplateCommand } from '@aws-sdk/client-cloudformation';
import { classifyAwsError, explainAwsError } from '../../aws/errors.js';
import { UsageError } from '../../core/errors.js';
import { lab05 } from '../../../labs/05-elasticache-redis/lab.js';
import type { DeployContext } from '../plugin.js';
import { REPLICATION_TWO_STEP_ADVICE, replicationSettingsOfTemplate, replicationUpdateProblem } from '../../../stacks/shared/cache-replication.js';

/** The template CloudFormation holds for the stack, or undefined when the stack does not exist (a first deploy). */
export async function deployedTemplate(cloudformation: CloudFormationClient, stackName: string, region?: string): Promise<unknown> {
  try {
    const out = await cloudformation.send(new GetTemplateCommand({ StackName: stackName, TemplateStage: 'Original' }));
    return out.TemplateBody ? (JSON.parse(out.TemplateBody) as unknown) : undefined;
  } catch (err) {
    if (classifyAwsError(err, region) === 'not-found') return undefined;
    throw explainAwsError(err, { action: 'cloudformation:GetTemplate', region, stackName });
  }
}

/** Lab 5's template as `cdk synth` builds it for the chosen variant (plugin-free: only the properties matter here). */
export async function synthesisedLab05Template(solution: boolean): Promise<unknown> {
  const { App } = await import('aws-cdk-lib');
  const { readFileSync } = await import('node:fs');
  const { addLab05Stack } = await import('../../../stacks/05-elasticache-redis.js');
  const cdkJson = JSON.parse(readFileSync(new URL('../../../stacks/cdk.json', import.meta.url), 'utf8')) as { context: Record<string, unknown> };
  const { InvalidCacheReplicationConfig } = await import('../../../stacks/shared/cache-replication.js');
  const app = new App({ context: cdkJson.context, builtinCloudFormationValidation: false });
  let stack;
  try {
    stack = addLab05Stack(app, { solution });
  } catch (err) {
    if (err instanceof InvalidCacheReplicationConfig) throw new UsageError(`Not deploying: ${err.message}`, REPLICATION_TWO_STEP_ADVICE);
    throw err;
  }
  return app.synth().getStackArtifact(stack.artifactId).template as unknown;
}

/** Throws a UsageError with the two-step advice when deploying `next` over `deployed` would fail. */
export function refuseImpossibleCacheUpdate(deployed: unknown, next: unknown, configFile: string): void {
  if (deployed === undefined) return; // a new stack may create replicas and failover together
  const before = replicationSettingsOfTemplate(deployed);
  const after = replicationSettingsOfTemplate(next);
  if (!before || !after) return;
  const problem = replicationUpdateProblem(before, after);
  if (!problem) return;
  throw new UsageError(`Not deploying: ${problem} Nothing was changed.`, `${REPLICATION_TWO_STEP_ADVICE} (The settings are in ${configFile}.)`);
}

/**
 * Lab 5's deploy guard (its plug-in's beforeDeploy): an update that adds
 * replicas and turns on automatic failover at once fails in CloudFormation
 * after many minutes, so compare the deployed template with the synthesised
 * one and stop before cdk runs. A failed lookup does not block the deploy
 * (cdk then says what is wrong with the account).
 */
export async function refuseRejectedLab05Update(ctx: DeployContext): Promise<void> {
  let deployed: unknown;
  try {
    deployed = await deployedTemplate(ctx.clients.cloudformation, lab05.stack.name, ctx.region);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    ctx.note(`Could not compare with the deployed template, so the replica/failover order is not checked: ${why}`);
    return;
  }
  if (deployed === undefined) return;
  const configFile = `${ctx.solutions ? 'solutions' : 'labs'}/${lab05.key}/stack-config.ts`;
  refuseImpossibleCacheUpdate(deployed, await synthesisedLab05Template(ctx.solutions), configFile);
}
