/**
 * The Lab 5 lesson is tested where it gives commands: every ```redis-cli block
 * runs, line by line, against a real redis-server the kit starts; every
 * `npm run` command exists and parses with the kit's own flag parser; every
 * `aws` command is a real operation with real options of the AWS API model;
 * the figures agree with lab.ts and the node types with the starting and
 * solution stack-config.ts; every relative link in it and in the docs it
 * leans on points at a file (and heading) that exists; every mermaid block is
 * well formed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { parseFlags } from '../../checker/cli/args.js';
import { newRedisAccounts } from '../../checker/engines/accounts.js';
import { locateEngineBinaries } from '../../checker/engines/binaries.js';
import { ProcessGroup } from '../../checker/engines/process-group.js';
import { startRedis } from '../../checker/engines/servers.js';
import { lab05 } from '../05-elasticache-redis/lab.js';
import { labs } from '../index.js';
import {
  read,
  fences,
  npmCommands,
  kitCommandProblems,
  awsCommands,
  awsCommand,
  awsCommandListProblems,
  labFactProblems,
  configField,
  mermaidProblems,
  resolvedLinks,
  brokenLinks,
} from './lesson-support.js';

const otherReadyLabs = labs.filter((l) => l.status === 'ready' && l.id !== lab05.id);
const labStackNames = labs.flatMap((l) => (l.stack ? [l.stack.name] : []));

const LESSON = 'labs/05-elasticache-redis/README.md';
const DOCS = ['docs/connectivity.md', 'docs/aws-target.md', 'docs/local-target.md'];
const ALL_TEXTS = [LESSON, ...DOCS];

/** Commands ElastiCache refuses, or that block or wipe a shared node: a lesson must not teach them. */
const FORBIDDEN_COMMANDS = new Set([
  'BGREWRITEAOF',
  'BGSAVE',
  'CONFIG',
  'DEBUG',
  'MIGRATE',
  'PSYNC',
  'REPLICAOF',
  'SAVE',
  'SLAVEOF',
  'SHUTDOWN',
  'SYNC',
  'FLUSHALL',
  'FLUSHDB',
  'KEYS',
  'MONITOR',
  'SUBSCRIBE',
  'PSUBSCRIBE',
  'SSUBSCRIBE',
  'BLPOP',
  'BRPOP',
  'BZPOPMIN',
  'BZPOPMAX',
]);

// ---------------------------------------------------------------- redis-cli

/**
 * Splits a redis-cli line into arguments the way redis-cli does (sdssplitargs):
 * spaces separate; "double quotes" allow \" \\ \n \r \t \b \a and \xHH escapes;
 * 'single quotes' allow \' only. A closing quote must be followed by a space.
 */
export function splitArgs(line: string): string[] {
  const args: string[] = [];
  let i = 0;
  const n = line.length;
  while (i < n) {
    while (i < n && /\s/.test(line[i] ?? '')) i += 1;
    if (i >= n) break;
    let current = '';
    let inDouble = false;
    let inSingle = false;
    for (;;) {
      const c = line[i];
      if (inDouble) {
        if (c === undefined) throw new Error(`unbalanced double quotes in: ${line}`);
        if (c === '\\' && line[i + 1] === 'x' && /^[0-9a-fA-F]{2}$/.test(line.slice(i + 2, i + 4))) {
          current += String.fromCharCode(parseInt(line.slice(i + 2, i + 4), 16));
          i += 4;
          continue;
        }
        if (c === '\\' && i + 1 < n) {
          const e = line[i + 1] ?? '';
          current += ({ n: '\n', r: '\r', t: '\t', b: '\b', a: '\x07' } as Record<string, string>)[e] ?? e;
          i += 2;
          continue;
        }
        if (c === '"') {
          if (i + 1 < n && !/\s/.test(line[i + 1] ?? '')) throw new Error(`closing quote must be followed by a space in: ${line}`);
          i += 1;
          break;
        }
        current += c;
        i += 1;
      } else if (inSingle) {
        if (c === undefined) throw new Error(`unbalanced single quotes in: ${line}`);
        if (c === '\\' && line[i + 1] === "'") {
          current += "'";
          i += 2;
          continue;
        }
        if (c === "'") {
          if (i + 1 < n && !/\s/.test(line[i + 1] ?? '')) throw new Error(`closing quote must be followed by a space in: ${line}`);
          i += 1;
          break;
        }
        current += c;
        i += 1;
      } else {
        if (c === undefined || /\s/.test(c)) break;
        if (c === '"') inDouble = true;
        else if (c === "'") inSingle = true;
        else current += c;
        i += 1;
      }
    }
    args.push(current);
  }
  return args;
}

