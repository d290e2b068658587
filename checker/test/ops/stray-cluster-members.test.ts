/** Readers added by hand to a lab's Aurora cluster are named before a destroy that would fail on them. */
import { CloudFormationClient, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { DescribeDBClustersCommand, RDSClient } from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { describeStrays, strayClusterMembers } from '../../ops/stray-cluster-members.js';
import { awsError, fakeOpsClients } from './helpers.js';

const cfn = mockClient(CloudFormationClient);
const rds = mockClient(RDSClient);
const clients = fakeOpsClients();
const STACK = 'DataTierLabs-03-AuroraCluster';

afterAll(() => {
  cfn.restore();
  rds.restore();
});

beforeEach(() => {
  cfn.reset();
  rds.reset();
  cfn.on(ListStackResourcesCommand).resolves({
    StackResourceSummaries: [
      {
        LogicalResourceId: 'Cluster',
        PhysicalResourceId: 'lab03-cluster',
        ResourceType: 'AWS::RDS::DBCluster',
        ResourceStatus: 'CREATE_COMPLETE',
        LastUpdatedTimestamp: new Date(),
      },
      {
        LogicalResourceId: 'Writer',
        PhysicalResourceId: 'lab03-writer',
        ResourceType: 'AWS::RDS::DBInstance',
        ResourceStatus: 'CREATE_COMPLETE',
        LastUpdatedTimestamp: new Date(),
      },
      {
        LogicalResourceId: 'Reader1',
        PhysicalResourceId: 'Lab03-Reader-1',
        ResourceType: 'AWS::RDS::DBInstance',
        ResourceStatus: 'CREATE_COMPLETE',
        LastUpdatedTimestamp: new Date(),
      },
    ],
  });
});

const members = (...ids: string[]) => ({
  DBClusters: [{ DBClusterIdentifier: 'lab03-cluster', DBClusterMembers: ids.map((id, i) => ({ DBInstanceIdentifier: id, IsClusterWriter: i === 0 })) }],
});

describe('strayClusterMembers', () => {
  it('finds nothing when every member is the stack’s own (names compared without case)', async () => {
    rds.on(DescribeDBClustersCommand).resolves(members('lab03-writer', 'lab03-reader-1'));
    expect(await strayClusterMembers(clients, STACK)).toEqual([]);
  });

  it('names the instances a learner added in the console', async () => {
    rds.on(DescribeDBClustersCommand).resolves(members('lab03-writer', 'lab03-reader-1', 'my-reader-2', 'my-reader-3'));
    const strays = await strayClusterMembers(clients, STACK);
    expect(strays).toEqual([{ clusterId: 'lab03-cluster', instanceIds: ['my-reader-2', 'my-reader-3'] }]);
    const { message, nextStep } = describeStrays(STACK, strays, 'eu-west-1');
    expect(message).toMatch(/has Aurora instances it did not create \(my-reader-2, my-reader-3 in lab03-cluster\)/);
    expect(message).toMatch(/nothing was deleted/);
    expect(nextStep).toContain(
      'aws rds delete-db-instance --db-instance-identifier my-reader-2 --region eu-west-1 && aws rds delete-db-instance --db-instance-identifier my-reader-3 --region eu-west-1',
    );
  });

  it('finds nothing when the stack is already gone', async () => {
    cfn.on(ListStackResourcesCommand).rejects(awsError('ValidationError', `Stack with id ${STACK} does not exist`));
    expect(await strayClusterMembers(clients, STACK)).toEqual([]);
  });

  it('passes other errors on (the destroy then goes ahead and cdk reports)', async () => {
    cfn.on(ListStackResourcesCommand).rejects(awsError('AccessDenied', 'not authorized to perform: cloudformation:ListStackResources', 403));
    await expect(strayClusterMembers(clients, STACK)).rejects.toThrow(/not authorized/);
  });
});
