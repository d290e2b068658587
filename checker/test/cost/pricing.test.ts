import { describe, expect, it } from 'vitest';
import type { LabMeta } from '../../core/lab.js';
import { hourlyCost } from '../../core/lab.js';
import { formatUsd, labCost, unpricedResources, workshopCost } from '../../cost/cost.js';
import {
  billable,
  HOURS_PER_MONTH,
  hourlyPrice,
  isPriced,
  PRICES,
  PRICING_AS_OF,
  PRICING_REGION,
  PRICING_SOURCE,
  UnpricedResourceError,
} from '../../cost/pricing.js';
import { labs } from '../../../labs/index.js';

const lab05 = labs.find((l) => l.id === 5)!;

describe('the pricing table', () => {
  it('says when, where and from what its prices are', () => {
    expect(PRICING_AS_OF).toBe('2026-11');
    expect(PRICING_REGION).toBe('us-east-1');
    expect(PRICING_SOURCE).toMatch(/AWS .*pricing page/);
  });

  it('gives every price a positive amount, a unit and the AWS pricing page it comes from', () => {
    for (const [key, price] of Object.entries(PRICES)) {
      expect(price.usd, key).toBeGreaterThan(0);
      expect(['hour', 'month', 'GiB-month', 'GiB', 'GB-second', 'million-requests'], key).toContain(price.unit);
      expect(price.source, key).toMatch(/^https:\/\/aws\.amazon\.com\/.+\/pricing\//);
      expect(key, key).toMatch(/^[a-z0-9-]+:[a-z0-9.:-]+$/);
    }
  });

  it('turns monthly prices into hourly ones over 730 hours', () => {
    expect(HOURS_PER_MONTH).toBe(730);
    expect(hourlyPrice('secretsmanager:secret-month')).toBeCloseTo(0.4 / 730, 10);
    expect(hourlyPrice('rds:gp3-gib-month', 20)).toBeCloseTo((20 * 0.115) / 730, 10);
    expect(hourlyPrice('ec2:t4g.nano')).toBe(0.0042);
    expect(hourlyPrice('cloudwatch-logs:gib-ingested', 0.5)).toBe(0.25);
  });

  it('prices Lambda per GB-second and per million requests, quantities per hour (Lab 7)', () => {
    // 100 GB-seconds an hour: 2,000 invocations of 100 ms at 512 MB.
    expect(hourlyPrice('lambda:arm64-gb-second', 100)).toBeCloseTo(0.00133334, 10);
    expect(hourlyPrice('lambda:million-requests', 0.002)).toBeCloseTo(0.0004, 10);
    expect(billable('lambda:arm64-gb-second', 1, 'x', 100)).toMatchObject({ priceKey: 'lambda:arm64-gb-second', quantity: 100 });
  });

  it('refuses a key it does not price', () => {
    expect(() => hourlyPrice('ec2:m7i.48xlarge')).toThrow(UnpricedResourceError);
    expect(isPriced('ec2:m7i.48xlarge')).toBe(false);
  });
});

describe('lab costs come from the table', () => {
  it('prices every billable resource of every lab (fails when a lab names a resource the table does not price)', () => {
    const unpriced = labs.flatMap((lab) => unpricedResources(lab).map((r) => `lab ${lab.id}: ${r.kind} (${r.priceKey ?? 'no priceKey'})`));
    expect(unpriced).toEqual([]);
    for (const lab of labs) expect(() => labCost(lab)).not.toThrow();
  });

  it('catches a lab with an unpriced resource', () => {
    const broken: Pick<LabMeta, 'id' | 'cost'> = {
      id: 99,
      cost: {
        usdPerHour: 1,
        note: '',
        billable: [
          { kind: 'NAT gateway, made up', count: 1, usdPerHour: 1, priceKey: 'vpc:nat-gw-typo' as never },
          { kind: 'no key at all', count: 1, usdPerHour: 1 },
        ],
      },
    };
    expect(unpricedResources(broken).map((r) => r.kind)).toEqual(['NAT gateway, made up', 'no key at all']);
    expect(() => labCost(broken)).toThrow(/no price for "vpc:nat-gw-typo"/);
  });

  it('keeps lab.cost.usdPerHour and hourlyCost equal to the table', () => {
    for (const lab of labs) {
      expect(lab.cost.usdPerHour).toBeCloseTo(labCost(lab).usdPerHour, 10);
      expect(hourlyCost(lab.cost.billable)).toBeCloseTo(labCost(lab).usdPerHour, 10);
    }
  });

  it('adds up Lab 5 per hour and per day', () => {
    const expected = 3 * 0.0128 + 0.016 + (20 * 0.115) / 730 + 0.0042 + (8 * 0.08) / 730 + 0.005 + (2 * 0.4) / 730 + 0.0001 * 0.5;
    const cost = labCost(lab05);
    expect(cost.usdPerHour).toBeCloseTo(expected, 10);
    expect(cost.usdPerHour).toBeCloseTo(0.0688, 4);
    expect(cost.usdPerDay).toBeCloseTo(expected * 24, 10);
    expect(cost.lines.find((l) => l.priceKey === 'elasticache:cache.t4g.micro:valkey')!.usdPerHour).toBeCloseTo(0.0384, 10);
  });

  it('builds billable entries with their price key and unit quantity', () => {
    expect(billable('rds:gp3-gib-month', 1, 'RDS gp3, 20 GiB', 20)).toEqual({
      kind: 'RDS gp3, 20 GiB',
      count: 1,
      priceKey: 'rds:gp3-gib-month',
      quantity: 20,
      usdPerHour: (20 * 0.115) / 730,
    });
  });

  it('prices a workshop: a class of 30, one and two days', () => {
    const oneDay = workshopCost(0.07, { learners: 30, days: 1, hoursPerDay: 8 });
    expect(oneDay.destroyedEachEvening).toBeCloseTo(16.8, 10);
    expect(oneDay.leftUpOvernight).toBeCloseTo(16.8, 10);
    const twoDays = workshopCost(0.07, { learners: 30, days: 2, hoursPerDay: 8 });
    expect(twoDays.destroyedEachEvening).toBeCloseTo(33.6, 10);
    expect(twoDays.leftUpOvernight).toBeCloseTo(0.07 * 30 * 32, 10);
  });

  it('formats small and large amounts readably', () => {
    expect(formatUsd(0)).toBe('$0');
    expect(formatUsd(0.0042)).toBe('$0.0042');
    expect(formatUsd(0.0688)).toBe('$0.069');
    expect(formatUsd(16.8)).toBe('$16.80');
  });
});
