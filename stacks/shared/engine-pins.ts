/**
 * The engine versions the lab stacks pin, in one place. Plain data (no CDK):
 * each lab's `requires` (labs/NN-slug/lab.ts) spreads the pin it uses, and
 * the stacks build their engines from that `requires`, so what doctor checks,
 * what the lesson says and what the template creates cannot disagree.
 *
 * Automatic minor upgrades are off on every instance: with them on, RDS would
 * move an instance to a newer patch at a maintenance window while the template
 * still names this one, and the next deploy would ask for a downgrade, which
 * RDS refuses. Moving a pin here is how a version changes.
 */

/** RDS for MySQL 8.4 (LTS), newest patch CDK knows. */
export const MYSQL_PIN = { engine: 'mysql', engineVersion: '8.4.10' } as const;

/**
 * Aurora MySQL 3.10, a long-term-support release (MySQL 8.0.42 compatible):
 * the stacks stay deployable for years, and it is past 3.08.0, which
 * Serverless v2 auto-pause needs.
 */
export const AURORA_MYSQL_PIN = { engine: 'aurora-mysql', engineVersion: '8.0.mysql_aurora.3.10.4' } as const;

/**
 * Valkey rather than Redis OSS: about 20% cheaper per node and
 * wire-compatible with the Redis clients (ioredis) the labs use. 8.2 is the
 * newest 8.x engine ElastiCache offers.
 */
export const VALKEY_PIN = { engine: 'valkey', engineVersion: '8.2' } as const;

/** `8.4.10` -> `8.4`; `8.0.mysql_aurora.3.10.4` -> `8.0`: the major version CDK and parameter group families use. */
export function majorVersionOf(fullVersion: string): string {
  const [major, minor] = fullVersion.split('.');
  return `${major}.${minor}`;
}

/** `db.t4g.micro` -> `t4g.micro`: an RDS class as CDK's ec2.InstanceType names it. */
export function instanceTypeName(instanceClass: string): string {
  return instanceClass.replace(/^db\./, '');
}
