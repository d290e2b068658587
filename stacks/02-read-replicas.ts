/**
 * Lab 2: a Single-AZ RDS for MySQL primary and, once the learner adds them,
 * asynchronous read replicas in the other AZ, reachable only through an
 * SSM-managed bastion.
 */
import { type App, CfnOutput, type StackProps } from 'aws-cdk-lib';
import type * as rds from 'aws-cdk-lib/aws-rds';
import type { Construct } from 'constructs';
import { lab02 } from '../labs/02-read-replicas/lab.js';
import { stackConfig as learnerConfig } from '../labs/02-read-replicas/stack-config.js';
import { stackConfig as solutionConfig } from '../solutions/02-read-replicas/stack-config.js';
import { LabBastion } from './shared/bastion.js';
import { type LabStackEntry, labEnvironment, outputKeys, rdsRequirement, type VariantOptions } from './shared/lab-entry.js';
import { LabStack } from './shared/lab-stack.js';
import { LabMysql } from './shared/mysql.js';
import { LabNetwork } from './shared/network.js';
import { type ReadReplicaConfig, readReplicaCount } from './shared/rds-config.js';
import { LAB_BACKUP_RETENTION } from './shared/secure-defaults.js';

export const LAB02_ID = lab02.id;
export const LAB02_STACK_NAME = lab02.stack.name;
export const LAB02_DATABASE_NAME = 'labdb';
/** Storage autoscaling ceiling of the primary and its replicas: 5x the 20 GiB start, billed only if used. */
export const LAB02_MAX_ALLOCATED_STORAGE_GIB = 100;

/** The CloudFormation output keys the checker reads: labs/02-read-replicas/lab.ts `stack.outputs`. */
export const LAB02_OUTPUT_KEYS = outputKeys(lab02.stack);
export type Lab02OutputKey = (typeof LAB02_OUTPUT_KEYS)[number];
/** Present only when the stack has at least one replica (they describe the first). */
export const LAB02_REPLICA_OUTPUT_KEYS: readonly Lab02OutputKey[] = [lab02.stack.outputs.replicaInstanceId, lab02.stack.outputs.replicaEndpoint];

export interface ReadReplicasStackProps extends StackProps {
  /** How many read replicas: the learner's part. */
  readonly replication: ReadReplicaConfig;
}

export class ReadReplicasStack extends LabStack {
  readonly network: LabNetwork;
  readonly bastion: LabBastion;
  readonly database: LabMysql;
  readonly replicas: readonly rds.DatabaseInstanceReadReplica[];

  constructor(scope: Construct, id: string, props: ReadReplicasStackProps) {
    // Reject an impossible config before creating anything.
    const replicaCount = readReplicaCount(props.replication);
    const { replication: _replication, ...stackProps } = props;
    super(scope, id, {
      description: 'Data Tier Labs, lab 2: RDS for MySQL with read replicas',
      ...stackProps,
      labId: LAB02_ID,
    });

    this.network = new LabNetwork(this, 'Network');
    const { vpc } = this.network;

    this.bastion = new LabBastion(this, 'Bastion', { vpc });

    // The primary sits in the first AZ and the replicas start in the second,
    // so a read replica is also a copy in another AZ.
    this.database = new LabMysql(this, 'Database', {
      vpc,
      subnets: this.network.dataSubnets,
      databaseName: LAB02_DATABASE_NAME,
      multiAz: false,
      availabilityZone: this.availabilityZone(0),
      singleAzReason:
        'Single-AZ on purpose: this lab scales reads with replicas, and a Multi-AZ standby (Lab 1) would double the price without serving a read.',
      // Read replicas need automated backups on their source; one day is the least.
      backupRetention: LAB_BACKUP_RETENTION,
      maxAllocatedStorage: LAB02_MAX_ALLOCATED_STORAGE_GIB,
      // A stack-owned secret: RDS cannot create replicas of an instance whose
      // password it manages in Secrets Manager.
      manageMasterUserPassword: false,
      requires: rdsRequirement(lab02),
    });
    this.database.allowFrom(this.bastion.securityGroup, 'MySQL from the lab bastion (primary and replicas)');

    for (let i = 0; i < replicaCount; i++) {
      this.database.addReadReplica(`Replica${i + 1}`, { availabilityZone: this.availabilityZone(i + 1) });
    }
    this.replicas = this.database.replicas;

    this.addOutputs();
  }

  private addOutputs(): void {
    const db = this.database;
    const first = this.replicas[0];
    const values: Record<Lab02OutputKey, { value: string; description: string } | undefined> = {
      PrimaryInstanceId: { value: db.instance.instanceIdentifier, description: 'RDS DB instance identifier of the primary' },
      PrimaryEndpoint: { value: db.instance.dbInstanceEndpointAddress, description: 'Primary endpoint, for writes (TLS required)' },
      ReplicaInstanceId: first && { value: first.instanceIdentifier, description: 'RDS DB instance identifier of the (first) read replica' },
      ReplicaEndpoint: first && { value: first.dbInstanceEndpointAddress, description: 'Read replica endpoint, for reads (TLS required)' },
      DbPort: { value: db.instance.dbInstanceEndpointPort, description: 'MySQL port of the primary and the replicas' },
      DbSecretArn: { value: db.secret.secretArn, description: 'Secret with username, password, host, port and dbname (same user on the replicas)' },
      DbName: { value: db.databaseName, description: 'Database created on the primary and replicated' },
      BastionInstanceId: { value: this.bastion.instance.instanceId, description: 'SSM-managed bastion for port forwarding' },
    };
    for (const key of LAB02_OUTPUT_KEYS) {
      const output = values[key];
      if (output) new CfnOutput(this, key, output);
    }
  }
}

export function addLab02Stack(app: App, options: VariantOptions): ReadReplicasStack {
  return new ReadReplicasStack(app, LAB02_STACK_NAME, {
    stackName: LAB02_STACK_NAME,
    env: labEnvironment(),
    replication: options.solution ? solutionConfig : learnerConfig,
  });
}

export const lab02Stack: LabStackEntry<ReadReplicasStack> = { lab: lab02, add: addLab02Stack };
