/**
 * The base of a lab stack: the lab's tags on the stack and on every resource,
 * DESTROY everywhere, and Availability Zones that CloudFormation picks at
 * deploy time. (Lab 5's stack predates this class and does the same by hand.)
 */
import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { LAB_AZ_COUNT, labAvailabilityZone } from './lab-azs.js';
import { applyLabDefaults, labTags } from './secure-defaults.js';

export interface LabStackProps extends StackProps {
  /** The lab's number, e.g. 1 for "01" in tags. */
  readonly labId: number;
}

/** How many AZs a lab VPC spans (LabNetwork's default). */
export { LAB_AZ_COUNT };

export class LabStack extends Stack {
  readonly labId: number;

  constructor(scope: Construct, id: string, props: LabStackProps) {
    const { labId, ...stackProps } = props;
    super(scope, id, {
      ...stackProps,
      // Stack tags too: CloudFormation copies them onto what CDK cannot tag
      // (launch template, root volume, network interfaces).
      tags: { ...labTags(labId), ...stackProps.tags },
    });
    this.labId = labId;
    applyLabDefaults(this, labId);
  }

  /**
   * The AZs are chosen by CloudFormation at deploy time (Fn::GetAZs), so a
   * stack with an explicit account and region needs no AZ lookup at synth
   * (works offline, no cdk.context.json) and no AZ name is hard-coded;
   * `-c azs=a,b` names them instead (stacks/shared/lab-azs.ts).
   */
  override get availabilityZones(): string[] {
    return Array.from({ length: LAB_AZ_COUNT }, (_, i) => this.availabilityZone(i));
  }

  /** The i-th AZ of the lab VPC (wrapping around): a deploy-time token, or the name `-c azs` gave. */
  availabilityZone(index: number): string {
    return labAvailabilityZone(this, index);
  }
}
