/**
 * Lab 1, exercise 1: connect over TLS and run the course's steps.
 *
 * Meant to fail until you complete it: every function still throws its
 * starting TODO. On AWS the endpoint requires TLS (require_secure_transport),
 * and ctx.connection already carries the RDS certificate bundle: spread it
 * into mysql2's options and TLS is on.
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
