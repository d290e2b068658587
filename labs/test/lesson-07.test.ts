/**
 * The Lab 7 lesson is tested where it makes claims the kit can check: every
 * `npm run` command exists, parses and names lab 7; every link resolves;
 * every mermaid block is well formed; the numbers it quotes (TTLs, the lock's
 * bounds, the function timeout, the herd the checks send, the hourly price)
 * are the ones the checks and lab.ts use; the environment variables it lists
 * are exactly the ones the stack sets; and it keeps to current services
 * (Node.js 22, Valkey, Serverless v2).
 */
import { describe, expect, it } from 'vitest';
import { parseFlags } from '../../checker/cli/args.js';
import {
  CACHE_TTL_SECONDS,
  FUNCTION_TIMEOUT_SECONDS,
  functionEnvironment,
  LOCK_TTL_MAX_MS,
  LOCK_WAIT_MAX_MS,
  NEGATIVE_TTL_MAX_SECONDS,
} from '../07-serverless-cache/function-env.js';
import { lab07 } from '../07-serverless-cache/lab.js';
import { brokenLinks, fences, kitCommandProblems, mermaidProblems, npmCommands, read, resolvedLinks } from './lesson-support.js';

const LESSON = 'labs/07-serverless-cache/README.md';
const lesson = read(LESSON);
/** The lesson outside code fences, inline code kept, on one line. */
const text = lesson.replace(/```[\s\S]*?```/g, '').replace(/\s+/g, ' ');
const blocks = fences(lesson);

describe('the Lab 7 lesson agrees with the kit', () => {
  it('every `npm run` command exists, parses, and names lab 7 and its exercises', () => {
    const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    const commands = npmCommands(lesson);
    expect(commands.filter((c) => !(c.script in pkg.scripts)).map((c) => c.text)).toEqual([]);
    expect(kitCommandProblems(commands, lab07, (argv) => parseFlags(argv, ''))).toEqual([]);
    expect(commands.map((c) => c.text)).toEqual(
      expect.arrayContaining(['npm run lab 7', 'npm run deploy 7', 'npm run destroy 7', 'npm run check -- 7 --target local']),
    );
  });

  it('quotes the bounds the checks use', () => {
    expect(text).toMatch(new RegExp(`CACHE_TTL_SECONDS\`? \\(${CACHE_TTL_SECONDS} s here\\)`));
    expect(text).toMatch(new RegExp(`at most ${NEGATIVE_TTL_MAX_SECONDS} s`));
    expect(text).toMatch(new RegExp(`TTL of at most ${LOCK_TTL_MAX_MS.toLocaleString('en-US')} ms`));
    expect(text).toMatch(new RegExp(`at most ${LOCK_WAIT_MAX_MS / 1000} s here`));
    expect(text).toMatch(new RegExp(`function's ${FUNCTION_TIMEOUT_SECONDS} s timeout`));
    // The herd and Redis-down figures are the checks' own.
    const herd = read('checker/checks/07-serverless-cache/exercises/04-herd-protection.ts');
    const slow = Number(/const SLOW_DB_MS = (\d+)/.exec(herd)?.[1]);
    const sizes = /const HERD_SIZES = \[(\d+), (\d+)\]/.exec(herd);
    const bound = Number(/const ANSWER_BOUND_MS = ([\d_]+)/.exec(herd)?.[1]?.replace('_', ''));
    expect(text).toContain(`hold the users table for ${slow} ms, send ${sizes?.[1]} and then ${sizes?.[2]} concurrent requests`);
    expect(text).toContain(`every caller answered within ${bound / 1000} s`);
    const redisDown = read('checker/checks/07-serverless-cache/exercises/02-read-through.ts');
    const redisBound = Number(/const REDIS_DOWN_BOUND_MS = ([\d_]+)/.exec(redisDown)?.[1]?.replace('_', ''));
    expect(text).toContain(`expects an answer from the database within ${redisBound / 1000} s`);
  });

  it('states the hourly price lab.ts computes', () => {
    expect(text).toContain(`about $${lab07.cost.usdPerHour.toFixed(2)} an hour`);
  });

  it('lists exactly the environment variables the stack sets on the function', () => {
    const names = Object.keys(
      functionEnvironment({ redis: { host: 'h', port: 1 }, mysql: { host: 'h', port: 1, user: 'u', password: 'p', database: 'd' } }),
    ).sort();
    const section = /The handler reads ([^.]+)\./.exec(text)?.[1] ?? '';
    expect([...section.matchAll(/`([A-Z_]+)`/g)].map((m) => m[1]).sort()).toEqual(names);
  });

  it('REDIS_URL carries an ACL user and its password when given (the local learner account), else the password alone', () => {
    const mysql = { host: 'h', port: 1, user: 'u', password: 'p', database: 'd' };
    expect(functionEnvironment({ redis: { host: 'h', port: 1, username: 'learner', password: 'a/b' }, mysql }).REDIS_URL).toBe('redis://learner:a%2Fb@h:1');
    expect(functionEnvironment({ redis: { host: 'h', port: 1, tls: true, password: 'tok' }, mysql }).REDIS_URL).toBe('rediss://:tok@h:1');
  });

  it('keeps to current services and names', () => {
    expect(text).toMatch(/Node\.js 22/);
    expect(text).toMatch(/Valkey/);
    expect(text).not.toMatch(/Serverless v1/);
    expect(text).not.toMatch(/nodejs(16|18|20)\.x|Node\.js (16|18|20)\b/);
  });

  it('every mermaid block is well formed', () => {
    const mermaid = blocks.filter((b) => b.lang === 'mermaid');
    expect(mermaid.length).toBeGreaterThanOrEqual(3);
    expect(mermaid.flatMap((b) => mermaidProblems(b, `${LESSON}:${b.line}`))).toEqual([]);
  });

  it('every relative link resolves', () => {
    const links = resolvedLinks(lesson, LESSON);
    expect(links.length).toBeGreaterThanOrEqual(5);
    expect(brokenLinks(links)).toEqual([]);
  });
});
