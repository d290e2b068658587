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
import { STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { Chalk } from 'chalk';
import { beforeEach, describe, expect, it } from 'vitest';
import { EnvironmentError } from '../../core/errors.js';
import { KIT_LAB_TAG, KIT_MANAGED_TAG } from '../../ops/kit.js';
import { kitLogGroupPrefixes, parseArn, renderTeardown, teardownExitCode, verifyTeardown, type Leftover } from '../../ops/teardown.js';
import { ACCOUNT, awsError, fakeOpsClients, REGION } from './helpers.js';

const cfn = mockClient(CloudFormationClient);
const rds = mockClient(RDSClient);
const ec = mockClient(ElastiCacheClient);
const secrets = mockClient(SecretsManagerClient);
const logs = mockClient(CloudWatchLogsClient);
const ec2 = mockClient(EC2Client);
const tagging = mockClient(ResourceGroupsTaggingAPIClient);
const sts = mockClient(STSClient);

const KIT_TAGS = [
  { Key: KIT_LAB_TAG, Value: '05' },
  { Key: KIT_MANAGED_TAG, Value: 'true' },
];
const STACK = 'DataTierLabs-05-ElastiCacheRedis';
const DB_ID = 'datatierlabs-05-elasticacheredis-databaseinstanceaa8a5fde-k2j3h4g5f6d7';

/** An account after a clean destroy: other people's resources only. */
function cleanAccount(): void {
  for (const m of [cfn, rds, ec, secrets, logs, ec2, tagging, sts]) m.reset();
  cfn.on(DescribeStacksCommand).resolves({ Stacks: [{ StackName: 'SomeoneElses', StackStatus: 'CREATE_COMPLETE', CreationTime: new Date() }] });
  rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [{ DBInstanceIdentifier: 'prod-db', TagList: [{ Key: 'team', Value: 'x' }] }] });
  rds.on(DescribeDBClustersCommand).resolves({ DBClusters: [] });
  rds
    .on(DescribeDBSnapshotsCommand)
    .resolves({ DBSnapshots: [{ DBSnapshotIdentifier: 'prod-db-before-upgrade', DBInstanceIdentifier: 'prod-db', SnapshotType: 'manual' }] });
  rds.on(DescribeDBClusterSnapshotsCommand).resolves({ DBClusterSnapshots: [] });
  rds.on(DescribeDBInstanceAutomatedBackupsCommand).resolves({ DBInstanceAutomatedBackups: [] });
  ec.on(DescribeReplicationGroupsCommand).resolves({
    ReplicationGroups: [{ ReplicationGroupId: 'sessions', Description: 'prod sessions', ARN: 'arn:aws:elasticache:us-east-1:1:replicationgroup:sessions' }],
  });
  ec.on(DescribeSnapshotsCommand).resolves({ Snapshots: [] });
  ec.on(ListTagsForResourceCommand).resolves({ TagList: [] });
  secrets.on(ListSecretsCommand).resolves({ SecretList: [] });
  logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [] });
  ec2.on(DescribeInstancesCommand).resolves({ Reservations: [] });
  ec2.on(DescribeNetworkInterfacesCommand).resolves({ NetworkInterfaces: [] });
  tagging.on(GetResourcesCommand).resolves({ ResourceTagMappingList: [], PaginationToken: '' });
}

beforeEach(cleanAccount);

const find = (leftovers: Leftover[], type: string) => leftovers.find((l) => l.type === type);

describe('a clean account', () => {
  it('has nothing left and every list was read', async () => {
    const report = await verifyTeardown(fakeOpsClients(), { labIds: [5] });
    expect(report.leftovers).toEqual([]);
    expect(report.unchecked).toEqual([]);
    expect(report.clean).toBe(true);
    expect(teardownExitCode(report)).toBe(0);
    expect(renderTeardown(new Chalk({ level: 0 }), report)).toBe('✔ Nothing from lab 5 is left in us-east-1.');
  });

  it('asks the Tagging API for the lab tag, secrets by the managed tag, and log groups by the kit prefixes', async () => {
    await verifyTeardown(fakeOpsClients(), { labIds: [5] });
    expect(tagging).toHaveReceivedCommandWith(GetResourcesCommand, { TagFilters: [{ Key: KIT_LAB_TAG, Values: ['05'] }] });
    expect(secrets).toHaveReceivedCommandWith(ListSecretsCommand, { Filters: [{ Key: 'tag-key', Values: [KIT_MANAGED_TAG] }] });
    expect(rds).toHaveReceivedCommandWith(DescribeDBSnapshotsCommand, { SnapshotType: 'manual' });
    const prefixes = logs.commandCalls(DescribeLogGroupsCommand).map((c) => c.args[0].input.logGroupNamePrefix);
    expect(prefixes).toEqual(kitLogGroupPrefixes([5]));
    expect(prefixes).toContain('DataTierLabs-05-');
  });

  it('with no lab filter (--all) asks for everything the kit manages', async () => {
    await verifyTeardown(fakeOpsClients());
    expect(tagging).toHaveReceivedCommandWith(GetResourcesCommand, { TagFilters: [{ Key: KIT_MANAGED_TAG, Values: ['true'] }] });
    expect(logs.commandCalls(DescribeLogGroupsCommand).map((c) => c.args[0].input.logGroupNamePrefix)).toContain('DataTierLabs-');
  });
});

