/**
 * Lab 4, exercise 3: time the resume from pause.
 *
 * Meant to fail until you complete it. A cluster paused at 0 ACUs wakes up
 * on the first connection; the client sees a connection that waits (or is
 * refused at first). Start a clock, then keep trying: open a connection with
 * mysql.createConnection({ ...ctx.connection, connectTimeout: ctx.connectTimeoutMs }),
 * run SELECT 1, end the connection. When an attempt fails, wait a little
 * (100-200 ms) and try again, until ctx.giveUpMs has passed. Return the
 * milliseconds from the first attempt to the first answer.
 *
 * Run: npm run check -- 4 --exercise 03
 */
import type { ServerlessContext } from '../../../checker/exercise-api.js';

export async function measureResume(ctx: ServerlessContext): Promise<number> {
  throw new Error('TODO: retry connect + SELECT 1 until it works, return the ms from the first attempt to the first answer');
}
