/**
 * Verified teardown: after `npm run destroy`, list what the kit left in the
 * account and region, each with the AWS CLI command that removes it.
 *
 * Two nets, because neither catches everything alone:
 * - the Resource Groups Tagging API, by the kit's tags, for every taggable
 *   type (VPC parts, volumes, Elastic IPs, subnet and parameter groups...);
 * - per-service lists for what tagging misses or reports late: RDS instances,
 *   clusters, manual and final snapshots, retained automated backups;
 *   ElastiCache replication groups and snapshots (their Describe calls carry
 *   no tags: matched by name, description, then ListTagsForResource); secrets
 *   (tag filter); log groups (by the kit's name prefixes: CloudFormation puts
 *   the stack name in generated names); EC2 instances and network interfaces
 *   (tag, or inside a kit VPC); and the lab stacks themselves.
 * For the types a per-service list covers, that list is authoritative: the
 * Tagging API can list a resource for a while after it was deleted.
 */
import { DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeInstancesCommand, DescribeNetworkInterfacesCommand, type Filter } from '@aws-sdk/client-ec2';
import { DescribeReplicationGroupsCommand, DescribeSnapshotsCommand, ListTagsForResourceCommand } from '@aws-sdk/client-elasticache';
import {
  DescribeDBClusterSnapshotsCommand,
  DescribeDBClustersCommand,
  DescribeDBInstanceAutomatedBackupsCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
} from '@aws-sdk/client-rds';
import { GetResourcesCommand, type TagFilter } from '@aws-sdk/client-resource-groups-tagging-api';
import { ListSecretsCommand } from '@aws-sdk/client-secrets-manager';
import type { ChalkInstance } from 'chalk';
import { resolvedRegion } from '../aws/clients.js';
import { classifyAwsError, explainAwsError } from '../aws/errors.js';
import type { LabMeta } from '../core/lab.js';
import { deployedLabs } from './deployed-labs.js';
import { labs as allLabs } from '../../labs/index.js';
import type { OpsClients } from './clients.js';
import { KIT_LAB_TAG, KIT_MANAGED_TAG, KIT_STACK_PREFIX, kitMatch, matchesLabs, shellWord, tagMap, type KitMatch, type TagMap } from './kit.js';

export interface Leftover {
  service: string;
  /** e.g. "db-snapshot", "replication-group", "secret", "log-group", "network-interface", "instance". */
  type: string;
  id: string;
  arn?: string;
  labId?: number;
  /** How it was recognised as the kit's: a tag, a name, a kit VPC. */
  matchedBy: string;
  /** True when it is billed while it exists. */
  billable: boolean;
  /** The AWS CLI command that removes it (one line; `&&` joins prerequisite steps). */
  removeCommand: string;
  note?: string;
}

export interface UncheckedSource {
  source: string;
  message: string;
  nextStep?: string;
}

export interface TeardownReport {
  region?: string;
  labIds?: number[];
  leftovers: Leftover[];
  /** Lists that could not be read (e.g. a missing permission): the account may not be clean. */
  unchecked: UncheckedSource[];
  /** Nothing left and every list was read. */
  clean: boolean;
}

export interface VerifyTeardownOptions {
  /** Only these labs' resources; omitted means everything the kit tagged or named (`--all`). */
  labIds?: number[];
  /** Lab metadata for stack names; default labs/index.ts. */
  labs?: readonly LabMeta[];
}

const pad2 = (id: number) => String(id).padStart(2, '0');

interface Ctx {
  clients: OpsClients;
  region?: string;
  profile?: string;
  labIds?: number[];
  labs: readonly LabMeta[];
  out: Map<string, Leftover>;
  unchecked: UncheckedSource[];
}

function flags(ctx: Ctx): string {
  return `${ctx.region ? ` --region ${ctx.region}` : ''}${ctx.profile ? ` --profile ${shellWord(ctx.profile)}` : ''}`;
}

/** `aws <args>` with region and profile appended. */
function aws(ctx: Ctx, args: string): string {
  return `aws ${args}${flags(ctx)}`;
}

