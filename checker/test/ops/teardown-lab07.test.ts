/**
 * `npm run destroy 7` must leave nothing billable. The teardown verification
 * is data-driven (tags, the DataTierLabs-07- name prefix, the kit VPC), so
 * Lab 7 needs no code of its own there; this proves each kind of resource the
 * Lab 7 stack creates is found when it outlives the stack, with the command
 * that removes it, and that a clean account is reported clean.
 */
import 'aws-sdk-client-mock-vitest/extend';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeInstancesCommand, DescribeNetworkInterfacesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeReplicationGroupsCommand, DescribeSnapshotsCommand, ElastiCacheClient, ListTagsForResourceCommand } from '@aws-sdk/client-elasticache';
import {
  DescribeDBClustersCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBInstanceAutomatedBackupsCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { GetResourcesCommand, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { ListSecretsCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { KIT_LAB_TAG, KIT_MANAGED_TAG } from '../../ops/kit.js';
import { kitLogGroupPrefixes, teardownExitCode, verifyTeardown } from '../../ops/teardown.js';
import { ACCOUNT, fakeOpsClients, REGION } from './helpers.js';

const cfn = mockClient(CloudFormationClient);
const rds = mockClient(RDSClient);
const ec = mockClient(ElastiCacheClient);
const secrets = mockClient(SecretsManagerClient);
const logs = mockClient(CloudWatchLogsClient);
const ec2 = mockClient(EC2Client);
const tagging = mockClient(ResourceGroupsTaggingAPIClient);

const TAGS_07 = [
  { Key: KIT_LAB_TAG, Value: '07' },
  { Key: KIT_MANAGED_TAG, Value: 'true' },
];
const FN = 'DataTierLabs-07-ServerlessCache-Function76856677-AbCdEf123456';
const CLUSTER = 'datatierlabs-07-serverlesscache-databasecluster5b53a178-q1w2e3r4t5y6';

beforeEach(() => {
  for (const m of [cfn, rds, ec, secrets, logs, ec2, tagging]) m.reset();
  cfn.on(DescribeStacksCommand).resolves({ Stacks: [] });
  rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [] });
  rds.on(DescribeDBClustersCommand).resolves({ DBClusters: [] });
  rds.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [] });
  rds.on(DescribeDBClusterSnapshotsCommand).resolves({ DBClusterSnapshots: [] });
  rds.on(DescribeDBInstanceAutomatedBackupsCommand).resolves({ DBInstanceAutomatedBackups: [] });
  ec.on(DescribeReplicationGroupsCommand).resolves({ ReplicationGroups: [] });
  ec.on(DescribeSnapshotsCommand).resolves({ Snapshots: [] });
  ec.on(ListTagsForResourceCommand).resolves({ TagList: [] });
  secrets.on(ListSecretsCommand).resolves({ SecretList: [] });
  logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [] });
  ec2.on(DescribeInstancesCommand).resolves({ Reservations: [] });
  ec2.on(DescribeNetworkInterfacesCommand).resolves({ NetworkInterfaces: [] });
  tagging.on(GetResourcesCommand).resolves({ ResourceTagMappingList: [], PaginationToken: '' });
});

describe('teardown verification of Lab 7', () => {
  it('a clean account after `npm run destroy 7` is clean, asked by the lab tag 07 and the DataTierLabs-07- log prefixes', async () => {
    const report = await verifyTeardown(fakeOpsClients(), { labIds: [7] });
    expect(report).toMatchObject({ leftovers: [], unchecked: [], clean: true });
    expect(teardownExitCode(report)).toBe(0);
    expect(tagging).toHaveReceivedCommandWith(GetResourcesCommand, { TagFilters: [{ Key: KIT_LAB_TAG, Values: ['07'] }] });
    const prefixes = logs.commandCalls(DescribeLogGroupsCommand).map((c) => c.args[0].input.logGroupNamePrefix);
    expect(prefixes).toEqual(kitLogGroupPrefixes([7]));
    expect(prefixes).toEqual(expect.arrayContaining(['DataTierLabs-07-', '/aws/lambda/DataTierLabs-07-']));
  });

  it('finds what outlived the stack: the function, its log group, the cluster, a Lambda ENI in the kit VPC', async () => {
    tagging.on(GetResourcesCommand).resolves({
      ResourceTagMappingList: [
        { ResourceARN: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${FN}`, Tags: TAGS_07 },
        { ResourceARN: `arn:aws:ec2:${REGION}:${ACCOUNT}:vpc/vpc-0kit07`, Tags: TAGS_07 },
      ],
    });
    rds.on(DescribeDBClustersCommand).resolves({
      DBClusters: [
        { DBClusterIdentifier: CLUSTER, DBClusterArn: `arn:aws:rds:${REGION}:${ACCOUNT}:cluster:${CLUSTER}`, TagList: TAGS_07, DeletionProtection: false },
      ],
    });
    logs.on(DescribeLogGroupsCommand, { logGroupNamePrefix: 'DataTierLabs-07-' }).resolves({
      logGroups: [{ logGroupName: 'DataTierLabs-07-ServerlessCache-FunctionLogsAE28C13D-Zx9Yw8Vu7Ts6', storedBytes: 48_213 }],
    });
    ec2.on(DescribeNetworkInterfacesCommand, { Filters: [{ Name: 'vpc-id', Values: ['vpc-0kit07'] }] }).resolves({
      NetworkInterfaces: [
        {
          NetworkInterfaceId: 'eni-0hyperplane7',
          Status: 'in-use',
          RequesterManaged: true,
          Description: 'AWS Lambda VPC ENI-DataTierLabs-07-ServerlessCache-Function',
          VpcId: 'vpc-0kit07',
        },
      ],
    });
    const report = await verifyTeardown(fakeOpsClients(), { labIds: [7] });
    expect(report.clean).toBe(false);
    expect(teardownExitCode(report)).toBe(1);
    const byType = Object.fromEntries(report.leftovers.map((l) => [l.type, l]));
    expect(byType['lambda-function']).toMatchObject({
      id: FN,
      labId: 7,
      billable: false,
      removeCommand: `aws lambda delete-function --function-name ${FN} --region ${REGION}`,
    });
    expect(byType['log-group']).toMatchObject({ id: 'DataTierLabs-07-ServerlessCache-FunctionLogsAE28C13D-Zx9Yw8Vu7Ts6', billable: true, labId: 7 });
    expect(byType['db-cluster']).toMatchObject({
      id: CLUSTER,
      billable: true,
      removeCommand: expect.stringContaining(`rds delete-db-cluster --db-cluster-identifier ${CLUSTER} --skip-final-snapshot`),
    });
    expect(byType['network-interface']).toMatchObject({
      id: 'eni-0hyperplane7',
      matchedBy: 'in kit VPC vpc-0kit07',
      note: expect.stringMatching(/Lambda VPC ENI/),
    });
    expect(byType.vpc).toMatchObject({ id: 'vpc-0kit07' });
  });
});