interface Ran {
  line: string;
  /** Where in the lesson, for messages. */
  where: string;
  reply?: unknown;
  error?: string;
}

// ---------------------------------------------------------------- tests

const lesson = read(LESSON);
const texts = Object.fromEntries(ALL_TEXTS.map((f) => [f, read(f)])) as Record<string, string>;
const redisBlocks = fences(lesson).filter((f) => f.lang === 'redis-cli');

describe('splitArgs follows redis-cli quoting', () => {
  it('splits on spaces and keeps quoted spaces and JSON together', () => {
    expect(splitArgs('SET greeting:ada "hello world"')).toEqual(['SET', 'greeting:ada', 'hello world']);
    expect(splitArgs(`SET user:1 '{"id":1,"name":"Ada"}' EX 60`)).toEqual(['SET', 'user:1', '{"id":1,"name":"Ada"}', 'EX', '60']);
    expect(splitArgs('SET k "a\\"b\\x41"')).toEqual(['SET', 'k', 'a"bA']);
    expect(splitArgs('  PING  ')).toEqual(['PING']);
  });

  it('rejects lines redis-cli would reject', () => {
    expect(() => splitArgs('SET k "unterminated')).toThrow(/unbalanced/);
    expect(() => splitArgs(`SET k 'a'b`)).toThrow(/followed by a space/);
  });
});

