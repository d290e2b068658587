/**
 * The state file is replaced by rename, never rewritten in place: a write cut
 * off at any point leaves the previous file whole and no temp file behind.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as fs from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { loadProgress, recordRun, writeProgress } from '../../progress/state.js';
import { runDoc, tempDir } from './helpers.js';

vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>();
  return { ...actual, renameSync: vi.fn(actual.renameSync), writeSync: vi.fn(actual.writeSync) };
});

const dirs: string[] = [];
afterEach(() => {
  vi.mocked(fs.renameSync).mockClear();
  vi.mocked(fs.writeSync).mockClear();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function setup() {
  const dir = tempDir();
  dirs.push(dir);
  const path = join(dir, 'progress.json');
  recordRun(runDoc([['01-redis-basics', 'pass']], { startedAt: '2026-11-20T09:00:00.000Z' }), path);
  return { dir, path, before: fs.readFileSync(path, 'utf8') };
}

describe('writing progress', () => {
  it('writes a temp file in the same folder, then renames it over the old one', () => {
    const { dir, path } = setup();
    vi.mocked(fs.renameSync).mockClear();
    recordRun(runDoc([['02-cache-aside', 'pass']], { startedAt: '2026-11-21T09:00:00.000Z' }), path);
    const calls = vi.mocked(fs.renameSync).mock.calls;
    expect(calls).toHaveLength(1);
    const [from, to] = calls[0]!;
    expect(to).toBe(path);
    expect(dirname(String(from))).toBe(dir);
    expect(basename(String(from))).toMatch(/^progress\.json\.\d+\.[0-9a-f]{8}\.tmp$/);
    expect(fs.readdirSync(dir)).toEqual(['progress.json']);
  });

  it('a crash before the rename leaves the old file whole and no temp file', () => {
    const { dir, path, before } = setup();
    vi.mocked(fs.renameSync).mockImplementationOnce(() => {
      throw Object.assign(new Error('power cut'), { code: 'EIO' });
    });
    const result = recordRun(runDoc([['02-cache-aside', 'pass']], { startedAt: '2026-11-21T09:00:00.000Z' }), path);
    expect(result.saved).toBe(false);
    expect(result.saveProblem).toMatch(/could not be saved to .*progress\.json \(EIO\)/);
    expect(fs.readFileSync(path, 'utf8')).toBe(before);
    expect(fs.readdirSync(dir)).toEqual(['progress.json']);
    expect(loadProgress(path).problem).toBeUndefined();
  });

  it('a disk that fills up half-way through leaves the old file whole', () => {
    const { dir, path, before } = setup();
    vi.mocked(fs.writeSync).mockImplementationOnce(() => {
      throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
    });
    expect(() => writeProgress({ version: 1, labs: {} }, path)).toThrow(/no space/);
    expect(fs.readFileSync(path, 'utf8')).toBe(before);
    expect(fs.readdirSync(dir)).toEqual(['progress.json']);
  });
});
