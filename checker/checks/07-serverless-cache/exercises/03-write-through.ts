import { setTimeout as sleep } from 'node:timers/promises';
import { CACHE_TTL_SECONDS } from '../../../../labs/07-serverless-cache/function-env.js';
import { CheckFailed, ensure, type ExerciseCheck } from '../../../runner/harness.js';
import { show } from '../../show-value.js';
import { functionUrlEvent, readHttpAnswer, type FunctionHarness } from '../function-harness.js';
import { clearWriteFaults, refuseWrites, slowWrites } from '../write-faults.js';
import { expectBoundedTtl, expectUserAnswer, primeCachedUser, sameUser, sampleUser } from './shared.js';

const id = (name: string) => `07.03.${name}`;
const SLOW_WRITE_MS = 400;

const ada = { id: 1, name: 'Ada Lovelace', email: 'ada@example.com' };
const adaAgain = { id: 1, name: 'Ada King', email: 'countess@example.com' };
const body = (u: { name: string; email: string }) => ({ name: u.name, email: u.email });

async function requireCacheWrite(h: FunctionHarness): Promise<void> {
  await primeCachedUser(h, 9);
  const probe = { id: 9, name: 'Probe', email: 'probe@example.com' };
  await h.put(h.lambda(), 9, body(probe));
  if (!sameUser(await h.cached('user:9'), probe)) throw new CheckFailed('cannot be judged yet: PUT /users/9 does not write the new value to the cache');
}

