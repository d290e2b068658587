import { stripVTControlCharacters } from 'node:util';
import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { labs } from '../../../labs/index.js';
import type { CheckResult } from '../../core/result.js';
import { renderLabScreen } from '../../render/lab-screen.js';
import { renderCheck } from '../../render/terminal.js';

const colour = new Chalk({ level: 1 });
const plain = new Chalk({ level: 0 });
const visible = (line: string) => stripVTControlCharacters(line);
const words = (text: string) => visible(text).split(/\s+/).filter(Boolean);

const failing: CheckResult = {
  id: '05.02.ttl-bounded',
  name: 'cacheAside stores what it read with a TTL no longer than ctx.ttlSeconds, so a stale value cannot outlive its welcome',
  status: 'fail',
  message:
    "user:1 has no TTL, so it would live forever: pass 'EX', ctx.ttlSeconds to SET when you fill the cache after a miss, and check it with the TTL command in redis-cli (at labs/05-elasticache-redis/exercises/02-cache-aside.ts:31)",
  hint: 'await ctx.redis.set(key, JSON.stringify(value), "EX", ctx.ttlSeconds) - the expiry is set in the same command as the value, so there is never a moment without one',
  group: '02-cache-aside',
  durationMs: 3,
};

describe('long lines wrap at word boundaries to the terminal width', () => {
  for (const width of [80, 160]) {
    it(`a failing check with its message and hint at ${width} columns`, () => {
      const text = renderCheck(colour, failing, true, width);
      const lines = text.split('\n');
      for (const line of lines) expect(visible(line).length, line).toBeLessThanOrEqual(width);
      // No word was cut: the words read the same as on one long line.
      expect(words(text)).toEqual(words(renderCheck(colour, failing, true, undefined)));
      for (const line of lines.slice(1)) expect(visible(line)).toMatch(/^ {10}\S/);
      if (width === 80) expect(lines.length).toBeGreaterThan(6);
    });

    it(`the lab page at ${width} columns`, () => {
      for (const lab of labs.filter((l) => l.status === 'ready')) {
        const text = renderLabScreen(plain, lab, width);
        for (const line of text.split('\n')) expect(line.length, line).toBeLessThanOrEqual(width);
        expect(words(text)).toEqual(words(renderLabScreen(plain, lab, undefined)));
      }
    });
  }

  it('keeps a line that fits as it is (a drill table keeps its columns), and wraps nothing without a terminal', () => {
    const table: CheckResult = {
      ...failing,
      name: 'failover drill',
      status: 'pass',
      message: 'client          seconds without service\n  DNS-only        12.4\n  topology-aware   1.1',
    };
    expect(renderCheck(plain, table, true, 80).split('\n').slice(1)).toEqual([
      '          client          seconds without service',
      '            DNS-only        12.4',
      '            topology-aware   1.1',
    ]);
    expect(renderCheck(plain, failing, true, undefined).split('\n')).toHaveLength(3);
  });
});