describe('leftovers, each with the command that removes it', () => {
  it('reports an RDS final snapshot', async () => {
    rds.on(DescribeDBSnapshotsCommand).resolves({
      DBSnapshots: [
        { DBSnapshotIdentifier: `${DB_ID}-final`, DBInstanceIdentifier: DB_ID, SnapshotType: 'manual', AllocatedStorage: 20, TagList: KIT_TAGS },
        { DBSnapshotIdentifier: 'prod-db-before-upgrade', DBInstanceIdentifier: 'prod-db', SnapshotType: 'manual' },
      ],
    });
    const report = await verifyTeardown(fakeOpsClients(), { labIds: [5] });
    expect(report.leftovers).toHaveLength(1);
    const snap = find(report.leftovers, 'db-snapshot')!;
    expect(snap).toMatchObject({ labId: 5, billable: true, id: `${DB_ID}-final` });
    expect(snap.removeCommand).toBe(`aws rds delete-db-snapshot --db-snapshot-identifier ${DB_ID}-final --region ${REGION}`);
    expect(snap.note).toMatch(/final snapshot/);
    expect(report.clean).toBe(false);
    expect(teardownExitCode(report)).toBe(1);
  });

  it('recognises an untagged snapshot by the stack name CloudFormation put in its identifier', async () => {
    rds.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [{ DBSnapshotIdentifier: `${DB_ID}-snapshot-abc`, DBInstanceIdentifier: DB_ID }] });
    const snap = find((await verifyTeardown(fakeOpsClients(), { labIds: [5] })).leftovers, 'db-snapshot')!;
    expect(snap.matchedBy).toMatch(/^name datatierlabs-05-/);
  });

  it('reports an ElastiCache snapshot (by description, or by its tags)', async () => {
    ec.on(DescribeSnapshotsCommand).resolves({
      Snapshots: [
        {
          SnapshotName: 'my-last-look',
          SnapshotSource: 'manual',
          ReplicationGroupId: 'dat-ca-1x2y3z',
          ReplicationGroupDescription: 'Data Tier Labs lab 5 cache',
          ARN: 'arn:aws:elasticache:us-east-1:1:snapshot:my-last-look',
        },
        { SnapshotName: 'tagged-only', SnapshotSource: 'manual', ReplicationGroupId: 'q1w2e3', ARN: 'arn:aws:elasticache:us-east-1:1:snapshot:tagged-only' },
        {
          SnapshotName: 'automatic.sessions-2026-11-01',
          SnapshotSource: 'automated',
          ReplicationGroupId: 'sessions',
          ARN: 'arn:aws:elasticache:us-east-1:1:snapshot:automatic.sessions',
        },
      ],
    });
    ec.on(ListTagsForResourceCommand, { ResourceName: 'arn:aws:elasticache:us-east-1:1:snapshot:tagged-only' }).resolves({ TagList: KIT_TAGS });
    const report = await verifyTeardown(fakeOpsClients(), { labIds: [5] });
    const snaps = report.leftovers.filter((l) => l.type === 'cache-snapshot');
    expect(snaps.map((s) => s.id).sort()).toEqual(['my-last-look', 'tagged-only']);
    expect(snaps.find((s) => s.id === 'my-last-look')!.removeCommand).toBe(`aws elasticache delete-snapshot --snapshot-name my-last-look --region ${REGION}`);
    expect(snaps.find((s) => s.id === 'tagged-only')!.matchedBy).toBe(`tag ${KIT_LAB_TAG}=05`);
  });

  it('reports a secret that was not deleted (and skips one already scheduled for deletion)', async () => {
    const arn = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:DatabaseSecret3B817195-AbCdEf`;
    secrets.on(ListSecretsCommand).resolves({
      SecretList: [
        { ARN: arn, Name: 'DatabaseSecret3B817195-AbCdEf', Tags: KIT_TAGS },
        { ARN: `${arn}2`, Name: 'CacheAuthToken04672416-XyZ', Tags: KIT_TAGS, DeletedDate: new Date() },
      ],
    });
    const report = await verifyTeardown(fakeOpsClients(), { labIds: [5] });
    expect(report.leftovers).toHaveLength(1);
    expect(find(report.leftovers, 'secret')!.removeCommand).toBe(
      `aws secretsmanager delete-secret --secret-id ${arn} --force-delete-without-recovery --region ${REGION}`,
    );
  });

  it('reports a log group left under the stack name', async () => {
    const name = `${STACK}-NetworkFlowLogs2BEC3212-Zx9Yw8Vu7Ts6`;
    logs
      .on(DescribeLogGroupsCommand, { logGroupNamePrefix: 'DataTierLabs-05-' })
      .resolves({ logGroups: [{ logGroupName: name, storedBytes: 2048, arn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${name}:*` }] });
    const group = find((await verifyTeardown(fakeOpsClients(), { labIds: [5] })).leftovers, 'log-group')!;
    expect(group).toMatchObject({ id: name, labId: 5 });
    expect(group.removeCommand).toBe(`aws logs delete-log-group --log-group-name ${name} --region ${REGION}`);
  });

  it('reports a tagged network interface, and an untagged one inside a leftover kit VPC', async () => {
    tagging.on(GetResourcesCommand).resolves({
      ResourceTagMappingList: [{ ResourceARN: `arn:aws:ec2:${REGION}:${ACCOUNT}:vpc/vpc-0kit`, Tags: KIT_TAGS }],
    });
    ec2.on(DescribeNetworkInterfacesCommand, { Filters: [{ Name: `tag:${KIT_LAB_TAG}`, Values: ['05'] }] }).resolves({
      NetworkInterfaces: [{ NetworkInterfaceId: 'eni-0tagged', Status: 'available', TagSet: KIT_TAGS, VpcId: 'vpc-0kit' }],
    });
    ec2.on(DescribeNetworkInterfacesCommand, { Filters: [{ Name: 'vpc-id', Values: ['vpc-0kit'] }] }).resolves({
      NetworkInterfaces: [
        { NetworkInterfaceId: 'eni-0tagged', Status: 'available', TagSet: KIT_TAGS, VpcId: 'vpc-0kit' },
        {
          NetworkInterfaceId: 'eni-0lambda',
          Status: 'in-use',
          RequesterManaged: true,
          Description: 'AWS Lambda VPC ENI-x',
          VpcId: 'vpc-0kit',
          Attachment: { AttachmentId: 'eni-attach-1' },
        },
      ],
    });
    const report = await verifyTeardown(fakeOpsClients(), { labIds: [5] });
    const enis = report.leftovers.filter((l) => l.type === 'network-interface');
    expect(enis.map((e) => e.id)).toEqual(['eni-0lambda', 'eni-0tagged']);
    expect(enis.find((e) => e.id === 'eni-0tagged')!.removeCommand).toBe(
      `aws ec2 delete-network-interface --network-interface-id eni-0tagged --region ${REGION}`,
    );
    const lambda = enis.find((e) => e.id === 'eni-0lambda')!;
    expect(lambda.matchedBy).toBe('in kit VPC vpc-0kit');
    expect(lambda.note).toMatch(/managed by AWS Lambda VPC ENI/);
    // The VPC itself comes from the Tagging API, last in the removal order.
    const vpc = report.leftovers.at(-1)!;
    expect(vpc).toMatchObject({ type: 'vpc', id: 'vpc-0kit' });
    expect(vpc.removeCommand).toBe(`aws ec2 delete-vpc --vpc-id vpc-0kit --region ${REGION}`);
  });

  it('reports a bastion that is still running', async () => {
    ec2.on(DescribeInstancesCommand).resolves({
      Reservations: [
        {
          Instances: [
            {
              InstanceId: 'i-0123456789abcdef0',
              InstanceType: 't4g.nano',
              State: { Name: 'running' },
              Tags: [...KIT_TAGS, { Key: 'Name', Value: `${STACK}/Bastion/Instance` }],
            },
          ],
        },
      ],
    });
    const report = await verifyTeardown(fakeOpsClients(), { labIds: [5] });
    const bastion = find(report.leftovers, 'instance')!;
    expect(bastion.removeCommand).toBe(`aws ec2 terminate-instances --instance-ids i-0123456789abcdef0 --region ${REGION}`);
    expect(bastion.note).toMatch(/^bastion, t4g\.nano, running/);
    expect(ec2).toHaveReceivedCommandWith(DescribeInstancesCommand, {
      Filters: [
        { Name: `tag:${KIT_LAB_TAG}`, Values: ['05'] },
        { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] },
      ],
    });
  });

  it('reports a stack whose delete failed first, then what it holds, with the profile in every command', async () => {
    cfn.on(DescribeStacksCommand).resolves({
      Stacks: [{ StackName: STACK, StackStatus: 'DELETE_FAILED', CreationTime: new Date('2026-11-20T08:00:00Z'), Tags: KIT_TAGS }],
    });
    rds
      .on(DescribeDBInstancesCommand)
      .resolves({ DBInstances: [{ DBInstanceIdentifier: DB_ID, DBInstanceStatus: 'available', DeletionProtection: true, TagList: KIT_TAGS }] });
    ec.on(DescribeReplicationGroupsCommand).resolves({
      ReplicationGroups: [
        { ReplicationGroupId: 'dat-ca-1x2y3z', Description: 'Data Tier Labs lab 5 cache', MemberClusters: ['a', 'b', 'c'], CacheNodeType: 'cache.t4g.micro' },
      ],
    });
    const report = await verifyTeardown(fakeOpsClients({ profile: 'class' }), { labIds: [5] });
    expect(report.leftovers.map((l) => l.type)).toEqual(['stack', 'replication-group', 'db-instance']);
    expect(report.leftovers[0]!.removeCommand).toBe(`aws cloudformation delete-stack --stack-name ${STACK} --region ${REGION} --profile class`);
    expect(report.leftovers[0]!.note).toMatch(/blocked the delete/);
    expect(report.leftovers[1]!.removeCommand).toBe(
      `aws elasticache delete-replication-group --replication-group-id dat-ca-1x2y3z --no-retain-primary-cluster --region ${REGION} --profile class`,
    );
    expect(report.leftovers[2]!.removeCommand).toBe(
      `aws rds modify-db-instance --db-instance-identifier ${DB_ID} --no-deletion-protection --apply-immediately --region ${REGION} --profile class && ` +
        `aws rds delete-db-instance --db-instance-identifier ${DB_ID} --skip-final-snapshot --delete-automated-backups --region ${REGION} --profile class`,
    );
    const text = renderTeardown(new Chalk({ level: 0 }), report);
    expect(text).toMatch(/✘ 3 resources are left from lab 5 in us-east-1 \(3 billed while they exist\)/);
    expect(text).toContain('aws cloudformation delete-stack');
  });

  it('reports retained automated backups of a deleted instance', async () => {
    rds.on(DescribeDBInstanceAutomatedBackupsCommand).resolves({
      DBInstanceAutomatedBackups: [
        { DbiResourceId: 'db-ABCDEFGHIJKLMNOP', DBInstanceIdentifier: DB_ID, Status: 'retained' },
        { DbiResourceId: 'db-LIVE', DBInstanceIdentifier: 'prod-db', Status: 'active' },
      ],
    });
    const backup = find((await verifyTeardown(fakeOpsClients(), { labIds: [5] })).leftovers, 'automated-backup')!;
    expect(backup.removeCommand).toBe(`aws rds delete-db-instance-automated-backup --dbi-resource-id db-ABCDEFGHIJKLMNOP --region ${REGION}`);
  });

  it('reports tagged resources no service list covers, and ignores stale Tagging API entries for covered types', async () => {
    tagging.on(GetResourcesCommand).resolves({
      ResourceTagMappingList: [
        { ResourceARN: `arn:aws:ec2:${REGION}:${ACCOUNT}:security-group/sg-0abc`, Tags: KIT_TAGS },
        { ResourceARN: `arn:aws:ec2:${REGION}:${ACCOUNT}:elastic-ip/eipalloc-0abc`, Tags: KIT_TAGS },
        { ResourceARN: `arn:aws:rds:${REGION}:${ACCOUNT}:subgrp:datatierlabs-05-subnets`, Tags: KIT_TAGS },
        // Deleted a minute ago; DescribeDBInstances no longer lists it.
        { ResourceARN: `arn:aws:rds:${REGION}:${ACCOUNT}:db:${DB_ID}`, Tags: KIT_TAGS },
      ],
    });
    const report = await verifyTeardown(fakeOpsClients(), { labIds: [5] });
    expect(report.leftovers.map((l) => `${l.type} ${l.removeCommand}`)).toEqual([
      `elastic-ip aws ec2 release-address --allocation-id eipalloc-0abc --region ${REGION}`,
      `db-subnet-group aws rds delete-db-subnet-group --db-subnet-group-name datatierlabs-05-subnets --region ${REGION}`,
      `security-group aws ec2 delete-security-group --group-id sg-0abc --region ${REGION}`,
    ]);
  });

  it('follows pagination', async () => {
    rds
      .on(DescribeDBSnapshotsCommand)
      .resolvesOnce({ DBSnapshots: [{ DBSnapshotIdentifier: 'datatierlabs-05-a-final', TagList: KIT_TAGS }], Marker: 'next' })
      .resolvesOnce({ DBSnapshots: [{ DBSnapshotIdentifier: 'datatierlabs-05-b-final', TagList: KIT_TAGS }] });
    const ids = (await verifyTeardown(fakeOpsClients(), { labIds: [5] })).leftovers.map((l) => l.id);
    expect(ids).toEqual(['datatierlabs-05-a-final', 'datatierlabs-05-b-final']);
  });
});

