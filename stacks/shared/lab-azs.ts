/**
 * The two Availability Zones of a lab VPC. By default CloudFormation picks
 * them at deploy time (the first two of Fn::GetAZs), which needs no lookup at
 * synth and names no zone. In an account where one of those zones does not
 * offer the bastion's instance type or the database class, the learner names
 * two zones instead: `cdk deploy -c azs=eu-west-1a,eu-west-1c`, or
 * `npm run deploy 5 -- --azs eu-west-1a,eu-west-1c` (`npm run doctor` suggests the value).
 */
import { Fn } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

export const AZS_CONTEXT_KEY = 'azs';
export const LAB_AZ_COUNT = 2;
const AZ_NAME = /^[a-z]{2}(-gov)?-[a-z]+-\d[a-z]$/;

export class InvalidAzsContext extends Error {
  constructor(value: string) {
    super(
      `Invalid CDK context azs="${value}": give exactly ${LAB_AZ_COUNT} different Availability Zone names of one region, comma-separated ` +
        '(for example -c azs=eu-west-1a,eu-west-1c); `npm run doctor` lists the zones that fit.',
    );
    this.name = 'InvalidAzsContext';
  }
}

/** The zones named by `-c azs=...`, validated, or undefined when the context is not set. */
export function contextAzs(scope: Construct): string[] | undefined {
  const raw: unknown = scope.node.tryGetContext(AZS_CONTEXT_KEY);
  if (raw === undefined || raw === '') return undefined;
  const text = Array.isArray(raw) ? raw.join(',') : String(raw);
  const names = text
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  const region = (n: string) => n.slice(0, -1);
  if (
    names.length !== LAB_AZ_COUNT ||
    new Set(names).size !== LAB_AZ_COUNT ||
    !names.every((n) => AZ_NAME.test(n)) ||
    region(names[0]!) !== region(names[1]!)
  ) {
    throw new InvalidAzsContext(text);
  }
  return names;
}

/** The i-th zone of the lab VPC (wrapping around): the context's name, or a deploy-time Fn::Select over Fn::GetAZs. */
export function labAvailabilityZone(scope: Construct, index: number): string {
  const i = ((index % LAB_AZ_COUNT) + LAB_AZ_COUNT) % LAB_AZ_COUNT;
  return contextAzs(scope)?.[i] ?? Fn.select(i, Fn.getAzs());
}
