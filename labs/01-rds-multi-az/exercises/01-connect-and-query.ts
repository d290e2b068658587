/**
 * Lab 1, exercise 1: connect over TLS and run the course's steps.
 *
 * Meant to fail until you complete it: every function still throws its
 * starting TODO. On AWS the endpoint requires TLS (require_secure_transport),
 * and ctx.connection already carries the RDS certificate bundle: spread it
 * into mysql2's options and TLS is on. (TLS is judged on --target aws only:
 * the local engines run without certificates.)
 *
 * What the checks judge:
 *   - connect: a connection of its own (not one borrowed from a pool), which
 *     the caller closes with end(); it rejects within about ctx.timeoutMs
 *     (milliseconds, as given) when the endpoint never answers.
 *   - createUsersTable: id AUTO_INCREMENT PRIMARY KEY, name, email with a
 *     unique key of its own; column types and extra columns (with defaults)
 *     are yours. A second call changes nothing and keeps the stored users.
 *   - insertUsers: adds the users given, in the order given (their ids follow
 *     the list), next to those already stored; the values travel as
 *     parameters (? placeholders in query or execute), never inside the SQL
 *     text (not even escaped); every statement has finished (and is committed)
 *     when it returns; an empty list stores nothing; a user whose email is
 *     already stored makes it reject with the duplicate-key error 1062 (whether
 *     the rest of that batch stays is up to you).
 *   - listUsers: every row, read from the database on each call, each as
 *     exactly { id, name, email } (id a number), in id order.
 *
 * Run: npm run check -- 1 --exercise 01
 */
import mysql from 'mysql2/promise';
import type { EndpointContext } from '../../../checker/exercise-api.js';

export interface NewUser {
  name: string;
  email: string;
}

/** Opens a connection to the endpoint, giving up after ctx.timeoutMs. */
export async function connect(ctx: EndpointContext): Promise<mysql.Connection> {
  throw new Error('TODO: mysql.createConnection({ ...ctx.connection, connectTimeout: ctx.timeoutMs })');
}

/** Creates the users table (id auto-increment primary key, name, unique email) if it does not exist. */
export async function createUsersTable(conn: mysql.Connection): Promise<void> {
  throw new Error('TODO: CREATE TABLE IF NOT EXISTS users (...)');
}

/** Inserts the users, with placeholders (never string concatenation). */
export async function insertUsers(conn: mysql.Connection, users: NewUser[]): Promise<void> {
  throw new Error('TODO: INSERT INTO users (name, email) VALUES (?, ?) for each user');
}

/** Returns every user as { id, name, email }, in id order. */
export async function listUsers(conn: mysql.Connection): Promise<Array<{ id: number; name: string; email: string }>> {
  throw new Error('TODO: SELECT id, name, email FROM users ORDER BY id');
}
