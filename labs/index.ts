import type { LabMeta } from '../checker/core/lab.js';
import { lab01 } from './01-rds-multi-az/lab.js';
import { lab02 } from './02-read-replicas/lab.js';
import { lab05 } from './05-elasticache-redis/lab.js';

function coming(id: number, slug: string, title: string, summary: string): LabMeta {
  return {
    id, slug, title, summary, status: 'coming',
    objectives: [], steps: [], exercises: [], hints: [],
    cost: { usdPerHour: 0, billable: [], note: '' },
    deployMinutes: 0,
  };
}

/** Every lab, in course order. Labs marked `coming` are listed but cannot be opened yet. */
export const labs: LabMeta[] = [
  lab01,
  lab02,
  coming(3, 'aurora-cluster', 'Aurora MySQL cluster', 'Writer and reader endpoints, topology-aware failover.'),
  coming(4, 'aurora-serverless', 'Aurora Serverless v2', 'ACU scaling from 0 with auto-pause, under a load ramp.'),
  lab05,
  coming(6, 'performance-insights', 'Database Insights (Performance Insights)', 'Find and fix the top SQL.'),
];

export function findLab(id: number): LabMeta | undefined {
  return labs.find((l) => l.id === id);
}
