/**
 * The server side of `npm run load`: before a run, one connection proves the
 * server is there, lets this user in, and has room for every worker; after a
 * run, errors that came from the environment (not from the statements) turn
 * the exit code into 2 with the reason.
 */
import mysql from 'mysql2/promise';
import { EnvironmentError } from '../core/errors.js';
import type { ConnectionSettings } from '../exercise-api.js';
import type { LoadSummary } from './load-generator.js';

/** mysql2 codes (and errnos) that say the server or the network refused, not the statement. */
const ENVIRONMENT_CODES: Record<string, string> = {
  ECONNREFUSED: 'nothing is listening there (connection refused)',
  ENOTFOUND: 'that host name does not resolve',
  EAI_AGAIN: 'that host name could not be resolved right now',
  ETIMEDOUT: 'the connection timed out',
  EHOSTUNREACH: 'the host cannot be reached',
  ECONNRESET: 'the server closed the connection',
  ER_CON_COUNT_ERROR: 'the server has too many connections',
  ER_ACCESS_DENIED_ERROR: 'the server refused the user or password',
  ER_DBACCESS_DENIED_ERROR: 'the user may not use that database',
  ER_BAD_DB_ERROR: 'that database does not exist',
  ER_HOST_NOT_PRIVILEGED: 'the server does not accept connections from this host',
};

const NEXT_STEP =
  'Check --host, --port, --user, --database and the password (MYSQL_PWD or --password), or leave out --host to run against a private MariaDB on this machine.';

function where(c: ConnectionSettings): string {
  return `${c.user}@${c.host}:${c.port}/${c.database}`;
}

/** The reason in the kit's words when the error came from the environment, else undefined. */
export function environmentReason(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? ENVIRONMENT_CODES[code] : undefined;
}

export function connectionProblem(err: unknown, c: ConnectionSettings): EnvironmentError {
  const reason = environmentReason(err) ?? `the connection failed (${(err as Error)?.message ?? String(err)})`;
  return new EnvironmentError(`The load generator could not connect to ${where(c)}: ${reason}. Nothing was run.`, NEXT_STEP);
}

/** One connection before the run: the server answers, and it has a connection for every worker. */
export async function checkServer(c: ConnectionSettings, workers: number): Promise<void> {
  let conn: mysql.Connection;
  try {
    conn = await mysql.createConnection({ ...c, connectTimeout: 10_000 });
  } catch (err) {
    throw connectionProblem(err, c);
  }
  try {
    const [rows] = await conn.query(
      "SELECT @@max_connections AS max, (SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'THREADS_CONNECTED') AS used",
    );
    const { max, used } = (rows as Array<{ max: unknown; used: unknown }>)[0] ?? {};
    // This check's own connection goes away before the run starts.
    const free = Number(max) - Number(used) + 1;
    if (Number.isFinite(free) && workers > free) {
      throw new EnvironmentError(
        `--workers ${workers} needs ${workers} connections, but ${where(c)} allows ${Number(max)} (max_connections) and ${Number(used) - 1} are in use by others. Nothing was run.`,
        `Lower --workers to ${Math.max(1, free)} or fewer, or raise max_connections on the server.`,
      );
    }
  } catch (err) {
    if (err instanceof EnvironmentError) throw err;
    // A server that hides its status still ran the query path; the run itself reports what happens.
  } finally {
    await conn.end().catch(() => {});
  }
}

/** After a run: the environment's part in the errors, as the reason the exit code is 2. */
export function runEnvironmentProblem(summary: LoadSummary, c: ConnectionSettings): EnvironmentError | undefined {
  const reasons = summary.firstErrors
    .map((text) => Object.entries(ENVIRONMENT_CODES).find(([code]) => text.startsWith(`${code}:`) || text.includes(` ${code} `))?.[1])
    .filter(Boolean);
  if (reasons.length === 0) return undefined;
  return new EnvironmentError(
    `${summary.errors} of ${summary.operations} operations failed because ${[...new Set(reasons)].join(' and ')} (${where(c)}), so the figures above do not measure the statements.`,
    NEXT_STEP,
  );
}