function add(ctx: Ctx, item: Omit<Leftover, 'labId' | 'matchedBy'>, match: KitMatch): void {
  const key = `${item.service}:${item.type}:${item.id}`;
  if (ctx.out.has(key)) return;
  ctx.out.set(key, { ...item, labId: match.labId, matchedBy: match.how });
}

const FATAL = new Set(['credentials', 'expired', 'region', 'network']);

/** Runs one list; a missing permission is recorded and the rest goes on, a broken session stops everything. */
async function collect(ctx: Ctx, source: string, action: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (err) {
    const e = explainAwsError(err, { action, region: ctx.region, profile: ctx.profile });
    if (FATAL.has(classifyAwsError(err, ctx.region))) throw e;
    ctx.unchecked.push({ source, message: e.message, nextStep: e.nextStep });
  }
}

// ------------------------------------------------------------- ARNs

interface ParsedArn {
  service: string;
  type: string;
  id: string;
}

export function parseArn(arn: string): ParsedArn {
  const parts = arn.split(':');
  const service = parts[2] ?? '';
  const resource = parts.slice(5).join(':');
  const slash = resource.indexOf('/');
  const colon = resource.indexOf(':');
  let type = '';
  let id = resource;
  if (slash >= 0 && (colon < 0 || slash < colon)) {
    type = resource.slice(0, slash);
    id = resource.slice(slash + 1);
  } else if (colon >= 0) {
    type = resource.slice(0, colon);
    id = resource.slice(colon + 1);
  }
  if (service === 'logs' && id.endsWith(':*')) id = id.slice(0, -2);
  if (service === 'cloudformation' && type === 'stack') id = id.split('/')[0] ?? id;
  return { service, type, id };
}

/** Types a per-service list below covers: the Tagging API's entry for them is ignored. */
const COVERED = new Set([
  'cloudformation:stack',
  'rds:db',
  'rds:cluster',
  'rds:snapshot',
  'rds:cluster-snapshot',
  'rds:auto-backup',
  'elasticache:replicationgroup',
  'elasticache:snapshot',
  'secretsmanager:secret',
  'logs:log-group',
  'ec2:instance',
  'ec2:network-interface',
]);

interface GenericRemoval {
  type: string;
  billable: boolean;
  command: (id: string, arn: string) => string;
  note?: string;
}

