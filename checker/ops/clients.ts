/**
 * The AWS clients the workshop operations need on top of the checker's own
 * (checker/aws/clients.ts): the Resource Groups Tagging API and CloudWatch
 * Logs. Same configuration, same lazy building, closed together.
 */
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { addLazyClients, destroyAwsClients, makeAwsClients, type AwsClientOptions, type AwsClients } from '../aws/clients.js';

export interface OpsClients extends AwsClients {
  tagging: ResourceGroupsTaggingAPIClient;
  logs: CloudWatchLogsClient;
}

export function makeOpsClients(options: AwsClientOptions = {}): OpsClients {
  return addLazyClients(makeAwsClients(options) as OpsClients, options, {
    tagging: ResourceGroupsTaggingAPIClient,
    logs: CloudWatchLogsClient,
  });
}

export function destroyOpsClients(clients: OpsClients): void {
  destroyAwsClients(clients);
}
