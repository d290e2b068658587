/**
 * Faults the database itself raises on writes to users, so the function's
 * own connection meets them: a refused write (SIGNAL) or a slow one (SLEEP).
 * Triggers, because the function is another process the checker cannot wrap.
 */
import type { Connection } from 'mysql2/promise';

const TRIGGERS = ['dtl_fault_insert', 'dtl_fault_update'];

export async function clearWriteFaults(sql: Connection): Promise<void> {
  for (const name of TRIGGERS) await sql.query(`DROP TRIGGER IF EXISTS ${name}`);
}

/** Every INSERT or UPDATE of users fails with an error, until cleared. */
export async function refuseWrites(sql: Connection): Promise<void> {
  await clearWriteFaults(sql);
  await sql.query(
    `CREATE TRIGGER dtl_fault_insert BEFORE INSERT ON users FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'write refused (the checker made the database refuse it)'`,
  );
  await sql.query(
    `CREATE TRIGGER dtl_fault_update BEFORE UPDATE ON users FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'write refused (the checker made the database refuse it)'`,
  );
}

/** Every INSERT or UPDATE of users takes `ms` longer before it changes the row, until cleared. */
export async function slowWrites(sql: Connection, ms: number): Promise<void> {
  await clearWriteFaults(sql);
  const seconds = (ms / 1000).toFixed(3);
  await sql.query(`CREATE TRIGGER dtl_fault_insert BEFORE INSERT ON users FOR EACH ROW SET @dtl_slept = SLEEP(${seconds})`);
  await sql.query(`CREATE TRIGGER dtl_fault_update BEFORE UPDATE ON users FOR EACH ROW SET @dtl_slept = SLEEP(${seconds})`);
}
