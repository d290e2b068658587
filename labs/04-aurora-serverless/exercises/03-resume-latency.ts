/**
 * Lab 4, exercise 3: time the resume from pause.
 *
 * Meant to fail until you complete it. A cluster paused at 0 ACUs wakes up
 * on the first connection; the client sees a connection that waits (or is
 * refused at first). Start a clock and make the first attempt at once, then
 * keep trying, one attempt at a time: open a connection with
 * mysql.createConnection({ ...ctx.connection, connectTimeout: ctx.connectTimeoutMs }),
 * run SELECT 1 (query or execute; a ping or an open connection is not the
 * answer), end the connection. Any failure is a failed attempt (refused,
 * timed out, SELECT 1 failing): end or destroy its connection if one opened,
 * wait a little (100-200 ms) and try again. Start no attempt once
 * ctx.giveUpMs has passed; then throw an Error (there was no answer).
 * Return the milliseconds from the first attempt to the answer of SELECT 1.
 *
 * Run: npm run check -- 4 --target local --exercise 03
 */
import type { ServerlessContext } from '../../../checker/exercise-api.js';

export async function measureResume(ctx: ServerlessContext): Promise<number> {
  throw new Error('TODO: retry connect + SELECT 1 until it works, return the ms from the first attempt to the first answer');
}
