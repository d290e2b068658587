/**
 * `-c azs=a,b` (what `npm run deploy N -- --azs a,b` passes) names the lab
 * VPC's two zones instead of Fn::GetAZs' first two, for accounts where one of
 * those does not offer the bastion's instance type or the database class.
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { LAB_STACKS } from '../lab-app.js';
import { describe, expect, it } from 'vitest';
import { addLab02Stack } from '../02-read-replicas.js';
import { addLab05Stack } from '../05-elasticache-redis.js';
import { AZS_CONTEXT_KEY, InvalidAzsContext } from '../shared/lab-azs.js';
import { NAMED_AZS, SHARED_SYNTH_TIMEOUT_MS, sharedAssembly } from './shared-synth.js';
import { cdkJsonContext, resourcesOfType, SYNTH_TIMEOUT_MS } from './support.js';

const appWith = (azs?: string) =>
  new App({ context: { ...cdkJsonContext(), ...(azs === undefined ? {} : { [AZS_CONTEXT_KEY]: azs }) }, builtinCloudFormationValidation: false });

const subnetZones = (template: Template) => Object.values(resourcesOfType(template, 'AWS::EC2::Subnet')).map((s) => s.Properties?.AvailabilityZone);

describe('the azs context', () => {
  it(
    'puts every subnet of the Lab 5 VPC in the two named zones',
    () => {
      const template = Template.fromStack(addLab05Stack(appWith('eu-west-1a,eu-west-1c'), { solution: true }));
      expect(subnetZones(template).sort()).toEqual(['eu-west-1a', 'eu-west-1a', 'eu-west-1c', 'eu-west-1c']);
    },
    SYNTH_TIMEOUT_MS,
  );

  it(
    'places Lab 2 primary and replicas in the named zones too',
    () => {
      const template = Template.fromStack(addLab02Stack(appWith('us-east-1b,us-east-1d'), { solution: true }));
      const zones = Object.values(resourcesOfType(template, 'AWS::RDS::DBInstance')).map((r) => r.Properties?.AvailabilityZone);
      expect(zones.length).toBeGreaterThan(1);
      for (const zone of zones) expect(['us-east-1b', 'us-east-1d']).toContain(zone);
      expect(subnetZones(template).sort()).toEqual(['us-east-1b', 'us-east-1b', 'us-east-1d', 'us-east-1d']);
    },
    SYNTH_TIMEOUT_MS,
  );

  it(
    'without it, the zones stay deploy-time Fn::GetAZs picks',
    () => {
      const template = Template.fromStack(addLab05Stack(appWith(), { solution: false }));
      for (const zone of subnetZones(template)) expect(zone).toEqual({ 'Fn::Select': [expect.any(Number), { 'Fn::GetAZs': '' }] });
    },
    SYNTH_TIMEOUT_MS,
  );

  it.each(['eu-west-1a', 'eu-west-1a,eu-west-1a', 'eu-west-1a,us-east-1b', 'eu-west-1a,eu-west-1c,eu-west-1b', 'zone-a,zone-b'])(
    'refuses %s at synth with the expected form',
    (azs) => {
      expect(() => addLab05Stack(appWith(azs), { solution: false })).toThrow(InvalidAzsContext);
      expect(() => addLab05Stack(appWith(azs), { solution: false })).toThrow(/exactly 2 different Availability Zone names of one region/);
    },
  );
});

describe("the doctor's bastion type", () => {
  it(
    'is the instance type the stacks give the bastion',
    async () => {
      const { BASTION_INSTANCE_TYPE } = await import('../../checker/ops/doctor-checks.js');
      const template = Template.fromStack(addLab05Stack(appWith(), { solution: false }));
      const instances = Object.values(resourcesOfType(template, 'AWS::EC2::Instance'));
      expect(instances.map((i) => i.Properties?.InstanceType)).toEqual([BASTION_INSTANCE_TYPE]);
    },
    SYNTH_TIMEOUT_MS,
  );
});

describe('every stack with named zones, as `cdk deploy -c azs=...` builds it', () => {
  it(
    'synthesises with no validation warning or error and no unacknowledged cdk-nag finding',
    async () => {
      for (const solution of [false, true]) {
        // Every stack with -c azs=..., cdk-nag and CloudFormation validation on, synthesised once per run (shared-synth.ts).
        const assembly = await sharedAssembly(solution ? 'app-azs-solution' : 'app-azs-learner');
        const problems = assembly.stacks.flatMap((s) =>
          s.messages.filter((m) => m.level === 'warning' || m.level === 'error').map((m) => `${s.stackName}: ${String(m.entry.data)}`),
        );
        expect(problems, solution ? 'solution' : 'learner').toEqual([]);
        expect(assembly.stacks).toHaveLength(Object.keys(LAB_STACKS).length);
        const zones = assembly.stacks.flatMap((s) => subnetZones(Template.fromJSON(s.template as Record<string, unknown>)));
        expect(new Set(zones)).toEqual(new Set(NAMED_AZS.split(',')));
      }
    },
    SHARED_SYNTH_TIMEOUT_MS,
  );
});