const GENERIC: Record<string, GenericRemoval> = {
  'ec2:vpc': {
    type: 'vpc',
    billable: false,
    command: (id) => `ec2 delete-vpc --vpc-id ${id}`,
    note: 'delete what is inside it first (the other leftovers listed)',
  },
  'ec2:subnet': { type: 'subnet', billable: false, command: (id) => `ec2 delete-subnet --subnet-id ${id}` },
  'ec2:security-group': { type: 'security-group', billable: false, command: (id) => `ec2 delete-security-group --group-id ${id}` },
  'ec2:route-table': { type: 'route-table', billable: false, command: (id) => `ec2 delete-route-table --route-table-id ${id}` },
  'ec2:network-acl': { type: 'network-acl', billable: false, command: (id) => `ec2 delete-network-acl --network-acl-id ${id}` },
  'ec2:internet-gateway': {
    type: 'internet-gateway',
    billable: false,
    command: (id) => `ec2 delete-internet-gateway --internet-gateway-id ${id}`,
    note: 'detach it from its VPC first: aws ec2 detach-internet-gateway --internet-gateway-id <id> --vpc-id <vpc>',
  },
  'ec2:natgateway': { type: 'nat-gateway', billable: true, command: (id) => `ec2 delete-nat-gateway --nat-gateway-id ${id}` },
  'ec2:elastic-ip': { type: 'elastic-ip', billable: true, command: (id) => `ec2 release-address --allocation-id ${id}` },
  'ec2:volume': { type: 'volume', billable: true, command: (id) => `ec2 delete-volume --volume-id ${id}` },
  'ec2:snapshot': { type: 'ebs-snapshot', billable: true, command: (id) => `ec2 delete-snapshot --snapshot-id ${id}` },
  'ec2:launch-template': { type: 'launch-template', billable: false, command: (id) => `ec2 delete-launch-template --launch-template-id ${id}` },
  'ec2:vpc-endpoint': { type: 'vpc-endpoint', billable: true, command: (id) => `ec2 delete-vpc-endpoints --vpc-endpoint-ids ${id}` },
  'ec2:vpc-flow-log': { type: 'flow-log', billable: false, command: (id) => `ec2 delete-flow-logs --flow-log-ids ${id}` },
  'rds:subgrp': { type: 'db-subnet-group', billable: false, command: (id) => `rds delete-db-subnet-group --db-subnet-group-name ${shellWord(id)}` },
  'rds:pg': { type: 'db-parameter-group', billable: false, command: (id) => `rds delete-db-parameter-group --db-parameter-group-name ${shellWord(id)}` },
  'rds:cluster-pg': {
    type: 'db-cluster-parameter-group',
    billable: false,
    command: (id) => `rds delete-db-cluster-parameter-group --db-cluster-parameter-group-name ${shellWord(id)}`,
  },
  'rds:og': { type: 'option-group', billable: false, command: (id) => `rds delete-option-group --option-group-name ${shellWord(id)}` },
  'elasticache:subnetgroup': {
    type: 'cache-subnet-group',
    billable: false,
    command: (id) => `elasticache delete-cache-subnet-group --cache-subnet-group-name ${shellWord(id)}`,
  },
  'elasticache:parametergroup': {
    type: 'cache-parameter-group',
    billable: false,
    command: (id) => `elasticache delete-cache-parameter-group --cache-parameter-group-name ${shellWord(id)}`,
  },
  'elasticache:cluster': { type: 'cache-cluster', billable: true, command: (id) => `elasticache delete-cache-cluster --cache-cluster-id ${shellWord(id)}` },
  'elasticache:user': { type: 'cache-user', billable: false, command: (id) => `elasticache delete-user --user-id ${shellWord(id)}` },
  'elasticache:usergroup': { type: 'cache-user-group', billable: false, command: (id) => `elasticache delete-user-group --user-group-id ${shellWord(id)}` },
  'kms:key': { type: 'kms-key', billable: true, command: (id) => `kms schedule-key-deletion --key-id ${id} --pending-window-in-days 7` },
  'lambda:function': { type: 'lambda-function', billable: false, command: (id) => `lambda delete-function --function-name ${shellWord(id)}` },
  'ssm:parameter': { type: 'ssm-parameter', billable: false, command: (id) => `ssm delete-parameter --name ${shellWord(`/${id}`)}` },
  'sns:': { type: 'sns-topic', billable: false, command: (_id, arn) => `sns delete-topic --topic-arn ${arn}` },
  'cloudwatch:alarm': { type: 'alarm', billable: true, command: (id) => `cloudwatch delete-alarms --alarm-names ${shellWord(id)}` },
};

function s3Removal(id: string): GenericRemoval {
  return { type: 's3-bucket', billable: true, command: () => `s3 rb s3://${id} --force` };
}

// ------------------------------------------------------------- sources

async function fromStacks(ctx: Ctx): Promise<void> {
  await collect(ctx, 'CloudFormation stacks', 'cloudformation:DescribeStacks', async () => {
    for (const s of await deployedLabs(ctx.clients, { labs: ctx.labs })) {
      const match: KitMatch = { labId: s.labId, how: s.matchedBy === 'name' ? `stack name ${s.stackName}` : s.matchedBy };
      if (!matchesLabs(match, ctx.labIds)) continue;
      const note =
        s.status === 'DELETE_IN_PROGRESS'
          ? 'still being deleted: wait a few minutes and check again'
          : s.status === 'DELETE_FAILED'
            ? "a resource blocked the delete: its reason is in the stack's events (CloudFormation console); remove that resource, then delete the stack again"
            : 'deleting the stack removes everything it still holds';
      add(
        ctx,
        {
          service: 'cloudformation',
          type: 'stack',
          id: s.stackName,
          arn: s.stackId,
          billable: s.status !== 'ROLLBACK_COMPLETE',
          removeCommand: aws(ctx, `cloudformation delete-stack --stack-name ${s.stackName}`),
          note,
        },
        match,
      );
    }
  });
}

