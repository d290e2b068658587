import type { InsightsConfig } from '../../stacks/shared/performance-insights.js';

/**
 * Lab 6, "Your turn": the database runs, but nothing watches it. There is no
 * Performance Insights, so no database load and no top SQL; no Enhanced
 * Monitoring, so no OS metrics; and no alarm tells you when CPU or
 * connections climb.
 *
 * TODO: before you deploy (`npm run deploy 6`), switch on
 *   - performanceInsights: true (7 days of history, free, with CloudWatch
 *     Database Insights in Standard mode),
 *   - enhancedMonitoringSeconds: 60 (OS metrics every minute),
 *   - alarms: { cpuPercent, connections } with thresholds you choose
 *     (the solution alarms at 80% CPU and 100 connections).
 * An instance created with Performance Insights gets the Performance Schema
 * (the source of wait events) from the start. If you deployed without it
 * first, reboot the instance once after turning it on: RDS switches the
 * Performance Schema on only when MySQL starts. `cdk synth` rejects values
 * RDS or CloudWatch would refuse.
 */
export const stackConfig: InsightsConfig = {
  performanceInsights: false,
  enhancedMonitoringSeconds: 0,
};
