/**
 * An ElastiCache for Valkey replication group (cluster mode disabled) with
 * TLS, encryption at rest and an AUTH token kept in Secrets Manager.
 * There is no L2 construct for replication groups, hence the L1 resources.
 */
import { Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { type ElastiCacheRequirement, parameterGroupFamily } from '../../checker/core/lab.js';
import { VALKEY_PIN } from './engine-pins.js';
import { type CacheReplicationConfig, replicationGroupSettings } from './cache-replication.js';
import { LAB_REMOVAL_POLICY } from './secure-defaults.js';

// The engine and version the labs pin (stacks/shared/engine-pins.ts says why Valkey 8.2).
export const VALKEY_ENGINE = VALKEY_PIN.engine;
export const VALKEY_ENGINE_VERSION = VALKEY_PIN.engineVersion;
export const VALKEY_PARAMETER_GROUP_FAMILY = parameterGroupFamily(VALKEY_ENGINE, VALKEY_ENGINE_VERSION);
export const VALKEY_PORT = 6379;
export const CACHE_NODE_TYPE = 'cache.t4g.micro';

// Both in UTC and not overlapping, as ElastiCache requires.
const SNAPSHOT_WINDOW = '05:00-06:00';
const MAINTENANCE_WINDOW = 'sun:06:30-sun:07:30';

export interface LabValkeyCacheProps {
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.SubnetSelection;
  readonly replication: CacheReplicationConfig;
  readonly description: string;
  /**
   * The lab's `requires.elasticache` entry: engine, version, node type and
   * parameter group family come from it.
   * @default VALKEY_PIN on CACHE_NODE_TYPE
   */
  readonly requires?: ElastiCacheRequirement;
  /** Why one node without Multi-AZ is right for this lab (acknowledges AwsSolutions-AEC4). @default Lab 5's reason */
  readonly singleNodeReason?: string;
}

export class LabValkeyCache extends Construct implements ec2.IConnectable {
  readonly replicationGroup: elasticache.CfnReplicationGroup;
  readonly authSecret: secretsmanager.Secret;
  readonly securityGroup: ec2.SecurityGroup;
  readonly connections: ec2.Connections;

  constructor(scope: Construct, id: string, props: LabValkeyCacheProps) {
    // Reject an impossible config before creating anything.
    const settings = replicationGroupSettings(props.replication);
    const engine = props.requires ?? { ...VALKEY_PIN, nodeType: CACHE_NODE_TYPE };
    if (engine.engine !== 'valkey' && engine.engine !== 'redis') {
      throw new Error(`LabValkeyCache: the lab requires engine "${engine.engine}"; this construct creates a Valkey or Redis OSS replication group.`);
    }
    super(scope, id);

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Lab Valkey: inbound 6379 only from the groups the stack allows',
      allowAllOutbound: false,
    });
    this.connections = new ec2.Connections({
      securityGroups: [this.securityGroup],
      defaultPort: ec2.Port.tcp(VALKEY_PORT),
    });

    // AUTH tokens allow 16-128 printable characters with only a few symbols
    // (and never / " @); letters and digits alone avoid every edge case.
    this.authSecret = new secretsmanager.Secret(this, 'AuthToken', {
      description: 'AUTH token of the lab Valkey replication group',
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      removalPolicy: LAB_REMOVAL_POLICY,
    });

    const subnetGroup = new elasticache.CfnSubnetGroup(this, 'SubnetGroup', {
      description: `${props.description} (isolated subnets)`,
      subnetIds: props.vpc.selectSubnets(props.subnets).subnetIds,
    });

    this.replicationGroup = new elasticache.CfnReplicationGroup(this, 'ReplicationGroup', {
      replicationGroupDescription: props.description,
      engine: engine.engine,
      engineVersion: engine.engineVersion,
      cacheParameterGroupName: `default.${engine.parameterGroupFamily ?? parameterGroupFamily(engine.engine, engine.engineVersion)}`,
      cacheNodeType: engine.nodeType,
      clusterMode: 'disabled',
      ...settings,
      port: VALKEY_PORT,
      cacheSubnetGroupName: subnetGroup.ref,
      securityGroupIds: [this.securityGroup.securityGroupId],
      // Created with TLS on, the group's transit encryption mode is "required":
      // plain-text connections are refused.
      transitEncryptionEnabled: true,
      atRestEncryptionEnabled: true,
      authToken: this.authSecret.secretValue.unsafeUnwrap(),
      autoMinorVersionUpgrade: true,
      snapshotRetentionLimit: 1,
      snapshotWindow: SNAPSHOT_WINDOW,
      preferredMaintenanceWindow: MAINTENANCE_WINDOW,
    });
    this.replicationGroup.applyRemovalPolicy(LAB_REMOVAL_POLICY);

    Validations.of(this.authSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'Rotating an AUTH token needs a custom Lambda calling ModifyReplicationGroup; the token lives only as long as the lab stack.',
    });
    if (!settings.multiAzEnabled) {
      Validations.of(this.replicationGroup).acknowledge({
        id: 'AwsSolutions-AEC4',
        reason:
          props.singleNodeReason ??
          "The learner's starting point is a single node; making the group Multi-AZ is the lab's exercise (the solution passes this rule).",
      });
    }
  }

  /** Allow `peer` to reach the cache port (adds the ingress and the peer's egress). */
  allowFrom(peer: ec2.IConnectable, description: string): void {
    this.connections.allowDefaultPortFrom(peer, description);
  }
}