/** Tagged resources of types no per-service list covers; returns the kit's VPC ids and tagged log group names. */
async function fromTagging(ctx: Ctx): Promise<{ vpcs: Map<string, KitMatch>; logGroups: Map<string, KitMatch> }> {
  const vpcs = new Map<string, KitMatch>();
  const logGroups = new Map<string, KitMatch>();
  await collect(ctx, 'Resource Groups Tagging API', 'tag:GetResources', async () => {
    const filter: TagFilter = ctx.labIds ? { Key: KIT_LAB_TAG, Values: ctx.labIds.map(pad2) } : { Key: KIT_MANAGED_TAG, Values: ['true'] };
    let token: string | undefined;
    do {
      const out = await ctx.clients.tagging.send(new GetResourcesCommand({ TagFilters: [filter], PaginationToken: token || undefined }));
      for (const m of out?.ResourceTagMappingList ?? []) {
        const arn = m.ResourceARN ?? '';
        const match = kitMatch(tagMap(m.Tags));
        if (!arn || !matchesLabs(match, ctx.labIds)) continue;
        const { service, type, id } = parseArn(arn);
        const key = `${service}:${type}`;
        if (key === 'ec2:vpc') vpcs.set(id, { labId: match.labId, how: `in kit VPC ${id}` });
        if (key === 'logs:log-group') logGroups.set(id, match);
        if (COVERED.has(key)) continue;
        const removal = service === 's3' ? s3Removal(id) : (GENERIC[key] ?? (service === 'sns' ? GENERIC['sns:'] : undefined));
        add(
          ctx,
          removal
            ? { service, type: removal.type, id, arn, billable: removal.billable, removeCommand: aws(ctx, removal.command(id, arn)), note: removal.note }
            : {
                service,
                type: type || service,
                id,
                arn,
                billable: false,
                removeCommand: aws(ctx, `resourcegroupstaggingapi get-resources --resource-arn-list ${arn}`),
                note: 'the kit knows no one-line delete for this type: the command shows it; delete it in its console',
              },
          match,
        );
      }
      token = out?.PaginationToken;
    } while (token);
  });
  return { vpcs, logGroups };
}

