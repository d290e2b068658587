import { CheckFailed, ensure, type ExerciseCheck, type Harness } from '../harness.js';
import { cached, expectBoundedTtl, primeCachedUser, sameUser, sampleUser } from './shared.js';
import { show } from '../../show-value.js';

const id = (name: string) => `05.04.${name}`;

/** What a cache-aside reader would return now: the cache, else the database. */
async function readThrough(h: Harness, userId: number): Promise<{ email?: string } | undefined> {
  const entry = (await cached(h, `user:${userId}`)) as { email?: string } | undefined;
  if (entry !== undefined) return entry;
  return h.row<{ email: string }>('SELECT email FROM users WHERE id = ?', [userId]);
}

async function requireInvalidation(h: Harness): Promise<void> {
  await primeCachedUser(h, 8);
  const { ctx } = h.context();
  await h.call('updateUserEmail', ctx, 8, 'probe8@example.com');
  const after = await readThrough(h, 8);
  if (after?.email !== 'probe8@example.com') throw new CheckFailed('cannot be judged yet: after updateUserEmail the old cache entry is still served');
}

export const invalidationChecks: ExerciseCheck[] = [
  {
    id: id('no-stale-read'),
    name: 'no stale read after an update',
    hint: 'After the UPDATE succeeded, DEL user:<id> so the next read misses and loads the new row.',
    async run(h) {
      await primeCachedUser(h, 4);
      const { ctx } = h.context();
      await h.call('updateUserEmail', ctx, 4, 'new4@example.com');
      const row = await h.row<{ email: string }>('SELECT email FROM users WHERE id = 4');
      ensure(row?.email === 'new4@example.com', `after updateUserEmail the database holds ${show(row?.email)}: the UPDATE did not happen`);
      const read = await readThrough(h, 4);
      ensure(read?.email === 'new4@example.com', `stale read: after the update a cache-aside read still returns ${show(read?.email)} from user:4 in Redis`);
      const entry = await cached(h, 'user:4');
      if (entry !== undefined) {
        // Updating the entry in place instead of deleting it is allowed, if it stays a whole, expiring entry.
        ensure(
          sameUser(entry, { ...sampleUser(4), email: 'new4@example.com' }),
          `after the update user:4 in Redis holds ${show(entry)}, not the whole updated user`,
        );
        await expectBoundedTtl(
          h,
          'user:4',
          ctx.ttlSeconds,
          "a SET that rewrites the entry drops its TTL unless you pass 'EX' again; deleting the key is simpler",
        );
      }
      return entry === undefined ? 'the entry was invalidated; the next read returns the new email' : 'the entry was rewritten with the new email and a TTL';
    },
  },
  {
    id: id('invalidate-after-write'),
    name: 'the entry is invalidated after the database write, not before',
    hint: 'Deleting first leaves a window: a reader can re-cache the old row before the UPDATE lands. Delete after it.',
    async run(h) {
      await requireInvalidation(h);
      await primeCachedUser(h, 4);
      const { ctx } = h.context({
        faults: {
          // A concurrent reader re-caches the old row just before the UPDATE lands.
          beforeWrite: async () => {
            await primeCachedUser(h, 4);
          },
        },
      });
      await h.call('updateUserEmail', ctx, 4, 'raced4@example.com');
      const read = await readThrough(h, 4);
      ensure(
        read?.email === 'raced4@example.com',
        `a read that raced the update re-cached the old row, and ${show(read?.email)} was still served afterwards: delete the key after the UPDATE, not before`,
      );
      return 'even with a racing reader, no stale value survives the update';
    },
  },
  {
    id: id('failed-update'),
    name: 'a failed update reaches the caller and never caches the refused value',
    hint: 'Let the database error propagate; there is nothing to invalidate when nothing changed.',
    async run(h) {
      await requireInvalidation(h);
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
