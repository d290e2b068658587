/**
 * Performance Insights (now surfaced as CloudWatch Database Insights):
 * which classes support it, and the part of Lab 6's stack a learner edits
 * (labs/06-performance-insights/stack-config.ts), checked at synth.
 */
import type * as ec2 from 'aws-cdk-lib/aws-ec2';

/** Lab 6: what the learner switches on to observe the database. */
export interface InsightsConfig {
  /** Performance Insights with 7 days of history (the free tier) and Database Insights in Standard mode. */
  readonly performanceInsights: boolean;
  /** Enhanced Monitoring (OS metrics) interval in seconds: 0 (off), 1, 5, 10, 15, 30 or 60. */
  readonly enhancedMonitoringSeconds: number;
  /** CloudWatch alarms on the instance. @default no alarms */
  readonly alarms?: InsightsAlarmsConfig;
}

export interface InsightsAlarmsConfig {
  /** Alarm when average CPU stays at or above this percentage (1-100). */
  readonly cpuPercent: number;
  /** Alarm when open connections stay at or above this many (a whole number, at least 1). */
  readonly connections: number;
}

/** The intervals RDS accepts for Enhanced Monitoring; 0 turns it off. */
export const ENHANCED_MONITORING_SECONDS = [0, 1, 5, 10, 15, 30, 60] as const;

export class InvalidInsightsConfig extends Error {
  constructor(message: string) {
    super(`Invalid insights stack config: ${message}`);
    this.name = 'InvalidInsightsConfig';
  }
}

export class PerformanceInsightsUnsupported extends Error {
  constructor(instanceClass: string) {
    super(
      `Performance Insights is not available on ${instanceClass}: RDS for MySQL and MariaDB and Aurora MySQL do not offer it on micro or small classes. Use db.t4g.medium or larger.`,
    );
    this.name = 'PerformanceInsightsUnsupported';
  }
}

/** RDS class names ('db.t4g.micro') from a CDK instance type ('t4g.micro') or a class name. */
function rdsClassName(instanceType: ec2.InstanceType | string): string {
  const name = instanceType.toString();
  return name.startsWith('db.') ? name : `db.${name}`;
}

/**
 * Whether Performance Insights is offered on a MySQL-family class. Micro and
 * small burstable classes are the exceptions; Serverless v2 has it.
 */
export function supportsPerformanceInsights(instanceType: ec2.InstanceType | string): boolean {
  const size = rdsClassName(instanceType).split('.')[2];
  return size !== 'micro' && size !== 'small';
}

/** Throws PerformanceInsightsUnsupported for a class that has no Performance Insights. */
export function assertPerformanceInsightsClass(instanceType: ec2.InstanceType | string): void {
  if (!supportsPerformanceInsights(instanceType)) throw new PerformanceInsightsUnsupported(rdsClassName(instanceType));
}

const show = (value: unknown): string => JSON.stringify(value) ?? String(value);

/** The config as given, or a clear error when it holds something RDS or CloudWatch would refuse. */
export function insightsSettings(config: InsightsConfig): InsightsConfig {
  const pi: unknown = config?.performanceInsights;
  if (typeof pi !== 'boolean') {
    throw new InvalidInsightsConfig(`performanceInsights must be true or false, got ${show(pi)}.`);
  }
  const seconds: unknown = config.enhancedMonitoringSeconds;
  if (!(ENHANCED_MONITORING_SECONDS as readonly unknown[]).includes(seconds)) {
    throw new InvalidInsightsConfig(`enhancedMonitoringSeconds must be one of ${ENHANCED_MONITORING_SECONDS.join(', ')} (0 is off), got ${show(seconds)}.`);
  }
  const alarms: unknown = config.alarms;
  if (alarms !== undefined) {
    const { cpuPercent, connections } = (alarms ?? {}) as Partial<InsightsAlarmsConfig>;
    if (typeof cpuPercent !== 'number' || !Number.isFinite(cpuPercent) || cpuPercent < 1 || cpuPercent > 100) {
      throw new InvalidInsightsConfig(`alarms.cpuPercent must be a percentage from 1 to 100, got ${show(cpuPercent)}.`);
    }
    if (typeof connections !== 'number' || !Number.isInteger(connections) || connections < 1) {
      throw new InvalidInsightsConfig(`alarms.connections must be a whole number of at least 1, got ${show(connections)}.`);
    }
  }
  return config;
}