describe("the lesson's redis-cli commands run against a real redis-server", () => {
  let group: ProcessGroup | undefined;
  let redis: Redis | undefined;
  const ran: Ran[] = [];

  beforeAll(async () => {
    group = new ProcessGroup();
    const accounts = newRedisAccounts();
    const port = await startRedis(group, locateEngineBinaries({ redis: true, mysql: false }), 15_000, accounts);
    // As the learner's account: the lesson's commands must run with the rights an exercise has.
    const { username, password } = accounts.learner;
    redis = new Redis({ host: '127.0.0.1', port, username, password, maxRetriesPerRequest: 0, retryStrategy: () => null });

    for (const [b, block] of redisBlocks.entries()) {
      for (const [k, raw] of block.body.split('\n').entries()) {
        const line = raw.trim();
        if (!line) continue;
        const where = `${LESSON}:${block.line + 1 + k} (redis-cli block ${b + 1})`;
        try {
          const [command, ...args] = splitArgs(line);
          if (!command) continue;
          ran.push({ line, where, reply: await redis.call(command, ...args) });
        } catch (err) {
          ran.push({ line, where, error: (err as Error).message });
        }
      }
    }
  });

  afterAll(async () => {
    redis?.disconnect();
    await group?.stop();
  });

  /** The reply of the first run of `line`; fails when the lesson no longer has it. */
  const replyOf = (line: string, nth = 0): unknown => {
    const hits = ran.filter((r) => r.line === line);
    expect(hits.length, `the lesson's redis-cli blocks no longer contain \`${line}\` (this test asserts its result)`).toBeGreaterThan(nth);
    return hits[nth]?.reply;
  };

  it('has redis-cli blocks with one command per line and no prompt prefix', () => {
    expect(redisBlocks.length).toBeGreaterThanOrEqual(5);
    for (const block of redisBlocks) {
      for (const line of block.body.split('\n').filter((l) => l.trim())) {
        expect(line, `line ${block.line}: no prompt or comment in a redis-cli block`).not.toMatch(/^\s*(>|\$|#|\/\/|127\.0\.0\.1:|redis-cli)/);
      }
    }
  });

  it('teaches no command ElastiCache refuses or that blocks or wipes a shared node', () => {
    const bad = ran.filter((r) => FORBIDDEN_COMMANDS.has((splitArgs(r.line)[0] ?? '').toUpperCase()));
    expect(bad.map((r) => `${r.where}: ${r.line}`)).toEqual([]);
  });

  it('every command succeeds', () => {
    expect(ran.length).toBeGreaterThanOrEqual(20);
    const failed = ran.filter((r) => r.error !== undefined).map((r) => `${r.where}: ${r.line} -> ${r.error}`);
    expect(failed).toEqual([]);
  });

  it('strings: GET returns what SET stored', () => {
    expect(replyOf('SET greeting:ada "hello"')).toBe('OK');
    expect(replyOf('GET greeting:ada')).toBe('hello');
    expect(replyOf('TYPE greeting:ada')).toBe('string');
  });

  it('TTL after SET ... EX 30 is between 1 and 30; -1 without expiry; -2 for a missing key', () => {
    const ttl = Number(replyOf('TTL otp:ada'));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(30);
    expect(replyOf('TTL otp:ada', 1)).toBe(-1); // after PERSIST
    const setex = Number(replyOf('TTL otp:grace'));
    expect(setex).toBeGreaterThan(30);
    expect(setex).toBeLessThanOrEqual(60);
    expect(replyOf('TTL greeting:ada')).toBe(-1);
    expect(replyOf('TTL otp:nobody')).toBe(-2);
  });

  it('hashes: HGETALL returns the fields HSET stored', () => {
    const flat = replyOf('HGETALL profile:1') as string[];
    const fields = Object.fromEntries(flat.flatMap((_, i) => (i % 2 === 0 ? [[flat[i], flat[i + 1]]] : [])));
    expect(fields).toMatchObject({ name: 'Ada', email: 'ada@example.com' });
  });

  it('cache-aside by hand: miss, fill, hit, invalidate, miss', () => {
    const gets = ran.filter((r) => r.line === 'GET user:1').map((r) => r.reply);
    expect(gets).toHaveLength(3);
    expect(gets[0]).toBeNull();
    expect(JSON.parse(String(gets[1]))).toMatchObject({ id: 1, email: 'user1@example.com' });
    expect(gets[2]).toBeNull();
  });

  it('sessions: GETEX returns the session and leaves a TTL of at most 1800 s', () => {
    expect(JSON.parse(String(replyOf('GETEX session:7f3a9c EX 1800')))).toEqual({ userId: 1 });
    const ttl = Number(replyOf('TTL session:7f3a9c'));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(1800);
  });

  it('leaderboard: ZRANGE ... REV WITHSCORES lists the highest scores first, and the board expires', () => {
    const flat = (replyOf('ZRANGE leaderboard:weekly 0 2 REV WITHSCORES') as string[]).map(String);
    const scores = flat.filter((_, i) => i % 2 === 1).map(Number);
    expect(flat[0]).toBe('grace');
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(replyOf('ZSCORE leaderboard:weekly ada')).toBe('17');
    expect(Number(replyOf('TTL leaderboard:weekly'))).toBeGreaterThan(0);
  });

  it('the stampede lock: only the first SET NX wins', () => {
    expect(replyOf('SET lock:user:1 worker-a NX EX 5')).toBe('OK');
    expect(replyOf('SET lock:user:1 worker-b NX EX 5')).toBeNull();
    expect(replyOf('GET lock:user:1')).toBe('worker-a');
  });

  it("INFO replication shows the node's role", () => {
    expect(String(replyOf('INFO replication'))).toMatch(/role:master/);
  });
});

describe('the lesson and docs agree with the kit', () => {
  const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
  const aws = awsCommands(fences(lesson));

  it('every `npm run <script>` exists in package.json', () => {
    const missing = Object.entries(texts).flatMap(([file, text]) =>
      npmCommands(text)
        .filter((c) => !(c.script in pkg.scripts))
        .map((c) => `${file}: ${c.text}`),
    );
    expect(missing).toEqual([]);
    expect(Object.keys(pkg.scripts)).toEqual(expect.arrayContaining(['lab', 'check', 'deploy', 'destroy', 'bench', 'test']));
  });

  it("kit commands parse with the kit's own flag parser and name real exercises; only the shared docs name other labs", () => {
    const problems = Object.entries(texts).flatMap(([file, text]) =>
      kitCommandProblems(npmCommands(text), lab05, (argv) => parseFlags(argv, ''), file.startsWith('docs/') ? otherReadyLabs : []).map((p) => `${file}: ${p}`),
    );
    expect(problems).toEqual([]);
    expect(npmCommands(lesson).map((c) => c.text)).toEqual(
      expect.arrayContaining([
        'npm run lab 5',
        'npm run deploy 5',
        'npm run destroy 5',
        'npm run check -- 5 --target local',
        'npm run check -- 5 --target aws --tunnel --failover-drill',
      ]),
    );
  });

  it('every aws command is a real operation of the AWS API model, with real options', () => {
    expect(aws.length).toBeGreaterThanOrEqual(5);
    expect(awsCommandListProblems(aws)).toEqual([]);
  });

  it('"Your turn" on the CLI adds replicas, turns on failover and Multi-AZ, and the drill is TestFailover', () => {
    const solved = read('solutions/05-elasticache-redis/stack-config.ts');
    expect(awsCommand(aws, 'elasticache', 'increase-replica-count')?.values['new-replica-count']).toBe(configField(solved, 'replicasPerPrimary'));
    expect(awsCommand(aws, 'elasticache', 'modify-replication-group')?.options).toEqual(
      expect.arrayContaining(['automatic-failover-enabled', 'multi-az-enabled']),
    );
    expect(awsCommand(aws, 'elasticache', 'test-failover')?.options).toEqual(expect.arrayContaining(['replication-group-id', 'node-group-id']));
    expect(configField(solved, 'automaticFailover')).toBe('true');
    expect(configField(solved, 'multiAz')).toBe('true');
  });

  it('the deployment minutes, node types and cache engine agree with lab.ts', () => {
    expect(labFactProblems(lesson, lab05)).toEqual([]);
    const engine = lab05.requires!.elasticache[0]!.engine;
    expect(lesson.toLowerCase()).toContain(engine);
  });

  it("every stack name and stack output the docs mention is the lab's", () => {
    const stack = lab05.stack!;
    for (const [file, text] of Object.entries(texts)) {
      // The shared docs may name any lab's stack; the lesson only its own.
      const allowed = file.startsWith('docs/') ? labStackNames : [stack.name];
      for (const m of text.matchAll(/DataTierLabs-[\w-]+/g)) expect(allowed, file).toContain(m[0]);
    }
    const awsTarget = texts['docs/aws-target.md'] ?? '';
    for (const output of Object.values(stack.outputs)) expect(awsTarget, `docs/aws-target.md should explain ${output}`).toContain(output);
  });

  it('the lesson covers every exercise, export and key name in lab.ts', () => {
    for (const exercise of lab05.exercises) {
      expect(lesson).toContain(exercise.id);
      for (const name of exercise.exports) expect(lesson, `${exercise.id} export ${name}`).toContain(name);
    }
    const keys = lab05.hints.join(' ').match(/\b[a-z]+:<[a-z]+>/g) ?? [];
    expect(keys.length).toBeGreaterThanOrEqual(6);
    for (const key of keys) expect(lesson, `key pattern ${key}`).toContain(key);
  });

  it('keeps to current services and names', () => {
    for (const [file, text] of Object.entries(texts)) {
      expect(text, `${file} must not claim Redis is the only engine`).not.toMatch(/(redis is the only|only (engine|option) is redis|only supports redis)/i);
      if (/Serverless v1/i.test(text)) expect(text, `${file} mentions Serverless v1: say it is retired`).toMatch(/Serverless v1[^.]*retired/i);
      if (/Performance Insights/i.test(text)) expect(text, `${file} mentions Performance Insights: point at Database Insights`).toMatch(/Database Insights/);
    }
  });

  it('every mermaid block is well formed', () => {
    const mermaid = Object.entries(texts).flatMap(([file, text]) =>
      fences(text)
        .filter((f) => f.lang === 'mermaid')
        .map((block) => ({ file, block })),
    );
    expect(mermaid.length).toBeGreaterThanOrEqual(4);
    expect(mermaid.flatMap(({ file, block }) => mermaidProblems(block, `${file}:${block.line}`))).toEqual([]);
  });
});

describe('relative links in the lesson and docs', () => {
  const links = ALL_TEXTS.flatMap((file) => resolvedLinks(texts[file] ?? '', file).map((link) => ({ ...link, file })));

  it('every link resolves and every #anchor names a heading: a file not written yet is a failure', () => {
    expect(links.length).toBeGreaterThanOrEqual(10);
    expect(ALL_TEXTS.flatMap((file) => brokenLinks(links.filter((l) => l.file === file)).map((p) => `${file}: ${p}`))).toEqual([]);
  });

  it('links to the stack, stack-config, exercises and solution', () => {
    const rel = links.map((l) => l.rel);
    for (const prefix of [
      lab05.stack!.file,
      'labs/05-elasticache-redis/stack-config.ts',
      'labs/05-elasticache-redis/exercises/',
      'solutions/05-elasticache-redis/',
    ]) {
      expect(
        rel.some((r) => r.startsWith(prefix)),
        prefix,
      ).toBe(true);
    }
  });
});
