/**
 * Lab 2, exercise 2: measure replica lag from the client.
 *
 * Meant to fail until you complete it. Replication is asynchronous: a row
 * written on the primary shows up on the replica a little later. Measure how
 * much later with a marker: INSERT a unique token into lag_markers (token)
 * on the PRIMARY, then poll the REPLICA every few milliseconds until the row
 * is there, and return the milliseconds that took. Give up after
 * ctx.giveUpMs (30 000 is a sensible production value; the checks pass a
 * few seconds so that a run does not wait half a minute).
 *
 * What the checks judge:
 * - The token is new on every call, even for calls made in the same
 *   millisecond, and fits lag_markers.token (VARCHAR(64)): a UUID does.
 * - Each poll asks the replica for YOUR token's row (not any row; note that
 *   SELECT COUNT(*) always returns one row) and sleeps a few milliseconds
 *   (1 to about 50) before the next poll.
 * - The lag is timed on your own clock (Date.now or performance.now), from
 *   just before the INSERT or from its answer, to the poll that found the
 *   row, in milliseconds (fractions are fine). Server clocks (NOW(),
 *   created_at) are not used: the two servers' clocks may disagree.
 * - If the primary refuses the INSERT, measureLag rejects at once with that
 *   error: a marker never written never arrives.
 * - When the row has not arrived ctx.giveUpMs after the call, measureLag
 *   throws an Error (it does not return a number); it keeps polling until
 *   then, and gives up soon after (a poll's time late at most).
 * - Once measureLag has returned or thrown, nothing keeps polling (no loop,
 *   interval or timer left running).
 * - It touches no other marker in lag_markers (deleting your own afterwards
 *   is fine).
 * Whether a failed poll ends the probe or is retried is up to you.
 *
 * Run: npm run check -- 2 --exercise 02
 */
import type { ReplicaContext } from '../../../checker/exercise-api.js';

export async function measureLag(ctx: ReplicaContext): Promise<number> {
  throw new Error('TODO: write a marker on ctx.primary, poll ctx.replica until it appears, return the elapsed ms');
}
