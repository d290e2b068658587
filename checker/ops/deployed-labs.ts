/**
 * What the kit has deployed in the account and region, since when, and what it
 * has cost so far at list price (`npm run labs:status`).
 */
import { DescribeStacksCommand, type Stack } from '@aws-sdk/client-cloudformation';
import type { ChalkInstance } from 'chalk';
import { resolvedRegion, type AwsClients } from '../aws/clients.js';
import { explainAwsError } from '../aws/errors.js';
import type { LabMeta } from '../core/lab.js';
import { labs as allLabs } from '../../labs/index.js';
import { kitMatch, labsWithStacks, tagMap, type TagMap } from '../core/kit.js';
import { formatUsd, labCost } from '../cost/cost.js';

export interface DeployedStack {
  stackName: string;
  stackId?: string;
  status: string;
  createdAt: Date;
  lastUpdatedAt?: Date;
  labId?: number;
  lab?: LabMeta;
  /** "name" when the stack name is a lab's stack name, else how the kit tag matched. */
  matchedBy: string;
  tags: TagMap;
  /** List price per hour of what the stack holds; 0 when nothing billable is left (rolled back) or unknown. */
  usdPerHour: number;
  /** False when the stack carries the kit's tag but no lab's metadata prices it. */
  priced: boolean;
}

export interface DeployedLabsOptions {
  labs?: readonly LabMeta[];
}

/** Stacks whose resources were rolled back or deleted: nothing billable is left in them. */
const NOTHING_LEFT = new Set(['ROLLBACK_COMPLETE', 'DELETE_COMPLETE']);

/**
 * CloudFormation stacks of the kit in the clients' region: a lab's stack name,
 * or the kit's tags (`data-tier-labs:managed` / `data-tier-labs:lab`). Deleted
 * stacks are not listed. AWS failures come back explained.
 */
export async function deployedLabs(
  clients: Pick<AwsClients, 'cloudformation' | 'sts' | 'region' | 'profile'>,
  options: DeployedLabsOptions = {},
): Promise<DeployedStack[]> {
  const labs = options.labs ?? allLabs;
  const byName = new Map(labsWithStacks(labs).map((l) => [l.stack.name, l]));
  const stacks: Stack[] = [];
  try {
    let token: string | undefined;
    do {
      const out = await clients.cloudformation.send(new DescribeStacksCommand({ NextToken: token }));
      stacks.push(...(out?.Stacks ?? []));
      token = out?.NextToken;
    } while (token);
  } catch (err) {
    const region = await resolvedRegion(clients as AwsClients);
    throw explainAwsError(err, { action: 'cloudformation:DescribeStacks', region, profile: clients.profile });
  }
  const found: DeployedStack[] = [];
  for (const s of stacks) {
    const name = s.StackName ?? '';
    if (s.StackStatus === 'DELETE_COMPLETE') continue;
    const tags = tagMap(s.Tags);
    const labByName = byName.get(name);
    const match = labByName ? { labId: labByName.id, how: 'name' } : kitMatch(tags, [name]);
    if (!match) continue;
    const lab = labByName ?? labs.find((l) => l.id === match.labId);
    const priced = lab !== undefined && lab.cost.billable.length > 0;
    const usdPerHour = priced && !NOTHING_LEFT.has(s.StackStatus ?? '') ? labCost(lab).usdPerHour : 0;
    found.push({
      stackName: name,
      stackId: s.StackId,
      status: s.StackStatus ?? 'UNKNOWN',
      createdAt: s.CreationTime ?? new Date(),
      lastUpdatedAt: s.LastUpdatedTime,
      labId: lab?.id ?? match.labId,
      lab,
      matchedBy: match.how,
      tags,
      usdPerHour,
      priced,
    });
  }
  return found.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
}

export interface CostSoFar {
  hours: number;
  usd: number;
}

/** Hours since `createdAt` times the list price per hour (never negative). */
export function costSoFar(stack: Pick<DeployedStack, 'createdAt' | 'usdPerHour'>, now: Date = new Date()): CostSoFar {
  const hours = Math.max(0, (now.getTime() - stack.createdAt.getTime()) / 3_600_000);
  return { hours, usd: hours * stack.usdPerHour };
}

export interface StatusLine extends DeployedStack, CostSoFar {
  /** Set when the lab has been up longer than its metadata's plannedHours. */
  overPlannedBy?: number;
}

