/**
 * Before a lab stack is destroyed: Aurora instances in the stack's clusters
 * that the stack did not create (readers a learner added in the console or
 * with the CLI). CloudFormation cannot delete a cluster that still has them,
 * so the destroy would fail half-way; the kit names them first instead.
 */
import { ListStackResourcesCommand, type StackResourceSummary } from '@aws-sdk/client-cloudformation';
import { DescribeDBClustersCommand } from '@aws-sdk/client-rds';
import type { AwsClients } from '../aws/clients.js';

export interface StrayMembers {
  clusterId: string;
  instanceIds: string[];
}

async function stackResources(clients: AwsClients, stackName: string): Promise<StackResourceSummary[]> {
  const all: StackResourceSummary[] = [];
  let NextToken: string | undefined;
  do {
    const page = await clients.cloudformation.send(new ListStackResourcesCommand({ StackName: stackName, NextToken }));
    all.push(...(page.StackResourceSummaries ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return all;
}

export async function strayClusterMembers(clients: AwsClients, stackName: string): Promise<StrayMembers[]> {
  let resources: StackResourceSummary[];
  try {
    resources = await stackResources(clients, stackName);
  } catch (err) {
    // No stack: nothing of ours to be in the way.
    if (/does not exist/i.test((err as Error).message)) return [];
    throw err;
  }
  const physical = (type: string) => resources.filter((r) => r.ResourceType === type && r.PhysicalResourceId).map((r) => r.PhysicalResourceId!);
  const ours = new Set(physical('AWS::RDS::DBInstance').map((id) => id.toLowerCase()));
  const strays: StrayMembers[] = [];
  for (const clusterId of physical('AWS::RDS::DBCluster')) {
    const { DBClusters } = await clients.rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: clusterId }));
    const members = (DBClusters?.[0]?.DBClusterMembers ?? []).map((m) => m.DBInstanceIdentifier).filter((id): id is string => Boolean(id));
    const extra = members.filter((id) => !ours.has(id.toLowerCase()));
    if (extra.length > 0) strays.push({ clusterId, instanceIds: extra });
  }
  return strays;
}

/** The paragraph a learner reads when the destroy cannot go ahead, with the commands that clear the way. */
export function describeStrays(stackName: string, strays: StrayMembers[], region?: string): { message: string; nextStep: string } {
  const named = strays.map((s) => `${s.instanceIds.join(', ')} in ${s.clusterId}`).join('; ');
  const regionFlag = region ? ` --region ${region}` : '';
  const commands = strays.flatMap((s) => s.instanceIds.map((id) => `aws rds delete-db-instance --db-instance-identifier ${id}${regionFlag}`));
  return {
    message:
      `${stackName} has Aurora instances it did not create (${named}), added in the console or with the CLI. ` +
      'CloudFormation cannot delete a cluster that still has them, so the destroy would fail half-way; nothing was deleted.',
    nextStep: `Delete them first (each takes a few minutes), then run the destroy again: ${commands.join(' && ')}`,
  };
}
