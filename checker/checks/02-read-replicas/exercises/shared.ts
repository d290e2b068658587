/** What the Lab 2 checks share: which server answered. */
import { CheckFailed } from '../../../runner/harness.js';
import { show } from '../../show-value.js';

export function serverIdIn(rows: unknown, what: string): number {
  const first = Array.isArray(rows) ? (rows[0] as Record<string, unknown> | undefined) : undefined;
  const value = first ? Object.values(first)[0] : undefined;
  const id = Number(value);
  if (!Number.isFinite(id)) throw new CheckFailed(`${what} returned ${show(rows)}, not the rows of SELECT @@server_id`);
  return id;
}

export const whichServer = (id: number, primary: number, replica: number): string =>
  id === primary ? `the primary (server ${id})` : id === replica ? `the replica (server ${id})` : `server ${id}`;
