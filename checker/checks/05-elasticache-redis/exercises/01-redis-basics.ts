import { describeTtl, ensure, type ExerciseCheck } from '../harness.js';
import { watchCommands, type Seen } from './shared.js';

const id = (name: string) => `05.01.${name}`;

export const redisBasicsChecks: ExerciseCheck[] = [
  {
    id: id('string-stored'),
    name: 'saveGreeting stores a string under greeting:<name>',
    hint: 'await ctx.redis.set(`greeting:${name}`, text)',
    async run(h) {
      const { ctx } = h.context();
      await h.call('saveGreeting', ctx, 'ada', 'hello, Ada');
      const type = await h.redis.type('greeting:ada');
      ensure(type === 'string', `after saveGreeting(ctx, 'ada', 'hello, Ada') greeting:ada is of type "${type}", expected a string`);
      const value = await h.redis.get('greeting:ada');
      ensure(value === 'hello, Ada', `greeting:ada holds ${JSON.stringify(value)}, expected "hello, Ada"`);
      return 'greeting:ada holds the text as a plain string';
    },
  },
  {
    id: id('string-read'),
    name: 'readGreeting reads the string back, null when missing',
    hint: 'GET returns null for a missing key; return it as it is.',
    async run(h) {
      const { ctx } = h.context();
      await h.redis.set('greeting:grace', 'hi Grace');
      const found = await h.call('readGreeting', ctx, 'grace');
      ensure(found === 'hi Grace', `readGreeting(ctx, 'grace') returned ${JSON.stringify(found)} while the server holds "hi Grace"`);
      await h.redis.set('greeting:grace', 'hello again, Grace');
      const changed = await h.call('readGreeting', ctx, 'grace');
      ensure(
        changed === 'hello again, Grace',
        `after the checker changed greeting:grace on the server to "hello again, Grace", readGreeting returned ${JSON.stringify(changed)}: read the server every time, not a copy you kept`,
      );
      const missing = await h.call('readGreeting', ctx, 'nobody');
      ensure(missing === null, `readGreeting for a missing name returned ${JSON.stringify(missing)}, expected null`);
      return 'reads the value from the server and null for a missing key';
    },
  },
  {
    id: id('hash-stored'),
    name: 'saveProfile stores the fields as a hash',
    hint: 'await ctx.redis.hset(`profile:${id}`, fields) - one field per property, not a JSON string.',
    async run(h) {
      const { ctx } = h.context();
      const fields = { name: 'Ada', city: 'London', language: 'Analytical Engine' };
      await h.call('saveProfile', ctx, 7, fields);
      const type = await h.redis.type('profile:7');
      ensure(type === 'hash', `profile:7 is of type "${type}", expected a hash (HSET) with one field per property`);
      const stored = await h.redis.hgetall('profile:7');
      ensure(
        JSON.stringify(stored) === JSON.stringify(fields) || sameFields(stored, fields),
        `profile:7 holds ${JSON.stringify(stored)}, expected ${JSON.stringify(fields)}`,
      );
      await h.call('saveProfile', ctx, 7, { city: 'Paris', language: 'Note G' });
      const updated = await h.redis.hmget('profile:7', 'city', 'language');
      ensure(
        updated[0] === 'Paris' && updated[1] === 'Note G',
        `a second saveProfile(ctx, 7, { city: 'Paris', language: 'Note G' }) left city and language as ${JSON.stringify(updated)}: every field passed in must hold its new value (HSET overwrites, HSETNX does not)`,
      );
      return 'profile:7 is a hash with the three fields, and a second save updates them';
    },
  },
  {
    id: id('hash-read'),
    name: 'readProfile returns all fields, null when missing',
    hint: 'HGETALL returns {} for a missing key: turn that into null.',
    async run(h) {
      const { ctx } = h.context();
      await h.redis.hset('profile:8', { name: 'Grace', city: 'Arlington' });
      const found = await h.call('readProfile', ctx, 8);
      ensure(
        sameFields(found, { name: 'Grace', city: 'Arlington' }),
        `readProfile(ctx, 8) returned ${JSON.stringify(found)}, expected { name: 'Grace', city: 'Arlington' }`,
      );
      const missing = await h.call('readProfile', ctx, 404);
      ensure(missing === null, `readProfile for a missing profile returned ${JSON.stringify(missing)}, expected null`);
      return 'reads every field of the hash, and null for a missing profile';
    },
  },
  {
    id: id('ttl-set'),
    name: 'saveOneTimeCode sets the code with a TTL',
    hint: "await ctx.redis.set(`otp:${user}`, code, 'EX', seconds) - or SETEX.",
    async run(h) {
      const { ctx } = h.context();
      await h.call('saveOneTimeCode', ctx, 'ada', '493817', 30);
      const value = await h.redis.get('otp:ada');
      ensure(value === '493817', `otp:ada holds ${JSON.stringify(value)}, expected "493817"`);
      const pttl = await h.pttl('otp:ada');
      ensure(pttl > 28_000 && pttl <= 30_000, `otp:ada: ${describeTtl(pttl)}; expected about 30 s`);
      await h.call('saveOneTimeCode', ctx, 'ada', '250116', 60);
      const renewed = await h.redis.get('otp:ada');
      const renewedPttl = await h.pttl('otp:ada');
      ensure(
        renewed === '250116' && renewedPttl > 58_000 && renewedPttl <= 60_000,
        `a second saveOneTimeCode(ctx, 'ada', '250116', 60) left otp:ada holding ${JSON.stringify(renewed)} with ${describeTtl(renewedPttl)}: a new code replaces the old one and its TTL (no NX)`,
      );
      return `otp:ada expires in ${(pttl / 1000).toFixed(1)} s as asked, and a new code replaces it`;
    },
  },
  {
    id: id('ttl-read'),
    name: 'secondsLeft reads the TTL from the server',
    hint: 'await ctx.redis.ttl(key) every time: -2 means no key (return null); -1 (no expiry) is not judged.',
    async run(h) {
      const { ctx } = h.context();
      await h.redis.set('otp:grace', '111222', 'EX', 77);
      const left = await h.call('secondsLeft', ctx, 'grace');
      ensure(left === 77 || left === 76, `secondsLeft(ctx, 'grace') returned ${JSON.stringify(left)} while the server reports 77 s`);
      await h.redis.expire('otp:grace', 20);
      const shortened = await h.call('secondsLeft', ctx, 'grace');
      ensure(
        shortened === 20 || shortened === 19,
        `after the checker changed the TTL of otp:grace to 20 s on the server, secondsLeft returned ${JSON.stringify(shortened)}: ask the server (TTL) every time`,
      );
      const missing = await h.call('secondsLeft', ctx, 'nobody');
      ensure(missing === null, `secondsLeft for a user without a code returned ${JSON.stringify(missing)}, expected null`);
      return 'reports the TTL the server holds, and null without a code';
    },
  },
  {
    id: id('ttl-atomic'),
    name: 'saveOneTimeCode sets the code and its TTL in one step',
    hint: "One command: SET otp:<user> code 'EX' seconds (or SETEX) - not SET then EXPIRE, which leaves a code without expiry in between.",
    async run(h) {
      const { ctx } = h.context();
      const seen = await watchCommands(h, ['otp:linus'], async () => {
        await h.call('saveOneTimeCode', ctx, 'linus', '808080', 45);
      });
      const separate = separateExpiry(seen, 'otp:linus');
      ensure(
        separate === undefined,
        `saveOneTimeCode wrote otp:linus and then gave it its TTL in a separate command (${separate}): until that command runs, and forever if it never does, the code has no expiry; set both at once with SET otp:<user> code EX seconds (or SETEX)`,
      );
      const pttl = await h.pttl('otp:linus');
      ensure(pttl > 0, `after saveOneTimeCode(ctx, 'linus', '808080', 45), otp:linus: ${describeTtl(pttl)}`);
      return 'the code and its TTL arrive in one command';
    },
  },
];

const EXPIRES = new Set(['expire', 'pexpire', 'expireat', 'pexpireat']);

/** A TTL given to `key` outside the command (or transaction, or script) that wrote it: the command, as Redis saw it. */
function separateExpiry(seen: Seen[], key: string): string | undefined {
  const inTransaction = new Set<string>();
  for (const s of seen) {
    const name = s.args[0]?.toLowerCase() ?? '';
    if (name === 'multi') inTransaction.add(s.source);
    else if (name === 'exec' || name === 'discard') inTransaction.delete(s.source);
    else if (EXPIRES.has(name) && s.args[1] === key && s.source !== 'lua' && !inTransaction.has(s.source)) return s.args.join(' ');
  }
  return undefined;
}

function sameFields(actual: unknown, expected: Record<string, string>): boolean {
  if (!actual || typeof actual !== 'object') return false;
  const a = actual as Record<string, unknown>;
  const keys = Object.keys(expected);
  return Object.keys(a).length === keys.length && keys.every((k) => a[k] === expected[k]);
}
