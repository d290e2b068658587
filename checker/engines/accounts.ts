/**
 * The accounts learner code uses on the local engines: a MariaDB user with
 * rights on the lab database only, and a Redis ACL user without the
 * administrative commands. A learner's DROP DATABASE mysql or FLUSHALL is
 * then refused as it would be on RDS or ElastiCache, instead of damaging the
 * engines the checker relies on. The checker keeps root and Redis's default
 * user (which now needs a password).
 */
import { randomBytes } from 'node:crypto';
import type { Connection } from 'mysql2/promise';

export interface MysqlAccount {
  user: string;
  password: string;
}

export interface RedisAccount {
  username: string;
  password: string;
}

/** Fixed: it guards against mistakes, not against the learner, who is handed it anyway. */
export const LEARNER_ACCOUNT: MysqlAccount = { user: 'learner', password: 'learner-local-1' };

/**
 * What the labs need: everything on their database, and reading the
 * statement digests (Lab 6, Performance Insights' stand-in). `extra` grants
 * what one engine shape adds (a replica set lets the learner read replication status).
 */
export function learnerGrants(database: string, account: MysqlAccount = LEARNER_ACCOUNT, extra: string[] = []): string[] {
  const who = `'${account.user}'@'%'`;
  return [
    `CREATE USER ${who} IDENTIFIED BY '${account.password}'`,
    `GRANT ALL PRIVILEGES ON \`${database}\`.* TO ${who}`,
    `GRANT SELECT ON performance_schema.* TO ${who}`,
    ...extra.map((privileges) => `GRANT ${privileges} ON *.* TO ${who}`),
  ];
}

export async function createLearnerAccount(root: Connection, database: string, extra: string[] = []): Promise<MysqlAccount> {
  for (const statement of learnerGrants(database, LEARNER_ACCOUNT, extra)) await root.query(statement);
  return { ...LEARNER_ACCOUNT };
}

export interface RedisAccounts {
  /** The default user's password (requirepass): the checker's own account. */
  password: string;
  learner: RedisAccount;
}

/** Fresh passwords for one redis-server. */
export function newRedisAccounts(): RedisAccounts {
  const secret = () => randomBytes(12).toString('hex');
  return { password: secret(), learner: { username: 'learner', password: secret() } };
}

/**
 * ElastiCache's default user cannot run CONFIG, SHUTDOWN and the like either;
 * KEYS and SCAN stay allowed there, so they stay here.
 */
export const LEARNER_REDIS_RULES = ['~*', '&*', '+@all', '-@admin', '-flushall', '-flushdb', '-swapdb', '-migrate', '-restore'];

/** redis-server arguments that set both accounts. */
export function redisAccountArgs(accounts: RedisAccounts): string[] {
  return ['--requirepass', accounts.password, '--user', accounts.learner.username, 'on', `>${accounts.learner.password}`, ...LEARNER_REDIS_RULES];
}
