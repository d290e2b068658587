/** A lab's cost from the pricing table: per hour, per day, and for a class. */
import type { BillableResource, LabMeta } from '../core/lab.js';
import { hourlyPrice, isPriced, priceOf } from './pricing.js';

export interface CostLine {
  kind: string;
  priceKey: string;
  count: number;
  quantity: number;
  /** USD per hour for all `count` of them. */
  usdPerHour: number;
}

export interface LabCost {
  labId: number;
  usdPerHour: number;
  usdPerDay: number;
  lines: CostLine[];
}

/** Billable resources of a lab that do not name a price the table has. */
export function unpricedResources(lab: Pick<LabMeta, 'cost'>): BillableResource[] {
  return lab.cost.billable.filter((r) => !isPriced(r.priceKey));
}

/** The lab's cost recomputed from the pricing table (throws UnpricedResourceError on an unknown key). */
export function labCost(lab: Pick<LabMeta, 'id' | 'cost'>): LabCost {
  const lines = lab.cost.billable.map((r): CostLine => {
    const key = r.priceKey ?? `(no price key for "${r.kind}")`;
    priceOf(key);
    const quantity = r.quantity ?? 1;
    return { kind: r.kind, priceKey: key, count: r.count, quantity, usdPerHour: r.count * hourlyPrice(key, quantity) };
  });
  const usdPerHour = lines.reduce((s, l) => s + l.usdPerHour, 0);
  return { labId: lab.id, usdPerHour, usdPerDay: usdPerHour * 24, lines };
}

export interface WorkshopPlan {
  learners: number;
  days: number;
  /** Hours the stack is up per day when it is destroyed every evening. */
  hoursPerDay: number;
}

export interface WorkshopCost {
  /** Each learner deploys in the morning and destroys in the evening, every day. */
  destroyedEachEvening: number;
  /** Each learner deploys once and destroys at the end of the last day (nights included). */
  leftUpOvernight: number;
}

export function workshopCost(usdPerHour: number, plan: WorkshopPlan): WorkshopCost {
  const { learners, days, hoursPerDay } = plan;
  return {
    destroyedEachEvening: usdPerHour * learners * days * hoursPerDay,
    leftUpOvernight: usdPerHour * learners * ((days - 1) * 24 + hoursPerDay),
  };
}

/** "$0.069" below a dollar, "$1.65" above; enough digits to see a per-hour price. */
export function formatUsd(usd: number): string {
  if (usd === 0) return '$0';
  if (Math.abs(usd) < 0.01) return `$${usd.toFixed(4)}`;
  if (Math.abs(usd) < 1) return `$${usd.toFixed(3)}`;
  return `$${usd.toFixed(2)}`;
}
