import 'aws-sdk-client-mock-vitest/extend';
import { CloudFormationClient, DescribeStacksCommand, type Stack } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { Chalk } from 'chalk';
import { beforeEach, describe, expect, it } from 'vitest';
import { labsStatusMain } from '../../cli/labs-status.js';
import { EnvironmentError, UsageError } from '../../core/errors.js';
import { labCost } from '../../cost/cost.js';
import { costSoFar, deployedLabs, labsStatus, labsStatusFrom, renderStatus } from '../../ops/deployed-labs.js';
import { KIT_LAB_TAG, KIT_MANAGED_TAG } from '../../ops/kit.js';
import { labs } from '../../../labs/index.js';
import { awsError, fakeOpsClients } from '../ops/helpers.js';

const cfn = mockClient(CloudFormationClient);
const lab05 = labs.find((l) => l.id === 5)!;
const perHour = labCost(lab05).usdPerHour;
const NOW = new Date('2026-11-20T15:00:00Z');
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000);

function stack(name: string, created: Date, extra: Partial<Stack> = {}): Stack {
  return { StackName: name, StackId: `arn:aws:cloudformation:us-east-1:1:stack/${name}/x`, StackStatus: 'CREATE_COMPLETE', CreationTime: created, ...extra };
}

beforeEach(() => cfn.reset());

describe('deployedLabs', () => {
  it('finds the lab stacks by name and by the kit tag, across pages, and ignores the rest', async () => {
    cfn
      .on(DescribeStacksCommand)
      .resolvesOnce({ Stacks: [stack('CDKToolkit', hoursAgo(500)), stack(lab05.stack!.name, hoursAgo(2))], NextToken: 'p2' })
      .resolvesOnce({
        Stacks: [
          stack('Renamed-Lab5-Copy', hoursAgo(1), {
            Tags: [
              { Key: KIT_LAB_TAG, Value: '05' },
              { Key: KIT_MANAGED_TAG, Value: 'true' },
            ],
          }),
          stack('DataTierLabs-07-Future', hoursAgo(1), { Tags: [{ Key: KIT_MANAGED_TAG, Value: 'true' }] }),
          stack('someone-else', hoursAgo(3), { Tags: [{ Key: 'team', Value: 'x' }] }),
        ],
      });
    const found = await deployedLabs(fakeOpsClients());
    expect(found.map((s) => [s.stackName, s.labId, s.matchedBy])).toEqual([
      [lab05.stack!.name, 5, 'name'],
      ['Renamed-Lab5-Copy', 5, `tag ${KIT_LAB_TAG}=05`],
      ['DataTierLabs-07-Future', undefined, `tag ${KIT_MANAGED_TAG}=true`],
    ]);
    expect(found[0]!.usdPerHour).toBeCloseTo(perHour, 10);
    expect(found[2]).toMatchObject({ priced: false, usdPerHour: 0 });
    expect(cfn).toHaveReceivedCommandTimes(DescribeStacksCommand, 2);
  });

  it('prices a rolled-back stack at nothing', async () => {
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [stack(lab05.stack!.name, hoursAgo(1), { StackStatus: 'ROLLBACK_COMPLETE' })] });
    expect((await deployedLabs(fakeOpsClients()))[0]).toMatchObject({ status: 'ROLLBACK_COMPLETE', usdPerHour: 0 });
  });

  it('explains an AWS failure', async () => {
    cfn
      .on(DescribeStacksCommand)
      .rejects(awsError('AccessDenied', 'User: arn:aws:iam::1:user/x is not authorized to perform: cloudformation:DescribeStacks', 403));
    await expect(deployedLabs(fakeOpsClients())).rejects.toThrow(/missing the IAM permission cloudformation:DescribeStacks/);
  });
});

describe('cost so far', () => {
  it('is hours since creation times the price per hour', () => {
    const r = costSoFar({ createdAt: hoursAgo(3), usdPerHour: perHour }, NOW);
    expect(r.hours).toBeCloseTo(3, 10);
    expect(r.usd).toBeCloseTo(3 * perHour, 10);
  });

  it('is never negative (clock skew)', () => {
    expect(costSoFar({ createdAt: new Date(NOW.getTime() + 60_000), usdPerHour: 1 }, NOW)).toEqual({ hours: 0, usd: 0 });
  });
});

describe('labs:status', () => {
  it('totals everything deployed and reminds about a lab up past its planned hours', async () => {
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [stack(lab05.stack!.name, hoursAgo(lab05.plannedHours! + 2))] });
    const status = await labsStatus(fakeOpsClients(), { now: NOW });
    expect(status.region).toBe('us-east-1');
    expect(status.totalUsdPerHour).toBeCloseTo(perHour, 10);
    expect(status.totalSoFar).toBeCloseTo(perHour * (lab05.plannedHours! + 2), 8);
    expect(status.reminders).toHaveLength(1);
    expect(status.reminders[0]).toMatch(/Lab 5 .* has been up 6\.0 h, longer than the 4 h it is planned for.*npm run destroy -- 5/);
    const text = renderStatus(new Chalk({ level: 0 }), status);
    expect(text).toContain(`up since ${hoursAgo(6).toISOString()}`);
    expect(text).toMatch(/Total: \$0\.069 per hour/);
    expect(text).toMatch(/Reminder: Lab 5/);
  });

  it('has no reminder within the plan, and says when nothing is deployed', () => {
    const within = labsStatusFrom(
      [
        {
          stackName: 'x',
          status: 'CREATE_COMPLETE',
          createdAt: hoursAgo(1),
          labId: 5,
          lab: lab05,
          matchedBy: 'name',
          tags: {},
          usdPerHour: perHour,
          priced: true,
        },
      ],
      NOW,
    );
    expect(within.reminders).toEqual([]);
    expect(renderStatus(new Chalk({ level: 0 }), labsStatusFrom([], NOW, 'eu-west-1'))).toMatch(/^Nothing from the kit is deployed in eu-west-1\./);
  });

  it('prints JSON with --json', async () => {
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [stack(lab05.stack!.name, hoursAgo(2))] });
    let out = '';
    const code = await labsStatusMain(['--json'], { clients: fakeOpsClients(), now: NOW, stdout: (t) => (out += t), stderr: () => undefined });
    expect(code).toBe(0);
    const doc = JSON.parse(out) as { schema: string; stacks: Array<{ labId: number; hoursUp: number; usdSoFar: number }>; totalUsdPerHour: number };
    expect(doc.schema).toBe('data-tier-labs/labs-status@1');
    expect(doc.stacks[0]).toMatchObject({ labId: 5, hoursUp: 2 });
    expect(doc.stacks[0]!.usdSoFar).toBeCloseTo(2 * perHour, 10);
  });

  it('explains missing credentials and rejects unknown flags', async () => {
    await expect(labsStatusMain([], { credentialsConfigured: false })).rejects.toBeInstanceOf(EnvironmentError);
    await expect(labsStatusMain(['--bogus'])).rejects.toBeInstanceOf(UsageError);
  });
});
