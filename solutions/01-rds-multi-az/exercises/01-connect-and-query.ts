/** Reference solution for Lab 1, exercise 1. */
import mysql from 'mysql2/promise';
import type { EndpointContext } from '../../../checker/exercise-api.js';

export interface NewUser {
  name: string;
  email: string;
}

export async function connect(ctx: EndpointContext): Promise<mysql.Connection> {
  return mysql.createConnection({ ...ctx.connection, connectTimeout: ctx.timeoutMs } as mysql.ConnectionOptions);
}

export async function createUsersTable(conn: mysql.Connection): Promise<void> {
  await conn.query(`CREATE TABLE IF NOT EXISTS users (
    id INT AUTO_INCREMENT PRIMARY KEY,
    name VARCHAR(100) NOT NULL,
    email VARCHAR(200) NOT NULL UNIQUE
  )`);
}

export async function insertUsers(conn: mysql.Connection, users: NewUser[]): Promise<void> {
  for (const user of users) {
    await conn.execute('INSERT INTO users (name, email) VALUES (?, ?)', [user.name, user.email]);
  }
}

export async function listUsers(conn: mysql.Connection): Promise<Array<{ id: number; name: string; email: string }>> {
  const [rows] = await conn.query('SELECT id, name, email FROM users ORDER BY id');
  return rows as Array<{ id: number; name: string; email: string }>;
}
