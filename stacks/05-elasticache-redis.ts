/**
 * Lab 5: an ElastiCache for Valkey replication group in front of RDS for
 * MySQL, reachable only through an SSM-managed bastion.
 */
import { type App, CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { lab05 } from '../labs/05-elasticache-redis/lab.js';
import { stackConfig as learnerConfig } from '../labs/05-elasticache-redis/stack-config.js';
import { stackConfig as solutionConfig } from '../solutions/05-elasticache-redis/stack-config.js';
import { LabBastion } from './shared/bastion.js';
import { cacheRequirement, type LabStackEntry, labEnvironment, outputKeys, rdsRequirement, type VariantOptions } from './shared/lab-entry.js';
import { labAvailabilityZone } from './shared/lab-azs.js';
import type { CacheReplicationConfig } from './shared/cache-replication.js';
import { LabMysql } from './shared/mysql.js';
import { LabNetwork } from './shared/network.js';
import { applyLabDefaults, labTags } from './shared/secure-defaults.js';
import { LabValkeyCache } from './shared/valkey.js';

export const LAB05_ID = lab05.id;
export const LAB05_STACK_NAME = lab05.stack.name;
export const LAB05_DATABASE_NAME = 'labdb';

/** The CloudFormation output keys the checker reads: labs/05-elasticache-redis/lab.ts `stack.outputs`. */
export const LAB05_OUTPUT_KEYS = outputKeys(lab05.stack);
export type Lab05OutputKey = (typeof LAB05_OUTPUT_KEYS)[number];

export interface ElastiCacheRedisStackProps extends StackProps {
  /** Replicas, Multi-AZ and failover of the cache: the learner's part. */
  readonly replication: CacheReplicationConfig;
}

export class ElastiCacheRedisStack extends Stack {
  readonly network: LabNetwork;
  readonly bastion: LabBastion;
  readonly database: LabMysql;
  readonly cache: LabValkeyCache;

  constructor(scope: Construct, id: string, props: ElastiCacheRedisStackProps) {
    super(scope, id, {
      description: 'Data Tier Labs, lab 5: ElastiCache for Valkey in front of RDS for MySQL',
      ...props,
      // Stack tags too: CloudFormation copies them onto what CDK cannot tag
      // (launch template, root volume, network interfaces, cache nodes).
      tags: { ...labTags(LAB05_ID), ...props.tags },
    });
    applyLabDefaults(this, LAB05_ID);

    this.network = new LabNetwork(this, 'Network');
    const { vpc } = this.network;

    this.bastion = new LabBastion(this, 'Bastion', { vpc });

    this.database = new LabMysql(this, 'Database', {
      vpc,
      subnets: this.network.dataSubnets,
      databaseName: LAB05_DATABASE_NAME,
      requires: rdsRequirement(lab05),
    });
    this.database.allowFrom(this.bastion.securityGroup, 'MySQL from the lab bastion');

    this.cache = new LabValkeyCache(this, 'Cache', {
      vpc,
      subnets: this.network.dataSubnets,
      replication: props.replication,
      description: 'Data Tier Labs lab 5 cache',
      requires: cacheRequirement(lab05),
    });
    this.cache.allowFrom(this.bastion.securityGroup, 'Valkey from the lab bastion');

    this.addOutputs();
  }

  /**
   * The two AZs are chosen by CloudFormation at deploy time (Fn::GetAZs), so a
   * stack with an explicit account and region needs no AZ lookup at synth
   * (works offline, no cdk.context.json) and no AZ name is hard-coded;
   * `-c azs=a,b` names them instead (stacks/shared/lab-azs.ts).
   */
  override get availabilityZones(): string[] {
    return [0, 1].map((i) => labAvailabilityZone(this, i));
  }

  private addOutputs(): void {
    const rg = this.cache.replicationGroup;
    const db = this.database;
    const values: Record<Lab05OutputKey, { value: string; description: string }> = {
      ReplicationGroupId: { value: rg.ref, description: 'ElastiCache replication group id' },
      RedisPrimaryEndpoint: { value: rg.attrPrimaryEndPointAddress, description: 'Primary endpoint (TLS required)' },
      RedisPort: { value: rg.attrPrimaryEndPointPort, description: 'Primary endpoint port' },
      RedisAuthSecretArn: { value: this.cache.authSecret.secretArn, description: 'Secret holding the AUTH token' },
      DbEndpoint: { value: db.instance.dbInstanceEndpointAddress, description: 'MySQL endpoint (TLS required)' },
      DbPort: { value: db.instance.dbInstanceEndpointPort, description: 'MySQL port' },
      DbSecretArn: { value: db.secret.secretArn, description: 'Secret with username, password, host, port and dbname' },
      DbName: { value: db.databaseName, description: 'Database created on the instance' },
      BastionInstanceId: { value: this.bastion.instance.instanceId, description: 'SSM-managed bastion for port forwarding' },
    };
    for (const key of LAB05_OUTPUT_KEYS) {
      new CfnOutput(this, key, values[key]);
    }
  }
}

export function addLab05Stack(app: App, options: VariantOptions): ElastiCacheRedisStack {
  return new ElastiCacheRedisStack(app, LAB05_STACK_NAME, {
    stackName: LAB05_STACK_NAME,
    env: labEnvironment(),
    replication: options.solution ? solutionConfig : learnerConfig,
  });
}

export const lab05Stack: LabStackEntry<ElastiCacheRedisStack> = { lab: lab05, add: addLab05Stack };