export const writeThroughChecks: ExerciseCheck<FunctionHarness>[] = [
  {
    id: id('put-writes-both'),
    name: 'PUT writes the database, then the cache, and the next GET is a cache hit',
    hint: 'INSERT ... ON DUPLICATE KEY UPDATE the row, then SET user:<id> JSON.stringify(user) EX ttl; answer { user, source: "database" }.',
    async run(h) {
      const fn = h.lambda();
      await primeCachedUser(h, 1);
      for (const next of [ada, adaAgain]) {
        // The second PUT arrives base64-encoded (isBase64Encoded), as a function URL may deliver a body.
        const base64 = next === adaAgain;
        const label = `PUT /users/1 ${show(body(next))}${base64 ? ' sent base64-encoded (isBase64Encoded: true; decode event.body first)' : ''}`;
        expectUserAnswer(label, await h.put(fn, 1, body(next), { base64 }), next, 'database');
        const row = await h.row<{ name: string; email: string }>('SELECT name, email FROM users WHERE id = 1');
        ensure(
          row?.name === next.name && row.email === next.email,
          `after PUT /users/1 ${show(body(next))} the database row is ${show(row)}: the database was not written`,
        );
        const entry = await h.cached('user:1');
        ensure(
          sameUser(entry, next),
          `right after PUT /users/1 ${show(body(next))}, user:1 in Redis holds ${show(entry)}: write-through puts the new value in the cache`,
        );
        await expectBoundedTtl(h, 'user:1', CACHE_TTL_SECONDS);
        expectUserAnswer('GET /users/1 after the PUT', await h.get(fn, 1), next, 'cache');
      }
      const newcomer = { id: 2001, name: 'Katherine Johnson', email: 'kj@example.com' };
      expectUserAnswer('PUT /users/2001 (a new id)', await h.put(fn, 2001, body(newcomer)), newcomer);
      const row = await h.row<{ name: string }>('SELECT name FROM users WHERE id = 2001');
      ensure(row?.name === newcomer.name, `after PUT /users/2001 (a new id) the database holds ${show(row)}: new users must be inserted`);
      ensure(sameUser(await h.cached('user:2001'), newcomer), 'after PUT /users/2001, user:2001 is not the new user in Redis');
      return 'two writes to user 1 and a new user 2001: database and cache agree, TTL set, GET hits the cache';
    },
  },
  {
    id: id('database-first'),
    name: 'the cache changes only after the database write',
    hint: 'await the database write before touching Redis: a cache written first serves a value the database may still refuse.',
    async run(h) {
      await requireCacheWrite(h);
      const fn = h.lambda();
      await primeCachedUser(h, 1);
      await slowWrites(h.sql, SLOW_WRITE_MS);
      let early = false;
      let finished = false;
      const put = h.put(fn, 1, body(ada)).finally(() => {
        finished = true;
      });
      try {
        while (!finished) {
          const [entry, row] = [await h.cached('user:1'), await h.row<{ name: string }>('SELECT name FROM users WHERE id = 1')];
          if (sameUser(entry, ada) && row?.name !== ada.name) early = true;
          await sleep(15);
        }
        await put;
      } finally {
        await put.catch(() => {});
        await clearWriteFaults(h.sql);
      }
      ensure(
        !early,
        `while the database write of PUT /users/1 was still running (slowed to ${SLOW_WRITE_MS} ms), Redis already held the new value: the cache was written before the database`,
      );
      ensure(sameUser(await h.cached('user:1'), ada), 'after the slow PUT /users/1 finished, user:1 in Redis does not hold the new value');
      return `during a ${SLOW_WRITE_MS} ms database write the cache kept the old value; the new one came after`;
    },
  },
  {
    id: id('failed-write'),
    name: 'a refused database write answers 5xx and caches nothing new',
    hint: 'try the database write; on an error answer 503 (or let it throw: the function URL answers 502) and do not touch the cache.',
    async run(h) {
      await requireCacheWrite(h);
      const fn = h.lambda();
      await primeCachedUser(h, 2);
      await refuseWrites(h.sql);
      try {
        for (const target of [2, 3]) {
          const refused = { id: target, name: 'Never Saved', email: 'never@example.com' };
          const invocation = await fn.invoke(functionUrlEvent('PUT', `/users/${target}`, JSON.stringify(body(refused))));
          // An unhandled error reaches a function URL caller as 502.
          let status = 502;
          if (!invocation.error) status = readHttpAnswer(`PUT /users/${target}`, invocation.payload).status;
          else if (invocation.report.status === 'timeout')
            throw new CheckFailed(`PUT /users/${target} with the database refusing writes timed out instead of answering`);
          ensure(status >= 500, `PUT /users/${target} answered ${status} although the database refused the write; expected a 5xx status`);
          const entry = await h.cached(`user:${target}`);
          ensure(
            !sameUser(entry, refused),
            `the database refused the write, yet user:${target} in Redis now holds the refused value: the cache was filled on a failed write`,
          );
        }
      } finally {
        await clearWriteFaults(h.sql);
      }
      const kept = await h.cached('user:2');
      ensure(
        sameUser(kept, sampleUser(2)),
        `after the refused PUT /users/2, user:2 in Redis holds ${show(kept)} instead of the old user: when the database refuses a write, leave the cache as it was`,
      );
      return 'a 5xx for the refused writes; user:2 kept the old value and nothing was cached for user 3';
    },
  },
  {
    id: id('bad-body'),
    name: 'a bad body answers 400 and changes nothing',
    hint: 'JSON.parse in try/catch; name a non-empty string (at most 100 characters), email something@something; otherwise 400 before any write.',
    async run(h) {
      const fn = h.lambda();
      await primeCachedUser(h, 4);
      const bad: Array<[string, unknown]> = [
        ['not JSON', '{"name": "Half'],
        ['no name', { email: 'x@example.com' }],
        ['an empty name', { name: '', email: 'x@example.com' }],
        ['an email that is a number', { name: 'X', email: 42 }],
        ['an email without @', { name: 'X', email: 'not-an-email' }],
        ['an email that is only "@"', { name: 'X', email: '@' }],
        ['an email with nothing after @ ("a@")', { name: 'X', email: 'a@' }],
        ['an email with nothing before @ ("@example.com")', { name: 'X', email: '@example.com' }],
        ['a name of 101 characters', { name: 'N'.repeat(101), email: 'x@example.com' }],
        ['a name that is a number', { name: 42, email: 'x@example.com' }],
        ['a name that is an array', { name: ['X'], email: 'x@example.com' }],
      ];
      for (const [what, payload] of bad) {
        let answer;
        try {
          answer = await h.put(fn, 4, payload);
        } catch (err) {
          throw new CheckFailed(`PUT /users/4 with ${what} should answer 400 before any write, but: ${(err as Error).message}`);
        }
        ensure(answer.status === 400, `PUT /users/4 with ${what} answered ${answer.status} ${show(answer.body)}; expected 400`);
      }
      const row = await h.row<{ name: string; email: string }>('SELECT name, email FROM users WHERE id = 4');
      ensure(sameUser({ id: 4, ...row }, sampleUser(4)), `after the refused bodies the database row of user 4 is ${show(row)}: a bad body must change nothing`);
      ensure(
        sameUser(await h.cached('user:4'), sampleUser(4)),
        `after the refused bodies user:4 in Redis holds ${show(await h.cached('user:4'))}: a bad body must change nothing`,
      );
      const badId = await h.put(fn, 'abc', { name: 'X', email: 'x@example.com' });
      ensure(badId.status === 400, `PUT /users/abc answered ${badId.status}; expected 400`);
      return `400 for ${bad.length} bad bodies and a bad id; database and cache unchanged`;
    },
  },
];
