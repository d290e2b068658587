/** judgeAll: needs as data - skipped with the deepest blocker's reason, judged otherwise. */
import { describe, expect, it } from 'vitest';
import { judgeAll, type AwsJudge } from '../../checks/aws-judges.js';
import type { CheckResult } from '../../core/result.js';

type Key = 'a' | 'b' | 'c';
type Facts = { aMissing?: boolean; bCreating?: boolean };
const ok = (id: string): CheckResult => ({ id, name: id, status: 'pass', message: 'ok', group: 'aws', durationMs: 0 });
const skipped = (key: Key, why: string, hint?: string): CheckResult => ({
  ...ok(key),
  status: 'skipped',
  message: `Not checked: ${why}.`,
  ...(hint ? { hint } : {}),
});

const judges: AwsJudge<Facts, Key>[] = [
  { key: 'a', judge: () => ok('a'), blocks: (f) => (f.aMissing ? { why: 'a is missing' } : undefined) },
  { key: 'b', needs: ['a'], judge: () => ok('b'), blocks: (f) => (f.bCreating ? { why: 'b is creating', hint: 'wait' } : undefined) },
  { key: 'c', needs: ['b'], judge: () => ok('c') },
];

describe('judgeAll', () => {
  it('judges everything when nothing blocks, in list order', () => {
    expect(judgeAll(judges, {}, skipped).map((r) => `${r.id}:${r.status}`)).toEqual(['a:pass', 'b:pass', 'c:pass']);
  });

  it('a blocker skips what needs it, directly or through another check, with its reason', () => {
    const out = judgeAll(judges, { aMissing: true, bCreating: true }, skipped);
    expect(out.map((r) => `${r.id}:${r.status}`)).toEqual(['a:pass', 'b:skipped', 'c:skipped']);
    expect(out[2]!.message).toBe('Not checked: a is missing.');
  });

  it('a blocker further down gives its own reason and hint', () => {
    const out = judgeAll(judges, { bCreating: true }, skipped);
    expect(out[1]!.status).toBe('pass');
    expect(out[2]).toMatchObject({ status: 'skipped', message: 'Not checked: b is creating.', hint: 'wait' });
  });

  it('a need that is not in the list, or a circle, is a programming error', () => {
    expect(() => judgeAll([{ key: 'a', needs: ['b'], judge: () => ok('a') }], {}, skipped)).toThrow(/needs b, which is not in the list/);
    const circle: AwsJudge<Facts, Key>[] = [
      { key: 'a', needs: ['b'], judge: () => ok('a') },
      { key: 'b', needs: ['a'], judge: () => ok('b') },
    ];
    expect(() => judgeAll(circle, {}, skipped)).toThrow(/circle/);
  });
});
