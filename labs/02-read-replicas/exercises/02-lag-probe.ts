/**
 * Lab 2, exercise 2: measure replica lag from the client.
 *
 * Meant to fail until you complete it. Replication is asynchronous: a row
 * written on the primary shows up on the replica a little later. Measure how
 * much later with a marker: INSERT a unique token into lag_markers (token)
 * on the PRIMARY, then poll the REPLICA every few milliseconds until the row
 * is there, and return the milliseconds that took. Give up after 30 s.
 *
 * Run: npm run check -- 2 --exercise 02
 */
import type { ReplicaContext } from '../../../checker/exercise-api.js';

export async function measureLag(ctx: ReplicaContext): Promise<number> {
  throw new Error('TODO: write a marker on ctx.primary, poll ctx.replica until it appears, return the elapsed ms');
}