export interface LabsStatus {
  region?: string;
  now: Date;
  stacks: StatusLine[];
  /** Per hour, everything deployed. */
  totalUsdPerHour: number;
  totalSoFar: number;
  reminders: string[];
}

export function destroyCommand(labId: number | undefined): string {
  return labId === undefined ? 'npm run destroy -- --all' : `npm run destroy -- ${labId}`;
}

export function labsStatusFrom(deployed: DeployedStack[], now: Date = new Date(), region?: string): LabsStatus {
  const reminders: string[] = [];
  const stacks = deployed.map((d): StatusLine => {
    const sofar = costSoFar(d, now);
    const planned = d.lab?.plannedHours;
    const line: StatusLine = { ...d, ...sofar };
    if (planned !== undefined && sofar.hours > planned) {
      line.overPlannedBy = sofar.hours - planned;
      reminders.push(
        `Lab ${d.labId} (${d.stackName}) has been up ${sofar.hours.toFixed(1)} h, longer than the ${planned} h it is planned for, ` +
          `and costs ${formatUsd(d.usdPerHour)} every hour: destroy it with \`${destroyCommand(d.labId)}\` when you are done.`,
      );
    }
    return line;
  });
  return {
    region,
    now,
    stacks,
    totalUsdPerHour: stacks.reduce((s, l) => s + l.usdPerHour, 0),
    totalSoFar: stacks.reduce((s, l) => s + l.usd, 0),
    reminders,
  };
}

export async function labsStatus(
  clients: Pick<AwsClients, 'cloudformation' | 'sts' | 'region' | 'profile'>,
  options: DeployedLabsOptions & { now?: Date } = {},
): Promise<LabsStatus> {
  const deployed = await deployedLabs(clients, options);
  const region = await resolvedRegion(clients as AwsClients);
  return labsStatusFrom(deployed, options.now ?? new Date(), region);
}

function age(hours: number): string {
  if (hours < 1) return `${Math.round(hours * 60)} min`;
  if (hours < 48) return `${hours.toFixed(1)} h`;
  return `${(hours / 24).toFixed(1)} days`;
}

export function renderStatus(c: ChalkInstance, status: LabsStatus): string {
  const where = status.region ? ` in ${status.region}` : '';
  if (status.stacks.length === 0) {
    return `${c.bold(`Nothing from the kit is deployed${where}.`)} It costs nothing there. (Other regions are not looked at: pass --region to check one.)`;
  }
  const out = [c.bold(`Deployed by the kit${where} (list prices, us-east-1 table):`)];
  for (const s of status.stacks) {
    const lab = s.labId === undefined ? 'lab ?' : `lab ${s.labId}`;
    const price = s.priced ? `${formatUsd(s.usdPerHour)}/h` : 'not priced (no lab metadata for it)';
    out.push(
      `  ${s.stackName}  ${c.dim(`(${lab}, ${s.status})`)}\n` +
        `      up since ${s.createdAt.toISOString()} (${age(s.hours)}), ${price}, about ${formatUsd(s.usd)} so far`,
    );
  }
  out.push(
    `\n${c.bold(`Total: ${formatUsd(status.totalUsdPerHour)} per hour (${formatUsd(status.totalUsdPerHour * 24)} per day)`)}, about ${formatUsd(status.totalSoFar)} so far.`,
  );
  for (const r of status.reminders) out.push(c.yellow(`Reminder: ${r}`));
  return out.join('\n');
}

/** A JSON-friendly copy (no LabMeta objects, dates as ISO strings). */
export function statusJson(status: LabsStatus): Record<string, unknown> {
  return {
    schema: 'data-tier-labs/labs-status@1',
    region: status.region,
    at: status.now.toISOString(),
    totalUsdPerHour: status.totalUsdPerHour,
    totalUsdSoFar: status.totalSoFar,
    stacks: status.stacks.map((s) => ({
      stackName: s.stackName,
      labId: s.labId,
      status: s.status,
      createdAt: s.createdAt.toISOString(),
      hoursUp: s.hours,
      usdPerHour: s.usdPerHour,
      usdSoFar: s.usd,
      priced: s.priced,
      matchedBy: s.matchedBy,
      plannedHours: s.lab?.plannedHours,
      overPlannedBy: s.overPlannedBy,
    })),
    reminders: status.reminders,
  };
}
