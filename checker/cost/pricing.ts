/**
 * The kit's price list: AWS on-demand list prices in US East (N. Virginia),
 * keyed by resource kind. Lab metadata names these keys for its billable
 * resources (`billable(key, count, ...)`), so a lab's cost per hour is always
 * computed from this one table. A test fails when a lab names a resource the
 * table does not price.
 *
 * Prices change: when you update one, update PRICING_AS_OF and docs/costs.md.
 */
import type { BillableResource } from '../core/lab.js';

export const PRICING_AS_OF = '2026-11';
export const PRICING_REGION = 'us-east-1';
export const PRICING_SOURCE =
  'AWS on-demand list prices for US East (N. Virginia), read from the AWS pricing page of each service (URL per entry), November 2026';

/** AWS bills monthly prices over 730 hours (365 x 24 / 12). */
export const HOURS_PER_MONTH = 730;

/**
 * - `hour`: per resource-hour.
 * - `month`: per resource-month (prorated hourly over 730 h).
 * - `GiB-month`: per GiB of provisioned or stored data per month; quantity = GiB.
 * - `GiB`: per GiB processed or ingested; quantity = GiB per hour (an estimate).
 * - `GB-second`: per GB of memory for a second of billed duration (Lambda); quantity = GB-seconds per hour (an estimate).
 * - `million-requests`: per million requests (Lambda); quantity = millions of requests per hour (an estimate).
 */
export type PriceUnit = 'hour' | 'month' | 'GiB-month' | 'GiB' | 'GB-second' | 'million-requests';

export interface Price {
  usd: number;
  unit: PriceUnit;
  what: string;
  /** The AWS pricing page the figure comes from. */
  source: string;
  /** Set when the figure is less certain than the rest, with the reason. */
  unsure?: string;
}

const EC2_PRICING = 'https://aws.amazon.com/ec2/pricing/on-demand/';
const EBS_PRICING = 'https://aws.amazon.com/ebs/pricing/';
const VPC_PRICING = 'https://aws.amazon.com/vpc/pricing/';
const RDS_MYSQL_PRICING = 'https://aws.amazon.com/rds/mysql/pricing/';
const ELASTICACHE_PRICING = 'https://aws.amazon.com/elasticache/pricing/';
const SECRETS_PRICING = 'https://aws.amazon.com/secrets-manager/pricing/';
const CLOUDWATCH_PRICING = 'https://aws.amazon.com/cloudwatch/pricing/';
const PRIVATELINK_PRICING = 'https://aws.amazon.com/privatelink/pricing/';
const AURORA_PRICING = 'https://aws.amazon.com/rds/aurora/pricing/';
const LAMBDA_PRICING = 'https://aws.amazon.com/lambda/pricing/';

