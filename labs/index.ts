import type { LabMeta } from '../checker/core/lab.js';
import { lab01 } from './01-rds-multi-az/lab.js';
import { lab02 } from './02-read-replicas/lab.js';
import { lab03 } from './03-aurora-cluster/lab.js';
import { lab04 } from './04-aurora-serverless/lab.js';
import { lab05 } from './05-elasticache-redis/lab.js';
import { lab06 } from './06-performance-insights/lab.js';
import { lab07 } from './07-serverless-cache/lab.js';

/** Every lab, in course order. Labs marked `coming` are listed but cannot be opened yet. */
export const labs: LabMeta[] = [
  lab01,
  lab02,
  lab03,
  lab04,
  lab05,
  lab06,
  lab07,
];

export function findLab(id: number): LabMeta | undefined {
  return labs.find((l) => l.id === id);
}