async function fromRds(ctx: Ctx): Promise<void> {
  const rds = ctx.clients.rds;
  const liveInstances = new Set<string>();
  await Promise.all([
    collect(ctx, 'RDS instances', 'rds:DescribeDBInstances', async () => {
      let marker: string | undefined;
      do {
        const out = await rds.send(new DescribeDBInstancesCommand({ Marker: marker }));
        for (const db of out?.DBInstances ?? []) {
          const id = db.DBInstanceIdentifier ?? '';
          liveInstances.add(id);
          const match = kitMatch(tagMap(db.TagList), [id]);
          if (!id || !matchesLabs(match, ctx.labIds)) continue;
          const del = `rds delete-db-instance --db-instance-identifier ${id} --skip-final-snapshot --delete-automated-backups`;
          const removeCommand = db.DeletionProtection
            ? `${aws(ctx, `rds modify-db-instance --db-instance-identifier ${id} --no-deletion-protection --apply-immediately`)} && ${aws(ctx, del)}`
            : aws(ctx, del);
          const note =
            db.DBInstanceStatus === 'deleting'
              ? 'being deleted now'
              : db.DeletionProtection
                ? 'deletion protection is on: the command turns it off first'
                : undefined;
          add(ctx, { service: 'rds', type: 'db-instance', id, arn: db.DBInstanceArn, billable: true, removeCommand, note }, match);
        }
        marker = out?.Marker;
      } while (marker);
    }),
    collect(ctx, 'RDS clusters', 'rds:DescribeDBClusters', async () => {
      let marker: string | undefined;
      do {
        const out = await rds.send(new DescribeDBClustersCommand({ Marker: marker }));
        for (const c of out?.DBClusters ?? []) {
          const id = c.DBClusterIdentifier ?? '';
          const match = kitMatch(tagMap(c.TagList), [id]);
          if (!id || !matchesLabs(match, ctx.labIds)) continue;
          const del = `rds delete-db-cluster --db-cluster-identifier ${id} --skip-final-snapshot --delete-automated-backups`;
          const removeCommand = c.DeletionProtection
            ? `${aws(ctx, `rds modify-db-cluster --db-cluster-identifier ${id} --no-deletion-protection --apply-immediately`)} && ${aws(ctx, del)}`
            : aws(ctx, del);
          add(
            ctx,
            {
              service: 'rds',
              type: 'db-cluster',
              id,
              arn: c.DBClusterArn,
              billable: true,
              removeCommand,
              note: 'delete its DB instances first (listed above)',
            },
            match,
          );
        }
        marker = out?.Marker;
      } while (marker);
    }),
  ]);
  await Promise.all([
    collect(ctx, 'RDS snapshots', 'rds:DescribeDBSnapshots', async () => {
      let marker: string | undefined;
      do {
        const out = await rds.send(new DescribeDBSnapshotsCommand({ SnapshotType: 'manual', Marker: marker }));
        for (const s of out?.DBSnapshots ?? []) {
          const id = s.DBSnapshotIdentifier ?? '';
          const match = kitMatch(tagMap(s.TagList), [id, s.DBInstanceIdentifier]);
          if (!id || !matchesLabs(match, ctx.labIds)) continue;
          const orphan = s.DBInstanceIdentifier !== undefined && !liveInstances.has(s.DBInstanceIdentifier);
          const final = /final/i.test(id) || orphan ? 'final snapshot (its instance is gone); ' : '';
          add(
            ctx,
            {
              service: 'rds',
              type: 'db-snapshot',
              id,
              arn: s.DBSnapshotArn,
              billable: true,
              removeCommand: aws(ctx, `rds delete-db-snapshot --db-snapshot-identifier ${id}`),
              note: `${final}of ${s.DBInstanceIdentifier ?? 'a DB instance'}, ${s.AllocatedStorage ?? '?'} GiB, billed as backup storage`,
            },
            match,
          );
        }
        marker = out?.Marker;
      } while (marker);
    }),
    collect(ctx, 'RDS cluster snapshots', 'rds:DescribeDBClusterSnapshots', async () => {
      let marker: string | undefined;
      do {
        const out = await rds.send(new DescribeDBClusterSnapshotsCommand({ SnapshotType: 'manual', Marker: marker }));
        for (const s of out?.DBClusterSnapshots ?? []) {
          const id = s.DBClusterSnapshotIdentifier ?? '';
          const match = kitMatch(tagMap(s.TagList), [id, s.DBClusterIdentifier]);
          if (!id || !matchesLabs(match, ctx.labIds)) continue;
          add(
            ctx,
            {
              service: 'rds',
              type: 'db-cluster-snapshot',
              id,
              arn: s.DBClusterSnapshotArn,
              billable: true,
              removeCommand: aws(ctx, `rds delete-db-cluster-snapshot --db-cluster-snapshot-identifier ${id}`),
              note: `of ${s.DBClusterIdentifier ?? 'a DB cluster'}, billed as backup storage`,
            },
            match,
          );
        }
        marker = out?.Marker;
      } while (marker);
    }),
    collect(ctx, 'RDS retained automated backups', 'rds:DescribeDBInstanceAutomatedBackups', async () => {
      let marker: string | undefined;
      do {
        const out = await rds.send(new DescribeDBInstanceAutomatedBackupsCommand({ Marker: marker }));
        for (const b of out?.DBInstanceAutomatedBackups ?? []) {
          // Backups of a live instance go with it; "retained" ones outlive a deleted instance.
          if (b.Status !== 'retained') continue;
          const id = b.DbiResourceId ?? '';
          const match = kitMatch(tagMap(b.TagList), [b.DBInstanceIdentifier]);
          if (!id || !matchesLabs(match, ctx.labIds)) continue;
          add(
            ctx,
            {
              service: 'rds',
              type: 'automated-backup',
              id,
              arn: b.DBInstanceAutomatedBackupsArn,
              billable: true,
              removeCommand: aws(ctx, `rds delete-db-instance-automated-backup --dbi-resource-id ${id}`),
              note: `retained backups of the deleted instance ${b.DBInstanceIdentifier ?? ''}`.trim(),
            },
            match,
          );
        }
        marker = out?.Marker;
      } while (marker);
    }),
  ]);
}

async function elastiCacheTags(ctx: Ctx, arn: string | undefined): Promise<TagMap | undefined> {
  if (!arn) return undefined;
  try {
    const out = await ctx.clients.elasticache.send(new ListTagsForResourceCommand({ ResourceName: arn }));
    return tagMap(out?.TagList);
  } catch {
    // Tags are a second way to recognise it; names and descriptions were the first.
    return undefined;
  }
}

