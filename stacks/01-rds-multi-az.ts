/**
 * Lab 1: RDS for MySQL, Single-AZ or Multi-AZ (the learner's change),
 * reachable only through an SSM-managed bastion.
 */
import { type App, CfnOutput, Duration, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { lab01 } from '../labs/01-rds-multi-az/lab.js';
import { stackConfig as learnerConfig } from '../labs/01-rds-multi-az/stack-config.js';
import { stackConfig as solutionConfig } from '../solutions/01-rds-multi-az/stack-config.js';
import { LabBastion } from './shared/bastion.js';
import { type LabStackEntry, labEnvironment, outputKeys, rdsRequirement, type VariantOptions } from './shared/lab-entry.js';
import { LabStack } from './shared/lab-stack.js';
import { LabMysql } from './shared/mysql.js';
import { LabNetwork } from './shared/network.js';
import { multiAzSetting, type RdsMultiAzConfig } from './shared/rds-config.js';

export const LAB01_ID = lab01.id;
export const LAB01_STACK_NAME = lab01.stack.name;
export const LAB01_DATABASE_NAME = 'labdb';
/** A week of point-in-time recovery, the RDS console's default. Backup storage up to the database's size is free. */
export const LAB01_BACKUP_RETENTION = Duration.days(7);
/** Storage autoscaling ceiling: 5x the 20 GiB start, billed only if used. */
export const LAB01_MAX_ALLOCATED_STORAGE_GIB = 100;
/** Enhanced Monitoring (OS metrics, e.g. during a failover) at the cheapest interval. */
export const LAB01_MONITORING_INTERVAL = Duration.seconds(60);

/** The CloudFormation output keys the checker reads: labs/01-rds-multi-az/lab.ts `stack.outputs`. */
export const LAB01_OUTPUT_KEYS = outputKeys(lab01.stack);
export type Lab01OutputKey = (typeof LAB01_OUTPUT_KEYS)[number];

export interface RdsMultiAzStackProps extends StackProps {
  /** Single-AZ or Multi-AZ: the learner's part. */
  readonly availability: RdsMultiAzConfig;
}

export class RdsMultiAzStack extends LabStack {
  readonly network: LabNetwork;
  readonly bastion: LabBastion;
  readonly database: LabMysql;

  constructor(scope: Construct, id: string, props: RdsMultiAzStackProps) {
    // Reject an impossible config before creating anything.
    const multiAz = multiAzSetting(props.availability);
    const { availability: _availability, ...stackProps } = props;
    super(scope, id, {
      description: 'Data Tier Labs, lab 1: RDS for MySQL, Single-AZ or Multi-AZ',
      ...stackProps,
      labId: LAB01_ID,
    });

    this.network = new LabNetwork(this, 'Network');
    const { vpc } = this.network;

    this.bastion = new LabBastion(this, 'Bastion', { vpc });

    this.database = new LabMysql(this, 'Database', {
      vpc,
      subnets: this.network.dataSubnets,
      databaseName: LAB01_DATABASE_NAME,
      multiAz,
      singleAzReason: "The learner's starting point is Single-AZ; converting it to Multi-AZ is the lab's exercise (the solution variant passes this rule).",
      backupRetention: LAB01_BACKUP_RETENTION,
      maxAllocatedStorage: LAB01_MAX_ALLOCATED_STORAGE_GIB,
      monitoringInterval: LAB01_MONITORING_INTERVAL,
      requires: rdsRequirement(lab01),
      // RDS creates, rotates and deletes the secret with the instance.
      manageMasterUserPassword: true,
    });
    this.database.allowFrom(this.bastion.securityGroup, 'MySQL from the lab bastion');

    this.addOutputs();
  }

  private addOutputs(): void {
    const db = this.database;
    const values: Record<Lab01OutputKey, { value: string; description: string }> = {
      DbInstanceId: { value: db.instance.instanceIdentifier, description: 'RDS DB instance identifier' },
      DbEndpoint: { value: db.instance.dbInstanceEndpointAddress, description: 'MySQL endpoint; after a failover it points at the new primary (TLS required)' },
      DbPort: { value: db.instance.dbInstanceEndpointPort, description: 'MySQL port' },
      DbSecretArn: { value: db.secret.secretArn, description: 'RDS-managed secret with the master username and password' },
      DbName: { value: db.databaseName, description: 'Database created on the instance' },
      DbSecurityGroupId: { value: db.securityGroup.securityGroupId, description: 'Security group of the database (3306 from the bastion only)' },
      BastionSecurityGroupId: { value: this.bastion.securityGroup.securityGroupId, description: 'Security group of the bastion (no inbound rule)' },
      ParameterGroupName: { value: db.parameterGroup.bindToInstance({}).parameterGroupName, description: 'DB parameter group (require_secure_transport=ON)' },
      BastionInstanceId: { value: this.bastion.instance.instanceId, description: 'SSM-managed bastion for port forwarding' },
    };
    for (const key of LAB01_OUTPUT_KEYS) {
      new CfnOutput(this, key, values[key]);
    }
  }
}

export function addLab01Stack(app: App, options: VariantOptions): RdsMultiAzStack {
  return new RdsMultiAzStack(app, LAB01_STACK_NAME, {
    stackName: LAB01_STACK_NAME,
    env: labEnvironment(),
    availability: options.solution ? solutionConfig : learnerConfig,
  });
}

export const lab01Stack: LabStackEntry<RdsMultiAzStack> = { lab: lab01, add: addLab01Stack };
