import { CheckFailed, describeTtl, ensure, type ExerciseCheck, type Harness } from '../harness.js';
import { cacheChangesWithin, cached, pauseWrites, primeCachedUser, sameUser, sampleUser, unpauseWrites } from './shared.js';
import { show } from '../../show-value.js';

const id = (name: string) => `05.04.${name}`;

/** How long the checker holds a write: a delete sent without waiting for it lands within this. */
const HOLD_MS = 300;

/** What a cache-aside reader would return now: the cache, else the database. */
async function readThrough(h: Harness, userId: number): Promise<{ email?: string } | undefined> {
  const entry = (await cached(h, `user:${userId}`)) as { email?: string } | undefined;
  if (entry !== undefined) return entry;
  return h.row<{ email: string }>('SELECT email FROM users WHERE id = ?', [userId]);
}

/** user:<id> must be gone after updateUserEmail: rewritten, shortened or marked entries are not deleted ones. */
async function expectDeleted(h: Harness, userId: number, after: string): Promise<void> {
  const key = `user:${userId}`;
  const type = await h.redis.type(key);
  if (type === 'none') return;
  const raw = type === 'string' ? await h.redis.get(key) : `a ${type}`;
  const pttl = await h.pttl(key);
  throw new CheckFailed(
    `${after}, ${key} is still in Redis (${show(raw)}, ${describeTtl(pttl)}): DEL it after the UPDATE, so the next read misses and reloads the row (rewriting or shortening the entry races with other writers)`,
  );
}

/** A user id of its own per check, so code that remembers ids it has seen cannot spoil every later probe. */
async function requireInvalidation(h: Harness, probeId: number): Promise<void> {
  await primeCachedUser(h, probeId);
  const { ctx } = h.context();
  await h.call('updateUserEmail', ctx, probeId, `probe${probeId}@example.com`);
  const after = await readThrough(h, probeId);
  if (after?.email !== `probe${probeId}@example.com`) throw new CheckFailed('cannot be judged yet: after updateUserEmail the old cache entry is still served');
}

export const invalidationChecks: ExerciseCheck[] = [
  {
    id: id('no-stale-read'),
    name: 'after an update user:<id> is deleted, every time, and nothing else',
    hint: 'After the UPDATE succeeded, DEL user:<id> (that key only) so the next read misses and loads the new row.',
    async run(h) {
      await primeCachedUser(h, 4);
      await primeCachedUser(h, 5);
      const { ctx } = h.context();
      await h.call('updateUserEmail', ctx, 4, 'new4@example.com');
      const row = await h.row<{ email: string }>('SELECT email FROM users WHERE id = 4');
      ensure(row?.email === 'new4@example.com', `after updateUserEmail the database holds ${show(row?.email)}: the UPDATE did not happen`);
      const read = await readThrough(h, 4);
      ensure(read?.email !== sampleUser(4).email, `stale read: after the update a cache-aside read still returns ${show(read?.email)} from user:4 in Redis`);
      // Anything else left under the key (a rewritten entry, a marker) is not a deleted one either.
      await expectDeleted(h, 4, 'after updateUserEmail(ctx, 4, ...)');
      const other = await cached(h, 'user:5');
      ensure(sameUser(other, sampleUser(5)), `updating user 4 also removed or changed user:5 (now ${show(other)}): delete only the updated user's key`);
      // A reader cached the new row again; the next update must delete it again.
      await primeCachedUser(h, 4);
      await h.call('updateUserEmail', ctx, 4, 'newer4@example.com');
      await expectDeleted(h, 4, 'after a second updateUserEmail(ctx, 4, ...) of the same user');
      return 'user:4 was deleted after each update, and user:5 was left alone';
    },
  },
  {
    id: id('invalidate-after-write'),
    name: 'the entry is invalidated after the database write, not before',
    hint: 'Await the UPDATE, then DEL: a delete that runs before (or beside) the UPDATE leaves a window in which a reader re-caches the old row.',
    async run(h) {
      await requireInvalidation(h, 8);
      await primeCachedUser(h, 11);
      const { ctx } = h.context({
        faults: {
          // The checker holds the UPDATE a moment: a delete that does not wait for it lands meanwhile.
          // Then a concurrent reader re-caches the old row, just before the UPDATE lands.
          beforeWrite: async () => {
            await cacheChangesWithin(HOLD_MS, async () => (await h.redis.exists('user:11')) === 0);
            await primeCachedUser(h, 11);
          },
        },
      });
      await h.call('updateUserEmail', ctx, 11, 'raced11@example.com');
      const read = await readThrough(h, 11);
      ensure(
        read?.email === 'raced11@example.com',
        `a read that raced the update re-cached the old row, and ${show(read?.email)} was still served afterwards: delete the key after the UPDATE, not before or while it runs (await the UPDATE, then DEL)`,
      );
      return 'even with a racing reader, no stale value survives the update';
    },
  },
  {
    id: id('deleted-before-return'),
    name: 'updateUserEmail resolves only once user:<id> is gone',
    hint: 'await the DEL: a delete sent without waiting (or on a timer) can land after the caller has read the old entry.',
    async run(h) {
      await requireInvalidation(h, 9);
      await pauseWrites(h, 1);
      await primeCachedUser(h, 7);
      const { ctx } = h.context({
        faults: {
          // From the UPDATE on, Redis holds every write a moment: an un-awaited DEL is still pending when updateUserEmail resolves.
          beforeWrite: async () => pauseWrites(h, HOLD_MS).catch(() => undefined),
        },
      });
      let exists: number;
      try {
        await h.call('updateUserEmail', ctx, 7, 'new7@example.com');
        exists = await h.redis.exists('user:7');
      } finally {
        await unpauseWrites(h);
      }
      ensure(
        exists === 0,
        'updateUserEmail resolved while user:7 was still in Redis: await the DEL so a read right after the update misses and loads the new row',
      );
      return 'user:7 was gone when updateUserEmail resolved';
    },
  },
  {
    id: id('failed-update'),
    name: 'a failed update reaches the caller and never caches the refused value',
    hint: 'Let the database error propagate; there is nothing to invalidate when nothing changed.',
    async run(h) {
      await requireInvalidation(h, 10);
      await primeCachedUser(h, 6);
      const { ctx } = h.context({ faults: { failWrites: 1 } });
      const outcome = await h.attempt('updateUserEmail', ctx, 6, 'refused6@example.com');
      const read = await readThrough(h, 6);
      ensure(read?.email !== 'refused6@example.com', 'the database refused the update, yet reads now return the refused email');
      ensure(!outcome.ok, 'the database refused the update but updateUserEmail resolved: the error must reach the caller');
      return 'the error reached the caller; reads still return the stored email';
    },
  },
];