async function fromElastiCache(ctx: Ctx): Promise<void> {
  const ec = ctx.clients.elasticache;
  const liveGroups = new Set<string>();
  await collect(ctx, 'ElastiCache replication groups', 'elasticache:DescribeReplicationGroups', async () => {
    let marker: string | undefined;
    do {
      const out = await ec.send(new DescribeReplicationGroupsCommand({ Marker: marker }));
      for (const g of out?.ReplicationGroups ?? []) {
        const id = g.ReplicationGroupId ?? '';
        if (!id) continue;
        liveGroups.add(id);
        const match = kitMatch(undefined, [id, g.Description]) ?? kitMatch(await elastiCacheTags(ctx, g.ARN));
        if (!matchesLabs(match, ctx.labIds)) continue;
        add(
          ctx,
          {
            service: 'elasticache',
            type: 'replication-group',
            id,
            arn: g.ARN,
            billable: true,
            removeCommand: aws(ctx, `elasticache delete-replication-group --replication-group-id ${id} --no-retain-primary-cluster`),
            note: `${g.MemberClusters?.length ?? '?'} node(s) of ${g.CacheNodeType ?? '?'}${g.Status === 'deleting' ? ', being deleted now' : ''}`,
          },
          match,
        );
      }
      marker = out?.Marker;
    } while (marker);
  });
  await collect(ctx, 'ElastiCache snapshots', 'elasticache:DescribeSnapshots', async () => {
    let marker: string | undefined;
    do {
      const out = await ec.send(new DescribeSnapshotsCommand({ Marker: marker }));
      for (const s of out?.Snapshots ?? []) {
        const name = s.SnapshotName ?? '';
        if (!name) continue;
        // Automatic snapshots of a group that still exists go with the group.
        if (s.SnapshotSource === 'automated' && s.ReplicationGroupId && liveGroups.has(s.ReplicationGroupId)) continue;
        const match =
          kitMatch(undefined, [name, s.ReplicationGroupId, s.ReplicationGroupDescription, s.CacheClusterId]) ?? kitMatch(await elastiCacheTags(ctx, s.ARN));
        if (!matchesLabs(match, ctx.labIds)) continue;
        add(
          ctx,
          {
            service: 'elasticache',
            type: 'cache-snapshot',
            id: name,
            arn: s.ARN,
            billable: true,
            removeCommand: aws(ctx, `elasticache delete-snapshot --snapshot-name ${shellWord(name)}`),
            note: `${s.SnapshotSource ?? 'manual'} snapshot of ${s.ReplicationGroupId ?? s.CacheClusterId ?? 'a cache'}, billed as backup storage`,
          },
          match,
        );
      }
      marker = out?.Marker;
    } while (marker);
  });
}

async function fromSecrets(ctx: Ctx): Promise<void> {
  await collect(ctx, 'Secrets Manager secrets', 'secretsmanager:ListSecrets', async () => {
    let token: string | undefined;
    do {
      const out = await ctx.clients.secrets.send(new ListSecretsCommand({ Filters: [{ Key: 'tag-key', Values: [KIT_MANAGED_TAG] }], NextToken: token }));
      for (const s of out?.SecretList ?? []) {
        // Secrets scheduled for deletion are not billed and go by themselves.
        if (s.DeletedDate) continue;
        const name = s.Name ?? '';
        const match = kitMatch(tagMap(s.Tags), [name]);
        if (!name || !matchesLabs(match, ctx.labIds)) continue;
        add(
          ctx,
          {
            service: 'secretsmanager',
            type: 'secret',
            id: name,
            arn: s.ARN,
            billable: true,
            removeCommand: aws(ctx, `secretsmanager delete-secret --secret-id ${shellWord(s.ARN ?? name)} --force-delete-without-recovery`),
          },
          match,
        );
      }
      token = out?.NextToken;
    } while (token);
  });
}

