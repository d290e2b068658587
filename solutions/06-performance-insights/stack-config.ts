import type { InsightsConfig } from '../../stacks/shared/performance-insights.js';

/**
 * Lab 6 solution: Performance Insights with Database Insights Standard,
 * Enhanced Monitoring every minute, and alarms on 80% CPU and 100
 * connections, both sustained for three minutes.
 */
export const stackConfig: InsightsConfig = {
  performanceInsights: true,
  enhancedMonitoringSeconds: 60,
  alarms: { cpuPercent: 80, connections: 100 },
};
