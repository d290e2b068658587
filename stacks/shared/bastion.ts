/**
 * A tiny SSM-managed instance that learners tunnel through to reach the data
 * tier (`aws ssm start-session` port forwarding). No SSH key, no inbound rule.
 */
import { Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';

export interface LabBastionProps {
  readonly vpc: ec2.IVpc;
}

export class LabBastion extends Construct {
  readonly instance: ec2.Instance;
  readonly securityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: LabBastionProps) {
    super(scope, id);

    // Egress is opened per destination by the data-tier constructs
    // (connections.allowFrom); here only HTTPS for the SSM agent and dnf.
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Lab bastion: no inbound; HTTPS out for SSM, data-tier ports out',
      allowAllOutbound: false,
    });
    this.securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.HTTPS, 'SSM agent and package repositories');

    // Trade-off: a public subnet and a public IPv4 address (about $0.005/h) let
    // the SSM agent reach the SSM endpoints without a NAT gateway ($0.045/h)
    // or three interface endpoints ($0.01/h each, per AZ). Nothing can connect
    // in: the security group has no inbound rule and there is no SSH key, so
    // the only way in is an IAM-authorised, CloudTrail-logged SSM session.
    this.instance = new ec2.Instance(this, 'Instance', {
      vpc: props.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      associatePublicIpAddress: true,
      securityGroup: this.securityGroup,
      instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.NANO),
      // Resolved at deploy time from the public SSM parameter: no AMI id in
      // the code and no lookup at synth.
      machineImage: ec2.MachineImage.latestAmazonLinux2023({ cpuType: ec2.AmazonLinuxCpuType.ARM_64 }),
      // Standard credits: a runaway process is throttled instead of billed.
      creditSpecification: ec2.CpuCredits.STANDARD,
      requireImdsv2: true,
      ssmSessionPermissions: true,
      propagateTagsToVolumeOnCreation: true,
      blockDevices: [
        {
          deviceName: '/dev/xvda',
          volume: ec2.BlockDeviceVolume.ebs(8, {
            encrypted: true,
            volumeType: ec2.EbsDeviceVolumeType.GP3,
            deleteOnTermination: true,
          }),
        },
      ],
    });

    Validations.of(this.instance).acknowledge(
      {
        id: 'AwsSolutions-EC28',
        reason: 'Detailed monitoring is billed per metric; a lab bastion that only forwards ports needs the free 5-minute metrics.',
      },
      {
        id: 'AwsSolutions-EC29',
        reason: 'The bastion is disposable: termination protection would make cdk destroy fail and leave a billable instance behind.',
      },
    );
    Validations.of(this.instance.role).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore]',
      reason: 'AmazonSSMManagedInstanceCore is the AWS-maintained minimum for Session Manager; a copy of it would only drift.',
    });
  }
}
