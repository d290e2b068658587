/**
 * The resource finders read the output keys from the StackMeta they are
 * given (a lab's `stack`), not from names of their own: a stack whose
 * metadata names other keys is read by those keys.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { findInsightsInstanceResources, findProvisionedClusterResources, findServerlessClusterResources } from '../../aws/aurora-resources.js';
import { findCacheResources } from '../../aws/lab05-resources.js';
import { findPrimaryReplicaResources, findRdsInstanceResources } from '../../aws/rds-resources.js';
import { outputKeysOf } from '../../aws/stack-outputs.js';
import type { StackMeta } from '../../core/lab.js';
import { fakeClients } from './helpers.js';

const cfn = mockClient(CloudFormationClient);
beforeEach(() => cfn.reset());

const STACK_NAME = 'DataTierLabs-07-Toy';

/** A toy stack whose every output key is `Toy` + the name, deployed with `values` (name -> value). */
function deployed(values: Record<string, string>): StackMeta {
  const outputs = Object.fromEntries(Object.keys(values).map((name) => [name, `Toy${name[0]!.toUpperCase()}${name.slice(1)}`]));
  cfn.on(DescribeStacksCommand, { StackName: STACK_NAME }).resolves({
    Stacks: [
      {
        StackName: STACK_NAME,
        StackStatus: 'CREATE_COMPLETE',
        CreationTime: new Date(),
        Outputs: Object.entries(values).map(([name, value]) => ({ OutputKey: outputs[name], OutputValue: value })),
      },
    ],
  });
  return { name: STACK_NAME, file: 'stacks/07-toy.ts', outputs };
}

const COMMON = { dbPort: '3306', dbSecretArn: 'arn:secret', dbName: 'toydb', bastionInstanceId: 'i-0toy' };

describe("resource finders read the keys the lab's stack metadata names", () => {
  it('one RDS instance', async () => {
    const stack = deployed({
      ...COMMON,
      dbInstanceId: 'toy-db',
      dbEndpoint: 'toy-db.abc.us-east-1.rds.amazonaws.com',
      dbSecurityGroupId: 'sg-0aaaaaaaaaaaaaaaa',
      bastionSecurityGroupId: 'sg-0bbbbbbbbbbbbbbbb',
      parameterGroupName: 'toy-params',
    });
    expect(await findRdsInstanceResources(fakeClients(), stack)).toMatchObject({
      dbInstanceId: 'toy-db',
      dbPort: 3306,
      dbName: 'toydb',
      bastionSecurityGroupId: 'sg-0bbbbbbbbbbbbbbbb',
      parameterGroupName: 'toy-params',
      bastionInstanceId: 'i-0toy',
      stackName: STACK_NAME,
      source: 'stack',
    });
  });

  it('a primary and its replica', async () => {
    const stack = deployed({ ...COMMON, primaryInstanceId: 'toy-p', primaryEndpoint: 'toy-p.x', replicaInstanceId: 'toy-r', replicaEndpoint: 'toy-r.x' });
    expect(await findPrimaryReplicaResources(fakeClients(), stack)).toMatchObject({
      primaryInstanceId: 'toy-p',
      replicaInstanceId: 'toy-r',
      replicaEndpoint: 'toy-r.x',
      dbName: 'toydb',
    });
  });

  it('a provisioned cluster and a serverless one', async () => {
    const provisioned = deployed({ ...COMMON, clusterId: 'toy-c', clusterEndpoint: 'toy-c.cluster-abc.x', readerEndpoint: 'toy-c.cluster-ro-abc.x' });
    expect(await findProvisionedClusterResources(fakeClients(), provisioned)).toMatchObject({
      clusterId: 'toy-c',
      readerEndpoint: 'toy-c.cluster-ro-abc.x',
      dbPort: 3306,
    });
    const serverless = deployed({
      ...COMMON,
      clusterId: 'toy-s',
      clusterEndpoint: 'toy-s.cluster-abc.x',
      writerInstanceId: 'toy-w',
      dashboardName: 'toy-dash',
    });
    expect(await findServerlessClusterResources(fakeClients(), serverless)).toMatchObject({
      clusterId: 'toy-s',
      writerInstanceId: 'toy-w',
      dashboardName: 'toy-dash',
    });
  });

  it('an instance with Performance Insights', async () => {
    const stack = deployed({ ...COMMON, instanceId: 'toy-i', dbEndpoint: 'toy-i.x', dbiResourceId: 'db-TOY', dashboardName: 'toy-dash' });
    expect(await findInsightsInstanceResources(fakeClients(), stack)).toMatchObject({
      dbInstanceId: 'toy-i',
      dbiResourceId: 'db-TOY',
      bastionInstanceId: 'i-0toy',
    });
  });

  it('a cache in front of a database', async () => {
    const stack = deployed({
      ...COMMON,
      replicationGroupId: 'toy-cache',
      redisEndpoint: 'master.toy-cache.x',
      redisPort: '6379',
      redisAuthSecretArn: 'arn:auth',
      dbEndpoint: 'toy-db.abc.x',
    });
    expect(await findCacheResources(fakeClients(), stack, {})).toMatchObject({
      replicationGroupId: 'toy-cache',
      redisPort: 6379,
      dbInstanceId: 'toy-db',
      stackName: STACK_NAME,
    });
  });

  it('a lab whose metadata lacks an output the finder reads is a kit defect, named as such', async () => {
    const stack: StackMeta = { name: STACK_NAME, file: 'stacks/07-toy.ts', outputs: { clusterId: 'ClusterId' } };
    expect(() => outputKeysOf(stack, ['clusterId', 'dbPort'])).toThrow(/stack DataTierLabs-07-Toy names no output for dbPort/);
    await expect(findProvisionedClusterResources(fakeClients(), stack)).rejects.toThrow(/names no output for clusterEndpoint, dbPort/);
  });
});
