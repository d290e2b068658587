/**
 * Lab 4: an Aurora MySQL cluster whose writer is Aurora Serverless v2,
 * scaling from 0 ACUs (paused) up to the maximum the learner sets, with a
 * CloudWatch dashboard of its capacity, reachable only through an
 * SSM-managed bastion.
 */
import { type App, CfnOutput, Duration, type StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { lab04 } from '../labs/04-aurora-serverless/lab.js';
import { stackConfig as learnerConfig } from '../labs/04-aurora-serverless/stack-config.js';
import { stackConfig as solutionConfig } from '../solutions/04-aurora-serverless/stack-config.js';
import { LabAuroraCluster } from './shared/aurora.js';
import { type LabStackEntry, labEnvironment, outputKeys, rdsRequirement, type VariantOptions } from './shared/lab-entry.js';
import { serverlessCapacity, type ServerlessCapacityConfig } from './shared/aurora-config.js';
import { LabBastion } from './shared/bastion.js';
import { LabStack } from './shared/lab-stack.js';
import { LabNetwork } from './shared/network.js';

export const LAB04_ID = lab04.id;
export const LAB04_STACK_NAME = lab04.stack.name;
export const LAB04_DATABASE_NAME = 'labdb';
/** Named after the stack (unique per account and region) so the learner finds it in the console. */
export const LAB04_DASHBOARD_NAME = `${LAB04_STACK_NAME}-Capacity`;
/** The finest period the Aurora capacity metrics have. */
export const LAB04_METRIC_PERIOD = Duration.minutes(1);

/** The CloudFormation output keys the checker reads: labs/04-aurora-serverless/lab.ts `stack.outputs`. */
export const LAB04_OUTPUT_KEYS = outputKeys(lab04.stack);
export type Lab04OutputKey = (typeof LAB04_OUTPUT_KEYS)[number];

export interface AuroraServerlessStackProps extends StackProps {
  /** The capacity range and auto-pause: the learner's part. */
  readonly capacity: ServerlessCapacityConfig;
}

export class AuroraServerlessStack extends LabStack {
  readonly network: LabNetwork;
  readonly bastion: LabBastion;
  readonly database: LabAuroraCluster;
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: AuroraServerlessStackProps) {
    // Reject an impossible range (or 0 ACUs on an engine too old to pause)
    // before creating anything.
    const capacity = serverlessCapacity(props.capacity, rdsRequirement(lab04).engineVersion);
    const { capacity: _capacity, ...stackProps } = props;
    super(scope, id, {
      description: 'Data Tier Labs, lab 4: Aurora Serverless v2 (MySQL) with auto-pause and a capacity dashboard',
      ...stackProps,
      labId: LAB04_ID,
    });

    this.network = new LabNetwork(this, 'Network');
    const { vpc } = this.network;

    this.bastion = new LabBastion(this, 'Bastion', { vpc });

    this.database = new LabAuroraCluster(this, 'Database', {
      vpc,
      subnets: this.network.dataSubnets,
      databaseName: LAB04_DATABASE_NAME,
      requires: rdsRequirement(lab04),
      instances: { kind: 'serverless', capacity },
    });
    this.database.allowFrom(this.bastion.securityGroup, 'MySQL from the lab bastion');

    this.dashboard = this.capacityDashboard();
    this.addOutputs();
  }

  private capacityDashboard(): cloudwatch.Dashboard {
    const { cluster } = this.database;
    const period = LAB04_METRIC_PERIOD;
    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: LAB04_DASHBOARD_NAME,
      defaultInterval: Duration.hours(1),
    });
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Capacity (ACUs): 0 while paused',
        left: [cluster.metricServerlessDatabaseCapacity({ period, statistic: cloudwatch.Stats.MAXIMUM, label: 'ServerlessDatabaseCapacity' })],
        leftYAxis: { min: 0, label: 'ACU' },
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'ACU utilisation (% of the maximum)',
        left: [cluster.metricACUUtilization({ period, statistic: cloudwatch.Stats.MAXIMUM, label: 'ACUUtilization' })],
        leftYAxis: { min: 0, max: 100, label: '%' },
        width: 12,
      }),
    );
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Connections (the load you drive)',
        left: [cluster.metricDatabaseConnections({ period, statistic: cloudwatch.Stats.MAXIMUM, label: 'DatabaseConnections' })],
        leftYAxis: { min: 0 },
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'CPU',
        left: [cluster.metricCPUUtilization({ period, statistic: cloudwatch.Stats.AVERAGE, label: 'CPUUtilization' })],
        leftYAxis: { min: 0, max: 100, label: '%' },
        width: 12,
      }),
    );
    return dashboard;
  }

  private addOutputs(): void {
    const { cluster, secret } = this.database;
    const values: Record<Lab04OutputKey, { value: string; description: string }> = {
      ClusterId: { value: cluster.clusterIdentifier, description: 'Aurora DB cluster identifier' },
      ClusterEndpoint: {
        value: cluster.clusterEndpoint.hostname,
        description: 'Cluster (writer) endpoint; a first connection to a paused cluster waits while it resumes (TLS required)',
      },
      WriterInstanceId: { value: this.database.writerInstanceId, description: 'DB instance identifier of the Serverless v2 writer' },
      DbPort: { value: cluster.clusterEndpoint.port.toString(), description: 'MySQL port' },
      DbSecretArn: { value: secret.secretArn, description: 'RDS-managed secret with the master username and password' },
      DbName: { value: this.database.databaseName, description: 'Database created in the cluster' },
      DashboardName: { value: this.dashboard.dashboardName, description: 'CloudWatch dashboard of ServerlessDatabaseCapacity and ACUUtilization' },
      BastionInstanceId: { value: this.bastion.instance.instanceId, description: 'SSM-managed bastion for port forwarding' },
    };
    for (const key of LAB04_OUTPUT_KEYS) {
      new CfnOutput(this, key, values[key]);
    }
  }
}

export function addLab04Stack(app: App, options: VariantOptions): AuroraServerlessStack {
  return new AuroraServerlessStack(app, LAB04_STACK_NAME, {
    stackName: LAB04_STACK_NAME,
    env: labEnvironment(),
    capacity: options.solution ? solutionConfig : learnerConfig,
  });
}

export const lab04Stack: LabStackEntry<AuroraServerlessStack> = { lab: lab04, add: addLab04Stack };