/** Name prefixes CloudFormation and the services give the kit's log groups. */
export function kitLogGroupPrefixes(labIds?: number[]): string[] {
  const stems = labIds ? labIds.map((id) => `${KIT_STACK_PREFIX}${pad2(id)}-`) : [KIT_STACK_PREFIX];
  return stems.flatMap((stem) => [stem, `/aws/lambda/${stem}`, `/aws/rds/instance/${stem.toLowerCase()}`, `/aws/rds/cluster/${stem.toLowerCase()}`]);
}

async function fromLogs(ctx: Ctx, tagged: Map<string, KitMatch>): Promise<void> {
  const prefixes = [...new Set([...kitLogGroupPrefixes(ctx.labIds), ...tagged.keys()])];
  await collect(ctx, 'CloudWatch log groups', 'logs:DescribeLogGroups', async () => {
    for (const prefix of prefixes) {
      let token: string | undefined;
      do {
        const out = await ctx.clients.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: prefix, nextToken: token }));
        for (const g of out?.logGroups ?? []) {
          const name = g.logGroupName ?? '';
          if (!name.startsWith(prefix)) continue;
          const match = tagged.get(name) ?? kitMatch(undefined, [name]);
          if (!matchesLabs(match, ctx.labIds)) continue;
          add(
            ctx,
            {
              service: 'logs',
              type: 'log-group',
              id: name,
              arn: g.arn,
              billable: true,
              removeCommand: aws(ctx, `logs delete-log-group --log-group-name ${shellWord(name)}`),
              note: g.storedBytes ? `${g.storedBytes} bytes stored` : undefined,
            },
            match,
          );
        }
        token = out?.nextToken;
      } while (token);
    }
  });
}

async function fromEc2(ctx: Ctx, vpcs: Map<string, KitMatch>): Promise<void> {
  const ec2 = ctx.clients.ec2;
  const tagFilter: Filter = ctx.labIds ? { Name: `tag:${KIT_LAB_TAG}`, Values: ctx.labIds.map(pad2) } : { Name: `tag:${KIT_MANAGED_TAG}`, Values: ['true'] };
  await Promise.all([
    collect(ctx, 'EC2 instances', 'ec2:DescribeInstances', async () => {
      let token: string | undefined;
      do {
        const out = await ec2.send(
          new DescribeInstancesCommand({
            Filters: [tagFilter, { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] }],
            NextToken: token,
          }),
        );
        for (const r of out?.Reservations ?? []) {
          for (const i of r.Instances ?? []) {
            const id = i.InstanceId ?? '';
            const tags = tagMap(i.Tags);
            const match = kitMatch(tags, [tags.Name]);
            if (!id || !matchesLabs(match, ctx.labIds)) continue;
            const role = /bastion/i.test(tags.Name ?? '') ? 'bastion, ' : '';
            add(
              ctx,
              {
                service: 'ec2',
                type: 'instance',
                id,
                billable: true,
                removeCommand: aws(ctx, `ec2 terminate-instances --instance-ids ${id}`),
                note: `${role}${i.InstanceType ?? '?'}, ${i.State?.Name ?? '?'}${tags.Name ? `, ${tags.Name}` : ''}`,
              },
              match,
            );
          }
        }
        token = out?.NextToken;
      } while (token);
    }),
    collect(ctx, 'EC2 network interfaces', 'ec2:DescribeNetworkInterfaces', async () => {
      const queries: Filter[][] = [[tagFilter]];
      if (vpcs.size > 0) queries.push([{ Name: 'vpc-id', Values: [...vpcs.keys()] }]);
      for (const filters of queries) {
        let token: string | undefined;
        do {
          const out = await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: filters, NextToken: token }));
          for (const n of out?.NetworkInterfaces ?? []) {
            const id = n.NetworkInterfaceId ?? '';
            const match = kitMatch(tagMap(n.TagSet)) ?? (n.VpcId ? vpcs.get(n.VpcId) : undefined);
            if (!id || !matchesLabs(match, ctx.labIds)) continue;
            const del = aws(ctx, `ec2 delete-network-interface --network-interface-id ${id}`);
            const attached = n.Attachment?.AttachmentId && n.Status === 'in-use';
            const removeCommand =
              attached && !n.RequesterManaged
                ? `${aws(ctx, `ec2 detach-network-interface --attachment-id ${n.Attachment!.AttachmentId} --force`)} && ${del}`
                : del;
            const owner = n.RequesterManaged
              ? `managed by ${n.Description || n.InterfaceType || 'an AWS service'}: it goes when that resource is deleted`
              : n.Description || undefined;
            add(ctx, { service: 'ec2', type: 'network-interface', id, billable: Boolean(n.Association?.PublicIp), removeCommand, note: owner }, match);
          }
          token = out?.NextToken;
        } while (token);
      }
    }),
  ]);
}

