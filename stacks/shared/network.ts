/**
 * The lab VPC: public subnets for the bastion, isolated subnets for the data
 * tier, two AZs, no NAT gateway (the most common surprise on a lab bill).
 */
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { LAB_LOG_RETENTION, LAB_REMOVAL_POLICY } from './secure-defaults.js';

export interface LabNetworkProps {
  /** @default 2 (the minimum for Multi-AZ RDS and ElastiCache subnet groups) */
  readonly maxAzs?: number;
}

export class LabNetwork extends Construct {
  readonly vpc: ec2.Vpc;
  readonly flowLogGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: LabNetworkProps = {}) {
    super(scope, id);

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: props.maxAzs ?? 2,
      natGateways: 0,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
      ],
      // Restricting the default security group needs a Lambda-backed custom
      // resource whose log group outlives the stack. Nothing in the lab uses
      // the default group (every resource gets its own), so it is left as is.
      restrictDefaultSecurityGroup: false,
    });

    this.flowLogGroup = new logs.LogGroup(this, 'FlowLogs', {
      retention: LAB_LOG_RETENTION,
      removalPolicy: LAB_REMOVAL_POLICY,
    });
    // Rejected flows are the ones that explain a connection that hangs, and
    // they are a small fraction of the volume (flow log ingestion is billed).
    this.vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(this.flowLogGroup),
      trafficType: ec2.FlowLogTrafficType.REJECT,
    });
  }

  /** Subnets for databases and caches: no route to or from the internet. */
  get dataSubnets(): ec2.SubnetSelection {
    return { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
  }
}
