/**
 * Where an RDS or Aurora engine version stands in its support lifecycle, read
 * from the API rather than from a floor written in code: the major version's
 * standard and Extended Support dates (DescribeDBMajorEngineVersions) and
 * whether RDS still offers the exact version (DescribeDBEngineVersions). A
 * major version past standard support runs on paid Extended Support, billed
 * per vCPU-hour on top of the instance.
 */
import { DescribeDBEngineVersionsCommand, DescribeDBMajorEngineVersionsCommand, type RDSClient } from '@aws-sdk/client-rds';
import { hourlyPrice, HOURS_PER_MONTH, priceOf } from '../cost/pricing.js';

export const STANDARD_SUPPORT = 'open-source-rds-standard-support';
export const EXTENDED_SUPPORT = 'open-source-rds-extended-support';

export type SupportPhase = 'standard' | 'extended' | 'ended' | 'unknown';

export interface EngineLifecycle {
  engine: string;
  /** The major version as RDS names it: `8.0`, `8.4` (MySQL and Aurora MySQL alike). */
  majorVersion: string;
  version: string;
  standardSupportEnds?: Date;
  extendedSupportEnds?: Date;
  /** DescribeDBEngineVersions' Status for the exact version: `available`, `deprecated`, or undefined when RDS does not list it. */
  offered?: string;
  phase: SupportPhase;
}

/** `8.0.42` -> `8.0`; `8.0.mysql_aurora.3.10.4` -> `8.0`; `8.4.mysql_aurora.8.4.7` -> `8.4`. */
export function majorVersionOf(version: string): string | undefined {
  return /^(\d+\.\d+)(\.|$)/.exec(version)?.[1];
}

export function supportPhase(standardEnds: Date | undefined, extendedEnds: Date | undefined, now: Date): SupportPhase {
  if (!standardEnds) return 'unknown';
  if (now < standardEnds) return 'standard';
  if (extendedEnds && now < extendedEnds) return 'extended';
  return 'ended';
}

/** The major version's standard and Extended Support end dates, as DescribeDBMajorEngineVersions reports them. */
export async function readSupportDates(
  rds: RDSClient,
  engine: string,
  majorVersion: string,
): Promise<{ standardSupportEnds?: Date; extendedSupportEnds?: Date }> {
  const out = await rds.send(new DescribeDBMajorEngineVersionsCommand({ Engine: engine, MajorEngineVersion: majorVersion }));
  const major = (out?.DBMajorEngineVersions ?? []).find((m) => m.MajorEngineVersion === majorVersion);
  const end = (name: string) => major?.SupportedEngineLifecycles?.find((l) => l.LifecycleSupportName === name)?.LifecycleSupportEndDate;
  return { standardSupportEnds: end(STANDARD_SUPPORT), extendedSupportEnds: end(EXTENDED_SUPPORT) };
}

export async function readEngineLifecycle(rds: RDSClient, engine: string, version: string, now: Date = new Date()): Promise<EngineLifecycle> {
  const majorVersion = majorVersionOf(version) ?? version;
  const [dates, versions] = await Promise.all([
    readSupportDates(rds, engine, majorVersion),
    rds.send(new DescribeDBEngineVersionsCommand({ Engine: engine, EngineVersion: version, IncludeAll: true })),
  ]);
  const offered = (versions?.DBEngineVersions ?? []).find((v) => v.EngineVersion === version)?.Status;
  return { engine, majorVersion, version, ...dates, offered, phase: supportPhase(dates.standardSupportEnds, dates.extendedSupportEnds, now) };
}

/** vCPUs of an RDS instance class by its size (db.t4g.micro -> 2, db.r7g.2xlarge -> 8); undefined for a size not listed. */
export function vcpusOfClass(instanceClass: string): number | undefined {
  const size = /\.([a-z0-9]+)$/.exec(instanceClass)?.[1] ?? '';
  const fixed: Record<string, number> = { micro: 2, small: 2, medium: 2, large: 2, xlarge: 4 };
  if (fixed[size] !== undefined) return fixed[size];
  const n = /^(\d+)xlarge$/.exec(size)?.[1];
  return n ? Number(n) * 4 : undefined;
}

export const day = (d: Date) => d.toISOString().slice(0, 10);

/** One sentence on what Extended Support costs for this class, from the kit's price table. */
export function extendedSupportCost(instanceClass: string | undefined): string {
  const perVcpu = hourlyPrice('rds:extended-support-vcpu');
  const vcpus = instanceClass ? vcpusOfClass(instanceClass) : undefined;
  const rate = `$${perVcpu.toFixed(3)} per vCPU-hour (us-east-1, years 1-2; ${priceOf('rds:extended-support-vcpu').unsure ?? ''})`.replace(' ()', '');
  if (!vcpus) return `Extended Support is billed at ${rate}, on top of the instance.`;
  const hourly = perVcpu * vcpus;
  return `Extended Support is billed at ${rate}: for ${instanceClass} (${vcpus} vCPUs) about $${hourly.toFixed(2)} an hour, $${Math.round(hourly * HOURS_PER_MONTH)} a month, on top of the instance.`;
}

/** Why the version is not current, or undefined when it is in standard support and offered. */
export function lifecycleProblem(lc: EngineLifecycle, instanceClass?: string): string | undefined {
  const name = `${lc.engine} ${lc.version}`;
  if (lc.phase === 'extended') {
    return `${name} is past standard support: RDS ended standard support for ${lc.engine} ${lc.majorVersion} on ${day(lc.standardSupportEnds!)}, and it now runs on paid RDS Extended Support (until ${lc.extendedSupportEnds ? day(lc.extendedSupportEnds) : 'a date RDS has not published'}). ${extendedSupportCost(instanceClass)}`;
  }
  if (lc.phase === 'ended') {
    return `${name} is past the end of standard support (${day(lc.standardSupportEnds!)}) and of Extended Support: RDS upgrades such instances automatically.`;
  }
  if (lc.phase === 'unknown') return `RDS reports no support lifecycle for ${lc.engine} ${lc.majorVersion}: it is not a version RDS supports.`;
  if (lc.offered !== 'available') {
    return `${name} is no longer offered by RDS (${lc.offered ? `status ${lc.offered}` : 'not listed'}): the minor version has aged out and RDS will upgrade it at a maintenance window.`;
  }
  return undefined;
}

/** `MySQL 8.4.10 (standard support until 2029-07-31)`-style detail for a passing line. */
export function lifecycleSummary(lc: EngineLifecycle): string {
  return `${lc.version}, in standard support until ${lc.standardSupportEnds ? day(lc.standardSupportEnds) : '?'}`;
}
