/**
 * Where each lab's AWS plan is, by lab id. Interim: when the labs' plug-ins
 * (checks/NN-slug/index.ts) land, this becomes their `aws()`.
 */
import type { AwsPlan } from './plugin.js';

const PLANS: Record<number, () => Promise<{ awsPlan: AwsPlan }>> = {
  1: () => import('./01-rds-multi-az/aws-plan.js'),
  2: () => import('./02-read-replicas/aws-plan.js'),
  3: () => import('./03-aurora-cluster/aws-plan.js'),
  4: () => import('./04-aurora-serverless/aws-plan.js'),
  5: () => import('./05-elasticache-redis/aws-plan.js'),
  6: () => import('./06-performance-insights/aws-plan.js'),
};

/** The lab's AWS plan, or undefined when the lab has no AWS checks. */
export async function awsPlanFor(labId: number): Promise<AwsPlan | undefined> {
  const load = PLANS[labId];
  return load ? (await load()).awsPlan : undefined;
}
