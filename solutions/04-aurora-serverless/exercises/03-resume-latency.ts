/** Reference solution for Lab 4, exercise 3: retry connect + SELECT 1 from one clock started before the first attempt. */
import mysql from 'mysql2/promise';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ServerlessContext } from '../../../checker/exercise-api.js';

export async function measureResume(ctx: ServerlessContext): Promise<number> {
  const started = Date.now();
  let lastError: unknown;
  while (Date.now() - started < ctx.giveUpMs) {
    try {
      const conn = await mysql.createConnection({ ...ctx.connection, connectTimeout: ctx.connectTimeoutMs });
      try {
        await conn.query('SELECT 1');
        return Date.now() - started;
      } finally {
        await conn.end().catch(() => {});
      }
    } catch (err) {
      lastError = err;
      await sleep(100);
    }
  }
  throw new Error(`the cluster did not answer within ${ctx.giveUpMs} ms: ${(lastError as Error)?.message ?? 'no attempt made'}`);
}
