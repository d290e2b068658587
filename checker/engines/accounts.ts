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

/**
 * The checker's own MariaDB account: root, with a password made for this
 * checker process and set on every server it starts, so code that finds a
 * server's port cannot sign in as root (and, say, switch off the general log
 * the checker counts statements with). It lives only in this process's memory.
 */
export const ROOT_ACCOUNT: MysqlAccount = { user: 'root', password: randomBytes(12).toString('hex') };

/**
 * Gives the root accounts of a fresh server (installed without a root
 * password) ROOT_ACCOUNT's password, and drops those named by a host name
 * (ignored anyway with --skip-name-resolve); not replicated.
 */
export async function lockRoot(freshRoot: Connection): Promise<void> {
  await freshRoot.query('SET SESSION sql_log_bin = 0');
  const [rows] = await freshRoot.query("SELECT Host AS host FROM mysql.user WHERE User = 'root'");
  for (const { host } of rows as Array<{ host: string }>) {
    if (ROOT_HOSTS.has(host)) await freshRoot.query('ALTER USER ?@? IDENTIFIED BY ?', [ROOT_ACCOUNT.user, host, ROOT_ACCOUNT.password]);
    else await freshRoot.query('DROP USER ?@?', [ROOT_ACCOUNT.user, host]);
  }
}

const ROOT_HOSTS = new Set(['localhost', '127.0.0.1', '::1', '%']);

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
