/** Reference solution for Lab 2, exercise 2: a marker row timed from primary to replica. */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ReplicaContext } from '../../../checker/exercise-api.js';

export async function measureLag(ctx: ReplicaContext): Promise<number> {
  const token = randomUUID();
  await ctx.primary.query('INSERT INTO lag_markers (token) VALUES (?)', [token]);
  const written = Date.now();
  while (Date.now() - written < ctx.giveUpMs) {
    const rows = await ctx.replica.query('SELECT token FROM lag_markers WHERE token = ?', [token]);
    if (rows.length > 0) return Date.now() - written;
    await sleep(10);
  }
  throw new Error(`the marker did not reach the replica within ${ctx.giveUpMs} ms: is replication running?`);
}