export const PRICES = {
  // ElastiCache, node-based, on-demand
  'elasticache:cache.t4g.micro:valkey': {
    usd: 0.0128,
    unit: 'hour',
    what: 'ElastiCache cache.t4g.micro node, Valkey',
    source: ELASTICACHE_PRICING,
    unsure: 'Valkey nodes are listed at 20% below Redis OSS; $0.0128 is that discount applied to the $0.016 Redis OSS rate.',
  },
  'elasticache:cache.t4g.micro:redis': {
    usd: 0.016,
    unit: 'hour',
    what: 'ElastiCache cache.t4g.micro node, Redis OSS',
    source: ELASTICACHE_PRICING,
  },
  'elasticache:backup-gib-month': {
    usd: 0.085,
    unit: 'GiB-month',
    what: 'ElastiCache backup storage beyond the free snapshot',
    source: ELASTICACHE_PRICING,
    unsure: 'The page gives one rate for all Regions; the free allowance (one snapshot per cluster) is from older versions of the page.',
  },
  // RDS for MySQL, Single-AZ and Multi-AZ (one standby)
  'rds:db.t4g.micro:mysql': {
    usd: 0.016,
    unit: 'hour',
    what: 'RDS for MySQL db.t4g.micro, Single-AZ',
    source: RDS_MYSQL_PRICING,
  },
  'rds:db.t4g.micro:mysql:multi-az': {
    usd: 0.032,
    unit: 'hour',
    what: 'RDS for MySQL db.t4g.micro, Multi-AZ (one standby)',
    source: RDS_MYSQL_PRICING,
  },
  'rds:db.t4g.medium:mysql': {
    usd: 0.065,
    unit: 'hour',
    what: 'RDS for MySQL db.t4g.medium, Single-AZ (the smallest class Performance Insights supports)',
    source: RDS_MYSQL_PRICING,
  },
  // RDS Extended Support: charged on top of the instance for a major version past standard support
  'rds:extended-support-vcpu': {
    usd: 0.1,
    unit: 'hour',
    what: 'RDS Extended Support (MySQL, Aurora MySQL), per vCPU-hour in years 1 and 2 after standard support ends',
    source: RDS_MYSQL_PRICING,
    unsure: 'Year 3 costs twice as much ($0.200 per vCPU-hour); Aurora Serverless v2 is charged per ACU-hour instead.',
  },
  // Aurora MySQL (Aurora Standard storage configuration)
  'aurora:db.t4g.medium:mysql': {
    usd: 0.073,
    unit: 'hour',
    what: 'Aurora MySQL db.t4g.medium instance (writer or reader), Aurora Standard',
    source: AURORA_PRICING,
  },
  'aurora:serverless-v2-acu': {
    usd: 0.12,
    unit: 'hour',
    what: 'Aurora Serverless v2, per ACU-hour (Aurora Standard); 0 ACU while auto-paused',
    source: AURORA_PRICING,
  },
  'aurora:storage-gib-month': {
    usd: 0.1,
    unit: 'GiB-month',
    what: 'Aurora Standard cluster storage, per GiB-month used (I/O billed separately at $0.20 per million requests)',
    source: AURORA_PRICING,
  },
  // Lambda (Lab 7), arm64 (Graviton)
  'lambda:arm64-gb-second': {
    usd: 0.0000133334,
    unit: 'GB-second',
    what: 'Lambda compute on arm64, per GB-second (memory x billed duration; the init phase is billed too since August 2025)',
    source: LAMBDA_PRICING,
    unsure: 'The first tier (up to 7.5 billion GB-seconds a month); x86_64 costs $0.0000166667. The Free Tier (400,000 GB-seconds a month) is not counted.',
  },
  'lambda:million-requests': {
    usd: 0.2,
    unit: 'million-requests',
    what: 'Lambda requests, per million invocations (the Free Tier, 1 million a month, is not counted)',
    source: LAMBDA_PRICING,
  },
  // Monitoring
  'cloudwatch:alarm-month': {
    usd: 0.1,
    unit: 'month',
    what: 'CloudWatch alarm, standard resolution, per alarm metric per month',
    source: CLOUDWATCH_PRICING,
  },
  'cloudwatch:dashboard-month': {
    usd: 3,
    unit: 'month',
    what: 'CloudWatch dashboard per month (the first 3 dashboards of an account are free)',
    source: CLOUDWATCH_PRICING,
  },
  'rds:gp3-gib-month': {
    usd: 0.115,
    unit: 'GiB-month',
    what: 'RDS gp3 storage, Single-AZ (3,000 IOPS and 125 MiB/s included)',
    source: RDS_MYSQL_PRICING,
  },
  'rds:backup-gib-month': {
    usd: 0.095,
    unit: 'GiB-month',
    what: 'RDS backup storage beyond the free 100% of provisioned storage, and snapshots of deleted instances',
    source: RDS_MYSQL_PRICING,
  },
  // EC2 and EBS
  'ec2:t4g.nano': {
    usd: 0.0042,
    unit: 'hour',
    what: 'EC2 t4g.nano, Linux, on-demand',
    source: EC2_PRICING,
  },
  'ebs:gp3-gib-month': {
    usd: 0.08,
    unit: 'GiB-month',
    what: 'EBS gp3 volume storage (3,000 IOPS and 125 MiB/s included)',
    source: EBS_PRICING,
  },
  // Networking
  'vpc:public-ipv4': {
    usd: 0.005,
    unit: 'hour',
    what: 'Public IPv4 address, in use or idle',
    source: VPC_PRICING,
  },
  'vpc:nat-gateway': {
    usd: 0.045,
    unit: 'hour',
    what: 'NAT gateway, per hour (plus $0.045 per GiB processed); no lab uses one',
    source: VPC_PRICING,
  },
  'vpc:interface-endpoint-az': {
    usd: 0.01,
    unit: 'hour',
    what: 'VPC interface endpoint, per AZ per hour; no lab uses one (Lab 7 avoids a Secrets Manager endpoint with IAM database authentication)',
    source: PRIVATELINK_PRICING,
  },
  // Secrets and logs
  'secretsmanager:secret-month': {
    usd: 0.4,
    unit: 'month',
    what: 'Secrets Manager secret, per month prorated by the hour (API calls $0.05 per 10,000 extra)',
    source: SECRETS_PRICING,
  },
  'cloudwatch-logs:gib-ingested': {
    usd: 0.5,
    unit: 'GiB',
    what: 'CloudWatch Logs ingestion, Standard class (VPC flow logs are vended logs: same rate for the first 10 TiB)',
    source: CLOUDWATCH_PRICING,
  },
  'cloudwatch-logs:gib-month-stored': {
    usd: 0.03,
    unit: 'GiB-month',
    what: 'CloudWatch Logs storage (archived, compressed)',
    source: CLOUDWATCH_PRICING,
  },
} as const satisfies Record<string, Price>;

export type PriceKey = keyof typeof PRICES;

export class UnpricedResourceError extends Error {
  constructor(readonly key: string) {
    super(`The pricing table (checker/cost/pricing.ts) has no price for "${key}".`);
    this.name = 'UnpricedResourceError';
  }
}

export function isPriced(key: string | undefined): key is PriceKey {
  return key !== undefined && Object.prototype.hasOwnProperty.call(PRICES, key);
}

export function priceOf(key: string): Price {
  if (!isPriced(key)) throw new UnpricedResourceError(key);
  return PRICES[key];
}

/** USD per hour for `quantity` of the price's unit (GiB, GiB per hour...). */
export function hourlyPrice(key: string, quantity = 1): number {
  const price = priceOf(key);
  switch (price.unit) {
    case 'hour':
    case 'GiB':
    case 'GB-second':
    case 'million-requests':
      return price.usd * quantity;
    case 'month':
    case 'GiB-month':
      return (price.usd * quantity) / HOURS_PER_MONTH;
  }
}

/**
 * A billable resource of a lab, priced from the table:
 * `billable('ebs:gp3-gib-month', 1, 'bastion root volume, 8 GiB gp3', 8)`.
 */
export function billable(key: PriceKey, count: number, kind: string, quantity?: number): BillableResource {
  return {
    kind,
    count,
    priceKey: key,
    ...(quantity === undefined ? {} : { quantity }),
    usdPerHour: hourlyPrice(key, quantity ?? 1),
  };
}
