/**
 * The AWS clients the workshop operations need on top of the checker's own
 * (checker/aws/clients.ts): EC2 for Availability Zones, instances and network
 * interfaces, the Resource Groups Tagging API, and CloudWatch Logs.
 */
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { destroyAwsClients, makeAwsClients, type AwsClientOptions, type AwsClients } from '../aws/clients.js';

export interface OpsClients extends AwsClients {
  ec2: EC2Client;
  tagging: ResourceGroupsTaggingAPIClient;
  logs: CloudWatchLogsClient;
}

export function makeOpsClients(options: AwsClientOptions = {}): OpsClients {
  const config = {
    ...(options.region ? { region: options.region } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
  };
  return {
    ...makeAwsClients(options),
    ec2: new EC2Client(config),
    tagging: new ResourceGroupsTaggingAPIClient(config),
    logs: new CloudWatchLogsClient(config),
  };
}

export function destroyOpsClients(clients: OpsClients): void {
  destroyAwsClients(clients);
  clients.ec2.destroy();
  clients.tagging.destroy();
  clients.logs.destroy();
}
