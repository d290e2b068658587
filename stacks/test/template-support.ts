/**
 * Template helpers the Lab 3, 4 and 6 stack tests share: logical ids of
 * constructs, every ingress rule wherever CDK renders it, one resource of a
 * type, and the checks every lab stack must pass (network, ingress, removal,
 * tags), written once.
 */
import { App, CfnResource, type Stack, TagManager } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { expect } from 'vitest';
import { LAB_TAG_KEY, MANAGED_TAG_KEY, labTagValue } from '../shared/secure-defaults.js';
import { cdkJsonContext, type CfnResources, renderedTags, resourcesOfType } from './support.js';

export const AZ = (i: number) => ({ 'Fn::Select': [i, { 'Fn::GetAZs': '' }] });

/** A plugin-free app with the CLI's feature flags (Template.fromStack would run cdk-nag); validation has its own tests. */
export function templateApp(): App {
  return new App({ context: cdkJsonContext(), builtinCloudFormationValidation: false });
}

export function logicalIdOf(stack: Stack, construct: IConstruct): string {
  const cfn = CfnResource.isCfnResource(construct) ? construct : (construct.node.defaultChild as CfnResource);
  return stack.getLogicalId(cfn);
}

export function groupIdOf(stack: Stack, construct: IConstruct): { 'Fn::GetAtt': [string, string] } {
  return { 'Fn::GetAtt': [logicalIdOf(stack, construct), 'GroupId'] };
}

export function onlyResource(template: Template, type: string): CfnResources[string] {
  const found = Object.values(resourcesOfType(template, type));
  expect(found, type).toHaveLength(1);
  return found[0]!;
}

export interface IngressRule {
  groupId: unknown;
  protocol: unknown;
  fromPort?: number;
  toPort?: number;
  cidrIp?: string;
  cidrIpv6?: string;
  sourceSecurityGroupId?: unknown;
}

/** Every ingress rule, whether inline on a group or a separate resource. */
export function ingressRules(template: Template): IngressRule[] {
  const toRule = (p: Record<string, unknown>): IngressRule => ({
    groupId: p.GroupId,
    protocol: p.IpProtocol,
    fromPort: p.FromPort as number | undefined,
    toPort: p.ToPort as number | undefined,
    cidrIp: p.CidrIp as string | undefined,
    cidrIpv6: p.CidrIpv6 as string | undefined,
    sourceSecurityGroupId: p.SourceSecurityGroupId,
  });
  const rules: IngressRule[] = [];
  for (const [logicalId, group] of Object.entries(resourcesOfType(template, 'AWS::EC2::SecurityGroup'))) {
    for (const r of (group.Properties?.SecurityGroupIngress as Record<string, unknown>[] | undefined) ?? []) {
      rules.push(toRule({ ...r, GroupId: { 'Fn::GetAtt': [logicalId, 'GroupId'] } }));
    }
  }
  for (const ingress of Object.values(resourcesOfType(template, 'AWS::EC2::SecurityGroupIngress'))) {
    rules.push(toRule(ingress.Properties ?? {}));
  }
  return rules;
}

/** Two AZs picked at deploy time, four subnets, no NAT gateway or Elastic IP, no AZ name in the template. */
export function expectCheapNetwork(template: Template): void {
  template.resourceCountIs('AWS::EC2::NatGateway', 0);
  template.resourceCountIs('AWS::EC2::EIP', 0);
  template.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
  const subnets = Object.values(resourcesOfType(template, 'AWS::EC2::Subnet'));
  expect(subnets).toHaveLength(4);
  for (const subnet of subnets) {
    expect(subnet.Properties?.AvailabilityZone).toEqual({ 'Fn::Select': [expect.any(Number), { 'Fn::GetAZs': '' }] });
  }
  expect(JSON.stringify(template.toJSON())).not.toMatch(/\b[a-z]{2}(-gov)?-[a-z]+-\d[a-z]\b/);
}

/**
 * Exactly one ingress rule in the whole stack: 3306 into the database group
 * from the bastion group. Nothing from 0.0.0.0/0 or ::/0, nothing into the
 * bastion.
 */
export function expectOnlyBastionToMysql(template: Template, dbGroup: unknown, bastionGroup: unknown): void {
  const rules = ingressRules(template);
  for (const rule of rules) {
    expect(rule.cidrIp).not.toBe('0.0.0.0/0');
    expect(rule.cidrIpv6).not.toBe('::/0');
  }
  expect(rules).toEqual([expect.objectContaining({ groupId: dbGroup, sourceSecurityGroupId: bastionGroup, protocol: 'tcp', fromPort: 3306, toPort: 3306 })]);
}

/** DeletionPolicy and UpdateReplacePolicy Delete on every resource. */
export function expectNothingRetained(template: Template): void {
  for (const [id, resource] of Object.entries(template.toJSON().Resources as Record<string, Record<string, unknown>>)) {
    if (resource.Type === 'AWS::CDK::Metadata') continue;
    expect.soft(resource.DeletionPolicy, id).toBe('Delete');
    expect.soft(resource.UpdateReplacePolicy, id).toBe('Delete');
  }
}

/** The lab's tags on the stack and on every taggable resource, rendered on the given types. */
export function expectLabTags(stack: Stack, template: Template, labId: number, renderedOn: readonly string[]): void {
  const labTags = { [LAB_TAG_KEY]: labTagValue(labId), [MANAGED_TAG_KEY]: 'true' };
  expect(stack.tags.tagValues()).toMatchObject(labTags);
  let taggable = 0;
  for (const construct of stack.node.findAll()) {
    if (!CfnResource.isCfnResource(construct)) continue;
    const tags = TagManager.of(construct);
    if (!tags) continue;
    taggable++;
    expect.soft(tags.tagValues(), construct.node.path).toMatchObject(labTags);
  }
  expect(taggable).toBeGreaterThanOrEqual(15);
  for (const type of renderedOn) {
    const resources = Object.values(resourcesOfType(template, type));
    expect(resources.length, type).toBeGreaterThan(0);
    for (const resource of resources) expect.soft(renderedTags(resource.Properties), type).toMatchObject(labTags);
  }
}