/** The order to run the commands in: containers and compute first, the VPC last. */
const ORDER = ['stack', 'instance', 'replication-group', 'cache-cluster', 'db-instance', 'db-cluster'];
const LAST = ['network-interface', 'security-group', 'subnet', 'route-table', 'internet-gateway', 'vpc'];

function rank(l: Leftover): number {
  const first = ORDER.indexOf(l.type);
  if (first >= 0) return first;
  const last = LAST.indexOf(l.type);
  if (last >= 0) return 100 + last;
  return l.billable ? 50 : 60;
}

/**
 * What the kit left in the account and region after a destroy. Throws an
 * explained EnvironmentError only when nothing can be read (no credentials,
 * expired session, bad region, no network); a list the identity may not read
 * is reported in `unchecked` and the rest is still checked.
 */
export async function verifyTeardown(clients: OpsClients, options: VerifyTeardownOptions = {}): Promise<TeardownReport> {
  const labIds = options.labIds && options.labIds.length > 0 ? [...options.labIds] : undefined;
  const ctx: Ctx = {
    clients,
    region: await resolvedRegion(clients),
    profile: clients.profile,
    labIds,
    labs: options.labs ?? allLabs,
    out: new Map(),
    unchecked: [],
  };
  const [{ vpcs, logGroups }] = await Promise.all([fromTagging(ctx), fromStacks(ctx), fromRds(ctx), fromElastiCache(ctx), fromSecrets(ctx)]);
  await Promise.all([fromLogs(ctx, logGroups), fromEc2(ctx, vpcs)]);
  const leftovers = [...ctx.out.values()].sort((a, b) => rank(a) - rank(b) || a.type.localeCompare(b.type) || a.id.localeCompare(b.id));
  return { region: ctx.region, labIds, leftovers, unchecked: ctx.unchecked, clean: leftovers.length === 0 && ctx.unchecked.length === 0 };
}

/** For a destroy command: 0 clean, 1 something is left, 2 some list could not be read. */
export function teardownExitCode(report: TeardownReport): number {
  if (report.leftovers.length > 0) return 1;
  return report.unchecked.length > 0 ? 2 : 0;
}

export function renderTeardown(c: ChalkInstance, report: TeardownReport): string {
  const scope = report.labIds ? `lab${report.labIds.length > 1 ? 's' : ''} ${report.labIds.join(', ')}` : 'the kit';
  const where = report.region ? ` in ${report.region}` : '';
  const out: string[] = [];
  if (report.leftovers.length === 0) {
    out.push(
      report.unchecked.length === 0
        ? c.green(`✔ Nothing from ${scope} is left${where}.`)
        : c.yellow(`Nothing from ${scope} was found${where}, but some lists could not be read:`),
    );
  } else {
    const billable = report.leftovers.filter((l) => l.billable).length;
    out.push(
      c.red(
        `✘ ${report.leftovers.length} resource${report.leftovers.length === 1 ? ' is' : 's are'} left from ${scope}${where} (${billable} billed while they exist). Remove them in this order:`,
      ),
    );
    for (const l of report.leftovers) {
      const lab = l.labId === undefined ? '' : `lab ${l.labId}, `;
      out.push(
        `  - ${l.service} ${l.type} ${l.id} ${c.dim(`(${lab}${l.billable ? 'costs money' : 'free'}; ${l.matchedBy})`)}${l.note ? `\n      ${c.dim(l.note)}` : ''}`,
      );
      out.push(`      ${c.cyan(l.removeCommand)}`);
    }
  }
  for (const u of report.unchecked) out.push(c.yellow(`  ! Could not check ${u.source}: ${u.message}${u.nextStep ? ` ${u.nextStep}` : ''}`));
  return out.join('\n');
}