describe('scope and failures', () => {
  it('leaves other labs alone when labIds is given, and includes them without it', async () => {
    rds.on(DescribeDBSnapshotsCommand).resolves({
      DBSnapshots: [
        { DBSnapshotIdentifier: 'datatierlabs-03-aurora-final', TagList: [{ Key: KIT_LAB_TAG, Value: '03' }] },
        { DBSnapshotIdentifier: 'datatierlabs-05-cache-final', TagList: KIT_TAGS },
      ],
    });
    expect((await verifyTeardown(fakeOpsClients(), { labIds: [5] })).leftovers.map((l) => l.labId)).toEqual([5]);
    expect((await verifyTeardown(fakeOpsClients())).leftovers.map((l) => l.labId).sort()).toEqual([3, 5]);
  });

  it('records a list it may not read and still checks the rest', async () => {
    secrets
      .on(ListSecretsCommand)
      .rejects(awsError('AccessDeniedException', `User: arn:aws:iam::${ACCOUNT}:user/learner is not authorized to perform: secretsmanager:ListSecrets`));
    rds.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [{ DBSnapshotIdentifier: 'datatierlabs-05-x-final', TagList: KIT_TAGS }] });
    const report = await verifyTeardown(fakeOpsClients(), { labIds: [5] });
    expect(report.unchecked).toHaveLength(1);
    expect(report.unchecked[0]!.source).toBe('Secrets Manager secrets');
    expect(report.unchecked[0]!.message).toMatch(/missing the IAM permission secretsmanager:ListSecrets/);
    expect(report.leftovers).toHaveLength(1);
    expect(report.clean).toBe(false);
    expect(renderTeardown(new Chalk({ level: 0 }), report)).toMatch(/! Could not check Secrets Manager secrets/);
  });

  it('stops with an explained error when the session has expired', async () => {
    rds.on(DescribeDBInstancesCommand).rejects(awsError('ExpiredToken', 'The security token included in the request is expired'));
    const err = await verifyTeardown(fakeOpsClients(), { labIds: [5] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EnvironmentError);
    expect((err as EnvironmentError).message).toMatch(/session has expired/);
  });
});

it('parses the ARN shapes the Tagging API returns', () => {
  expect(parseArn('arn:aws:rds:us-east-1:1:db:my-db')).toEqual({ service: 'rds', type: 'db', id: 'my-db' });
  expect(parseArn('arn:aws:ec2:us-east-1:1:vpc/vpc-1')).toEqual({ service: 'ec2', type: 'vpc', id: 'vpc-1' });
  expect(parseArn('arn:aws:logs:us-east-1:1:log-group:/aws/lambda/x:*')).toEqual({ service: 'logs', type: 'log-group', id: '/aws/lambda/x' });
  expect(parseArn('arn:aws:cloudformation:us-east-1:1:stack/DataTierLabs-05-X/guid')).toEqual({
    service: 'cloudformation',
    type: 'stack',
    id: 'DataTierLabs-05-X',
  });
  expect(parseArn('arn:aws:s3:::bucket')).toEqual({ service: 's3', type: '', id: 'bucket' });
});
