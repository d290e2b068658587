import { CheckFailed, ensure, type ExerciseCheck, type Harness } from '../harness.js';
import { cacheChangesWithin, cached, expectBoundedTtl, pauseWrites, primeCachedUser, sameUser, sampleUser, unpauseWrites } from './shared.js';
import { show } from '../../show-value.js';

const id = (name: string) => `05.03.${name}`;

const renamed = { id: 1, name: 'Ada Lovelace', email: 'ada@example.com' };
/** How long the checker holds a write: a cache write sent without waiting for it lands within this. */
const HOLD_MS = 300;

async function requireCacheWrite(h: Harness): Promise<void> {
  await primeCachedUser(h, 9);
  const { ctx } = h.context();
  await h.call('saveUser', ctx, { id: 9, name: 'Probe', email: 'probe@example.com' });
  const entry = (await cached(h, 'user:9')) as { name?: string } | undefined;
  if (entry?.name !== 'Probe') throw new CheckFailed('cannot be judged yet: saveUser does not write the new value to the cache');
}

export const writeThroughChecks: ExerciseCheck[] = [
  {
    id: id('cache-updated'),
    name: 'the cache holds the new value right after the write',
    hint: 'After the database write succeeded: SET user:<id> JSON.stringify(user) EX ctx.ttlSeconds.',
    async run(h) {
      await primeCachedUser(h, 1);
      const { ctx } = h.context();
      await h.call('saveUser', ctx, renamed);
      const row = await h.row<{ name: string; email: string }>('SELECT name, email FROM users WHERE id = 1');
      ensure(
        row?.name === renamed.name && row.email === renamed.email,
        `after saveUser the database row for user 1 is ${show(row)}: the database was not written`,
      );
      const entry = await cached(h, 'user:1');
      ensure(sameUser(entry, renamed), `right after saveUser, user:1 in Redis holds ${show(entry)}: write-through must put the new value in the cache`);
      return 'database and cache both hold the new value';
    },
  },
  {
    id: id('database-first'),
    name: 'the database is written before the cache',
    hint: 'await the database write first; a cache written first serves data the database may still refuse.',
    async run(h) {
      await requireCacheWrite(h);
      await primeCachedUser(h, 1);
      let writtenEarly = false;
      const { ctx } = h.context({
        faults: {
          // The checker holds the INSERT a moment: a cache write that does not wait for it lands meanwhile.
          beforeWrite: async () => {
            writtenEarly = await cacheChangesWithin(HOLD_MS, async () => sameUser(await cached(h, 'user:1'), renamed));
          },
        },
      });
      await h.call('saveUser', ctx, renamed);
      ensure(
        !writtenEarly,
        'the cache held the new value while the database write was still in progress: the cache was written before the database (await the write first, not in parallel)',
      );
      return 'the cache changed only after the database write';
    },
  },
  {
    id: id('failed-write'),
    name: 'a failed database write leaves the cache unchanged and reaches the caller',
    hint: 'Do not catch the database error (or rethrow it), and only touch the cache after the write succeeded.',
    async run(h) {
      await requireCacheWrite(h);
      await primeCachedUser(h, 2);
      const { ctx } = h.context({ faults: { failWrites: 1 } });
      const outcome = await h.attempt('saveUser', ctx, { id: 2, name: 'Never Saved', email: 'never@example.com' });
      const entry = (await cached(h, 'user:2')) as { name?: string } | undefined;
      ensure(
        entry?.name !== 'Never Saved',
        'the database refused the write, yet user:2 in Redis now holds the refused value: the cache was filled on a failed write',
      );
      ensure(
        sameUser(entry, sampleUser(2)),
        `the database refused the write, and user:2 in Redis went from the stored user to ${show(entry)}: leave the cache alone when nothing changed (the old entry is still right)`,
      );
      ensure(!outcome.ok, 'the database refused the write but saveUser resolved: the error must reach the caller');
      return 'the error reached the caller and the cache kept the old value';
    },
  },
  {
    id: id('ttl-bounded'),
    name: 'written entries get a TTL between 90% and 100% of ctx.ttlSeconds',
    hint: "Write-through entries expire too: SET ... 'EX', ctx.ttlSeconds (jitter may subtract up to a tenth).",
    async run(h) {
      const { ctx } = h.context({ ttlSeconds: 30 });
      await h.call('saveUser', ctx, renamed);
      const pttl = await expectBoundedTtl(h, 'user:1', 30, undefined, true);
      return `user:1 written with a ${Math.round(pttl / 1000)} s TTL`;
    },
  },
  {
    id: id('new-user-cached'),
    name: 'a new user is stored and served from the cache',
    hint: 'Use INSERT ... ON DUPLICATE KEY UPDATE so saveUser creates and updates.',
    async run(h) {
      const { ctx } = h.context();
      const newcomer = { id: 2001, name: 'Katherine Johnson', email: 'kj@example.com' };
      await h.call('saveUser', ctx, newcomer);
      const row = await h.row<{ name: string }>('SELECT name FROM users WHERE id = 2001');
      ensure(row?.name === newcomer.name, `after saveUser for a new id 2001 the database holds ${show(row)}: new users must be inserted`);
      const entry = await cached(h, 'user:2001');
      ensure(
        sameUser(entry, newcomer),
        `after saveUser for the new user 2001, user:2001 in Redis holds ${show(entry)}: a cache-aside read would go to the database`,
      );
      return 'inserted, and the next read is a cache hit';
    },
  },
  {
    id: id('cache-written-before-return'),
    name: 'saveUser resolves only once the cache holds the new value',
    hint: 'await the SET: a write sent without waiting can land after the caller has read the old entry (or fail unnoticed).',
    async run(h) {
      await requireCacheWrite(h);
      await pauseWrites(h, 1);
      await primeCachedUser(h, 3);
      const saved = { id: 3, name: 'Mary Jackson', email: 'mary@example.com' };
      const { ctx } = h.context({
        faults: {
          // From the database write on, Redis holds every write a moment: an un-awaited SET is still pending when saveUser resolves.
          beforeWrite: async () => pauseWrites(h, HOLD_MS).catch(() => undefined),
        },
      });
      let entry: unknown;
      try {
        await h.call('saveUser', ctx, saved);
        entry = await cached(h, 'user:3');
      } finally {
        await unpauseWrites(h);
      }
      ensure(
        sameUser(entry, saved),
        `saveUser resolved while user:3 in Redis still held ${show(entry)}: await the SET so a read right after the write gets the new value`,
      );
      return 'the new value was in the cache when saveUser resolved';
    },
  },
];
