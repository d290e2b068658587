/**
 * Lab 2 on AWS: the replica must refuse a write with MySQL error 1290
 * (read-only). The statement is harmless if it ever ran: it creates an empty table.
 */
import mysql from 'mysql2/promise';
import type { CheckResult } from '../../core/result.js';
import type { MysqlEndpoint } from '../../engines/endpoints.js';
import { connectionSettings } from '../replication-session.js';

export async function writesRefusedCheck(replica: MysqlEndpoint): Promise<CheckResult> {
  const base = { id: '02.aws.writes-refused', name: 'the replica refuses writes (error 1290)', group: 'aws', durationMs: 0 };
  let conn: mysql.Connection | undefined;
  try {
    conn = await mysql.createConnection({ ...connectionSettings(replica), connectTimeout: 5_000 } as mysql.ConnectionOptions);
    await conn.query('CREATE TABLE IF NOT EXISTS kit_write_probe (id INT PRIMARY KEY)');
    return {
      ...base,
      status: 'fail',
      message: 'the replica accepted a write: it is not read-only (is this endpoint the primary, or was the replica promoted?)',
      hint: 'Point --replica-instance at the read replica; a promoted replica no longer replicates.',
    };
  } catch (err) {
    const errno = (err as { errno?: number }).errno;
    if (errno === 1290 || errno === 1836) return { ...base, status: 'pass', message: `refused with error ${errno}: ${(err as Error).message}` };
    return { ...base, status: 'error', message: `could not test a write on the replica: ${(err as Error).message}` };
  } finally {
    conn?.destroy();
  }
}
