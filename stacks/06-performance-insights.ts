/**
 * Lab 6: RDS for MySQL on the smallest class with Performance Insights, and
 * what the learner switches on to observe it: Performance Insights with
 * Database Insights Standard, Enhanced Monitoring and CloudWatch alarms on
 * CPU and connections, next to a dashboard. Reachable only through an
 * SSM-managed bastion.
 */
import { type App, CfnOutput, Duration, type StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import type { Construct } from 'constructs';
import { lab06 } from '../labs/06-performance-insights/lab.js';
import { stackConfig as learnerConfig } from '../labs/06-performance-insights/stack-config.js';
import { stackConfig as solutionConfig } from '../solutions/06-performance-insights/stack-config.js';
import { LabBastion } from './shared/bastion.js';
import { instanceTypeName } from './shared/engine-pins.js';
import { type LabStackEntry, labEnvironment, outputKeys, rdsRequirement, type VariantOptions } from './shared/lab-entry.js';
import { LabStack } from './shared/lab-stack.js';
import { LabMysql } from './shared/mysql.js';
import { LabNetwork } from './shared/network.js';
import { type InsightsAlarmsConfig, type InsightsConfig, insightsSettings } from './shared/performance-insights.js';

export const LAB06_ID = lab06.id;
export const LAB06_STACK_NAME = lab06.stack.name;
export const LAB06_DATABASE_NAME = 'labdb';
/** The smallest class with Performance Insights (micro and small have none): 2 vCPUs, 4 GiB; lab06.requires names it. */
export const LAB06_INSTANCE_TYPE = new ec2.InstanceType(instanceTypeName(rdsRequirement(lab06).instanceClass));
/** The vCPU line on the database-load graph: load above it means sessions wait for CPU. */
export const LAB06_VCPUS = 2;
/** Seven days is the free tier of Performance Insights; Advanced mode would need 15 months. */
export const LAB06_PI_RETENTION = rds.PerformanceInsightRetention.DEFAULT;
export const LAB06_DATABASE_INSIGHTS_MODE = rds.DatabaseInsightsMode.STANDARD;
export const LAB06_DASHBOARD_NAME = `${LAB06_STACK_NAME}-Insights`;
export const LAB06_CPU_ALARM_NAME = `${LAB06_STACK_NAME}-HighCpu`;
export const LAB06_CONNECTIONS_ALARM_NAME = `${LAB06_STACK_NAME}-HighConnections`;
/** RDS publishes its CloudWatch metrics every minute. */
export const LAB06_METRIC_PERIOD = Duration.minutes(1);
/** An alarm fires after this many consecutive breaching minutes: a spike of one minute is not a trend. */
export const LAB06_ALARM_MINUTES = 3;

/** The CloudFormation output keys the checker reads: labs/06-performance-insights/lab.ts `stack.outputs`. */
export const LAB06_OUTPUT_KEYS = outputKeys(lab06.stack);
export type Lab06OutputKey = (typeof LAB06_OUTPUT_KEYS)[number];

export interface PerformanceInsightsStackProps extends StackProps {
  /** Performance Insights, Enhanced Monitoring and alarms: the learner's part. */
  readonly insights: InsightsConfig;
}

export class PerformanceInsightsStack extends LabStack {
  readonly network: LabNetwork;
  readonly bastion: LabBastion;
  readonly database: LabMysql;
  readonly dashboard: cloudwatch.Dashboard;
  readonly cpuAlarm?: cloudwatch.Alarm;
  readonly connectionsAlarm?: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: PerformanceInsightsStackProps) {
    // Reject an impossible config before creating anything.
    const insights = insightsSettings(props.insights);
    const { insights: _insights, ...stackProps } = props;
    super(scope, id, {
      description: 'Data Tier Labs, lab 6: RDS for MySQL with Performance Insights, Database Insights and alarms',
      ...stackProps,
      labId: LAB06_ID,
    });

    this.network = new LabNetwork(this, 'Network');
    const { vpc } = this.network;

    this.bastion = new LabBastion(this, 'Bastion', { vpc });

    this.database = new LabMysql(this, 'Database', {
      vpc,
      subnets: this.network.dataSubnets,
      databaseName: LAB06_DATABASE_NAME,
      requires: rdsRequirement(lab06),
      multiAz: false,
      singleAzReason:
        'Single-AZ on purpose: this lab reads database load, and a Multi-AZ standby would double the price of a medium instance without adding a signal.',
      performanceInsights: insights.performanceInsights ? { retention: LAB06_PI_RETENTION, databaseInsightsMode: LAB06_DATABASE_INSIGHTS_MODE } : undefined,
      monitoringInterval: insights.enhancedMonitoringSeconds > 0 ? Duration.seconds(insights.enhancedMonitoringSeconds) : undefined,
      // RDS creates, rotates and deletes the secret with the instance.
      manageMasterUserPassword: true,
    });
    this.database.allowFrom(this.bastion.securityGroup, 'MySQL from the lab bastion');

    if (insights.alarms) {
      ({ cpu: this.cpuAlarm, connections: this.connectionsAlarm } = this.addAlarms(insights.alarms));
    }
    this.dashboard = this.insightsDashboard();
    this.addOutputs();
  }

  private addAlarms(thresholds: InsightsAlarmsConfig): { cpu: cloudwatch.Alarm; connections: cloudwatch.Alarm } {
    const { instance } = this.database;
    const period = LAB06_METRIC_PERIOD;
    // No alarm action: the state shows on the dashboard and in the console,
    // and a notification would need an address the stack does not know.
    const common = {
      evaluationPeriods: LAB06_ALARM_MINUTES,
      datapointsToAlarm: LAB06_ALARM_MINUTES,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // A stopped or still-creating instance sends nothing; that is not an emergency.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    };
    const cpu = new cloudwatch.Alarm(this, 'CpuAlarm', {
      ...common,
      alarmName: LAB06_CPU_ALARM_NAME,
      alarmDescription: `Lab 6: CPU of the lab database at or above ${thresholds.cpuPercent}% for ${LAB06_ALARM_MINUTES} minutes`,
      metric: instance.metricCPUUtilization({ period, statistic: cloudwatch.Stats.AVERAGE }),
      threshold: thresholds.cpuPercent,
    });
    const connections = new cloudwatch.Alarm(this, 'ConnectionsAlarm', {
      ...common,
      alarmName: LAB06_CONNECTIONS_ALARM_NAME,
      alarmDescription: `Lab 6: ${thresholds.connections} or more connections to the lab database for ${LAB06_ALARM_MINUTES} minutes`,
      metric: instance.metricDatabaseConnections({ period, statistic: cloudwatch.Stats.MAXIMUM }),
      threshold: thresholds.connections,
    });
    return { cpu, connections };
  }

  private insightsDashboard(): cloudwatch.Dashboard {
    const { instance } = this.database;
    const period = LAB06_METRIC_PERIOD;
    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: LAB06_DASHBOARD_NAME,
      defaultInterval: Duration.hours(1),
    });
    // DBLoad and its CPU / non-CPU split are published by Performance
    // Insights: the graph stays empty while it is off.
    const load = (name: string, label: string) => instance.metric(name, { period, statistic: cloudwatch.Stats.AVERAGE, label });
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Database load (average active sessions) against the vCPUs',
        left: [load('DBLoad', 'DBLoad'), load('DBLoadCPU', 'on CPU'), load('DBLoadNonCPU', 'waiting (non-CPU)')],
        leftAnnotations: [{ value: LAB06_VCPUS, label: `${LAB06_VCPUS} vCPUs`, color: cloudwatch.Color.RED }],
        leftYAxis: { min: 0 },
        width: 24,
      }),
    );
    const cpuMetric = instance.metricCPUUtilization({ period, statistic: cloudwatch.Stats.AVERAGE, label: 'CPUUtilization' });
    const connectionsMetric = instance.metricDatabaseConnections({ period, statistic: cloudwatch.Stats.MAXIMUM, label: 'DatabaseConnections' });
    dashboard.addWidgets(
      this.cpuAlarm
        ? new cloudwatch.AlarmWidget({ title: 'CPU (alarm)', alarm: this.cpuAlarm, leftYAxis: { min: 0, max: 100 }, width: 12 })
        : new cloudwatch.GraphWidget({ title: 'CPU (no alarm yet)', left: [cpuMetric], leftYAxis: { min: 0, max: 100 }, width: 12 }),
      this.connectionsAlarm
        ? new cloudwatch.AlarmWidget({ title: 'Connections (alarm)', alarm: this.connectionsAlarm, leftYAxis: { min: 0 }, width: 12 })
        : new cloudwatch.GraphWidget({ title: 'Connections (no alarm yet)', left: [connectionsMetric], leftYAxis: { min: 0 }, width: 12 }),
    );
    return dashboard;
  }

  private addOutputs(): void {
    const { instance, secret } = this.database;
    const values: Record<Lab06OutputKey, { value: string; description: string }> = {
      InstanceId: { value: instance.instanceIdentifier, description: 'RDS DB instance identifier' },
      DbEndpoint: { value: instance.dbInstanceEndpointAddress, description: 'MySQL endpoint (TLS required)' },
      DbiResourceId: { value: instance.instanceResourceId!, description: 'DbiResourceId: the identifier the Performance Insights API takes' },
      DbPort: { value: instance.dbInstanceEndpointPort, description: 'MySQL port' },
      DbSecretArn: { value: secret.secretArn, description: 'RDS-managed secret with the master username and password' },
      DbName: { value: this.database.databaseName, description: 'Database created on the instance' },
      DashboardName: { value: this.dashboard.dashboardName, description: 'CloudWatch dashboard: database load, CPU and connections' },
      BastionInstanceId: { value: this.bastion.instance.instanceId, description: 'SSM-managed bastion for port forwarding' },
    };
    for (const key of LAB06_OUTPUT_KEYS) {
      new CfnOutput(this, key, values[key]);
    }
  }
}

export function addLab06Stack(app: App, options: VariantOptions): PerformanceInsightsStack {
  return new PerformanceInsightsStack(app, LAB06_STACK_NAME, {
    stackName: LAB06_STACK_NAME,
    env: labEnvironment(),
    insights: options.solution ? solutionConfig : learnerConfig,
  });
}

export const lab06Stack: LabStackEntry<PerformanceInsightsStack> = { lab: lab06, add: addLab06Stack };
