/**
 * Lab 3: an Aurora MySQL cluster with a provisioned writer and, once the
 * learner adds them, readers in the other AZs, reachable only through an
 * SSM-managed bastion.
 */
import { type App, CfnOutput, Duration, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { lab03 } from '../labs/03-aurora-cluster/lab.js';
import { stackConfig as learnerConfig } from '../labs/03-aurora-cluster/stack-config.js';
import { stackConfig as solutionConfig } from '../solutions/03-aurora-cluster/stack-config.js';
import { LabAuroraCluster } from './shared/aurora.js';
import { type LabStackEntry, labEnvironment, outputKeys, rdsRequirement, type VariantOptions } from './shared/lab-entry.js';
import { type AuroraReadersConfig, auroraReaderCount } from './shared/aurora-config.js';
import { LabBastion } from './shared/bastion.js';
import { LabStack } from './shared/lab-stack.js';
import { LabNetwork } from './shared/network.js';

export const LAB03_ID = lab03.id;
export const LAB03_STACK_NAME = lab03.stack.name;
export const LAB03_DATABASE_NAME = 'labdb';
/** A week of point-in-time recovery. Aurora backup storage up to the size of the cluster volume is free. */
export const LAB03_BACKUP_RETENTION = Duration.days(7);

/** The CloudFormation output keys the checker reads: labs/03-aurora-cluster/lab.ts `stack.outputs`. */
export const LAB03_OUTPUT_KEYS = outputKeys(lab03.stack);
export type Lab03OutputKey = (typeof LAB03_OUTPUT_KEYS)[number];

export interface AuroraClusterStackProps extends StackProps {
  /** How many readers: the learner's part. */
  readonly cluster: AuroraReadersConfig;
}

export class AuroraClusterStack extends LabStack {
  readonly network: LabNetwork;
  readonly bastion: LabBastion;
  readonly database: LabAuroraCluster;

  constructor(scope: Construct, id: string, props: AuroraClusterStackProps) {
    // Reject an impossible config before creating anything.
    const readers = auroraReaderCount(props.cluster);
    const { cluster: _cluster, ...stackProps } = props;
    super(scope, id, {
      description: 'Data Tier Labs, lab 3: Aurora MySQL cluster, a writer and its readers',
      ...stackProps,
      labId: LAB03_ID,
    });

    this.network = new LabNetwork(this, 'Network');
    const { vpc } = this.network;

    this.bastion = new LabBastion(this, 'Bastion', { vpc });

    // The writer starts in the first AZ and the readers alternate from the
    // second, so with one reader or more the cluster has compute in both AZs
    // and a failover can move the writer to the other one.
    this.database = new LabAuroraCluster(this, 'Database', {
      vpc,
      subnets: this.network.dataSubnets,
      databaseName: LAB03_DATABASE_NAME,
      backupRetention: LAB03_BACKUP_RETENTION,
      requires: rdsRequirement(lab03),
      instances: {
        kind: 'provisioned',
        writerAvailabilityZone: this.availabilityZone(0),
        readerAvailabilityZones: Array.from({ length: readers }, (_, i) => this.availabilityZone(i + 1)),
      },
    });
    this.database.allowFrom(this.bastion.securityGroup, 'MySQL from the lab bastion (writer and readers)');

    this.addOutputs();
  }

  private addOutputs(): void {
    const { cluster, secret } = this.database;
    const values: Record<Lab03OutputKey, { value: string; description: string }> = {
      ClusterId: { value: cluster.clusterIdentifier, description: 'Aurora DB cluster identifier' },
      ClusterEndpoint: {
        value: cluster.clusterEndpoint.hostname,
        description: 'Cluster (writer) endpoint: follows the writer after a failover (TLS required)',
      },
      ReaderEndpoint: {
        value: cluster.clusterReadEndpoint.hostname,
        description: 'Reader endpoint: spreads connections over the readers, or the writer while there is none',
      },
      DbPort: { value: cluster.clusterEndpoint.port.toString(), description: 'MySQL port of every endpoint' },
      DbSecretArn: { value: secret.secretArn, description: 'RDS-managed secret with the master username and password' },
      DbName: { value: this.database.databaseName, description: 'Database created in the cluster' },
      BastionInstanceId: { value: this.bastion.instance.instanceId, description: 'SSM-managed bastion for port forwarding' },
    };
    for (const key of LAB03_OUTPUT_KEYS) {
      new CfnOutput(this, key, values[key]);
    }
  }
}

export function addLab03Stack(app: App, options: VariantOptions): AuroraClusterStack {
  return new AuroraClusterStack(app, LAB03_STACK_NAME, {
    stackName: LAB03_STACK_NAME,
    env: labEnvironment(),
    cluster: options.solution ? solutionConfig : learnerConfig,
  });
}

export const lab03Stack: LabStackEntry<AuroraClusterStack> = { lab: lab03, add: addLab03Stack };
