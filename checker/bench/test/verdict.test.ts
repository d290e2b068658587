import { describe, expect, it } from 'vitest';
import { judge, judgeMemory, type BenchDocument } from '../model.js';
import { renderReport } from '../render.js';
import { parseStatus, sumTree, type ProcessMemory } from '../tree-memory.js';
import { failureLine, memoryComparison, readVerdict, verdictArgs } from '../verdict.js';
import { WatchOutput } from '../watch-latency.js';

const status = (name: string, ppid: number, rss?: string) =>
  `Name:\t${name}\nUmask:\t0022\nState:\tS (sleeping)\nPPid:\t${ppid}\n${rss ? `VmRSS:\t${rss}\n` : ''}Threads:\t1\n`;

describe('process tree memory', () => {
  it('reads name, parent and VmRSS from /proc/<pid>/status', () => {
    expect(parseStatus(42, status('mariadbd', 7, '   91234 kB'))).toEqual({ pid: 42, ppid: 7, name: 'mariadbd', rssKb: 91234 });
  });

  it('leaves out a process without VmRSS (kernel thread, zombie)', () => {
    expect(parseStatus(2, status('kthreadd', 0))).toBeUndefined();
  });

  it('sums the root and all its descendants, engines apart, and nothing outside the tree', () => {
    const all: ProcessMemory[] = [
      { pid: 10, ppid: 1, name: 'node', rssKb: 100_000 },
      { pid: 11, ppid: 10, name: 'node', rssKb: 60_000 },
      { pid: 12, ppid: 10, name: 'redis-server', rssKb: 8_000 },
      { pid: 13, ppid: 10, name: 'mariadbd', rssKb: 90_000 },
      { pid: 14, ppid: 11, name: 'sh', rssKb: 1_000 },
      { pid: 20, ppid: 1, name: 'mariadbd', rssKb: 500_000 },
    ];
    expect(sumTree(10, all)).toEqual({ totalKb: 259_000, enginesKb: 98_000, processes: 5 });
  });

  it('finds nothing for a root that has gone', () => {
    expect(sumTree(99, [{ pid: 10, ppid: 1, name: 'node', rssKb: 1 }])).toEqual({ totalKb: 0, enginesKb: 0, processes: 0 });
  });
});

describe('peak-memory judging', () => {
  it('judges the largest sample against 600 MB, the ratio over the engines at that moment', () => {
    const c = memoryComparison(
      [
        { totalKb: 400 * 1024, enginesKb: 150 * 1024, processes: 4, samples: 10 },
        { totalKb: 700 * 1024, enginesKb: 200 * 1024, processes: 5, samples: 12 },
      ],
      'how',
      1,
    );
    const row = c.rows[0];
    expect(row.figures.peakMb).toBe(700);
    expect(row.figures.enginesMb).toBe(200);
    expect(row.ratio).toBe(3.5);
    expect(row.withinAim).toBe(false);
    expect(row.figures.samples).toBe(22);
    expect(c.native?.figures.peakMb).toBe(200);
  });

  it('is within aim under the ceiling', () => {
    expect(judgeMemory({ label: 'x', how: '', figures: { ms: Number.NaN, peakMb: 599, enginesMb: 100 } }, { kind: 'memory', maxMb: 600 }).withinAim).toBe(true);
  });
});

describe('time to verdict', () => {
  it('runs the check for one exercise or the whole lab, with --solutions and --json', () => {
    expect(verdictArgs('verdict-one')).toEqual(['checker/cli/check.ts', '5', '--target', 'local', '--exercise', '02', '--json', '--solutions']);
    expect(verdictArgs('verdict-lab')).not.toContain('--exercise');
  });

  it("reads the verdict from check's JSON, and nothing from other output", () => {
    const doc = JSON.stringify({ status: 'pass', summary: { pass: 2 }, checks: [{}, {}] });
    expect(readVerdict(doc)).toEqual({ status: 'pass', checks: 2, pass: 2 });
    expect(readVerdict('Could not start redis-server')).toBeUndefined();
    expect(readVerdict('{"status": 1}')).toBeUndefined();
  });

  it("names an uncaught error's own line, not Node's version banner, for a run without a results document", () => {
    const stderr = 'file:///x/y.ts:3\n    throw err;\n\nError: connect ECONNREFUSED 127.0.0.1:3306\n    at f (x.ts:1:1)\n\nNode.js v20.20.2\n';
    expect(failureLine(stderr)).toBe('Error: connect ECONNREFUSED 127.0.0.1:3306');
    expect(failureLine('Could not start mariadbd.\n')).toBe('Could not start mariadbd.');
  });

  it('judges the ratio over the tsx floor: 4x is within aim, above it is not', () => {
    const m = { label: 'x', how: '', figures: { ms: 1200 } };
    expect(judge(m, 300, { kind: 'ratio', max: 4 }).withinAim).toBe(true);
    expect(judge(m, 299, { kind: 'ratio', max: 4 }).withinAim).toBe(false);
  });
});

describe('watch output', () => {
  it('keeps each verdict with the exercise its run header named, across split chunks', () => {
    const out = new WatchOutput();
    out.feed('Watching labs/05-elasticache-redis/exercises/\n\n─── 6:40:01 PM all exercises ───\n  ✗ one\n\n✗  12/30 checks pass across the exer');
    out.feed('cises run so far. Save a file to re-run it; Enter re-runs all; q + Enter quits.\n');
    out.feed('\n─── 18:40:09 03-write-through ───\n\n✗  13/30 checks pass across the exercises run so far. Save a file\n');
    expect(out.verdicts).toEqual([
      { exercise: 'all exercises', pass: 12, total: 30 },
      { exercise: '03-write-through', pass: 13, total: 30 },
    ]);
  });

  it('counts no verdict before its line is complete', () => {
    const out = new WatchOutput();
    out.feed('✗  12/30 checks pass across the exercises run so far.');
    expect(out.verdicts).toEqual([]);
  });
});

describe('report', () => {
  it('shows the new rows with their aims, a floor-less row without a ratio, and memory in MB', () => {
    const doc: BenchDocument = {
      kind: 'data-tier-labs-bench',
      date: '2026-01-01T00:00:00Z',
      machine: { cpus: 2, cpuModel: 'cpu', platform: 'linux/x64', node: 'v20', loadAverageStart: [1, 1, 1], loadAverageEnd: [1, 1, 1] },
      versions: {},
      comparisons: [
        {
          id: 'verdict-one',
          title: 'Time to verdict, one exercise',
          metric: 'median exit',
          status: 'ran',
          native: { label: 'tsx floor', how: '', figures: { ms: 500, samples: 3 } },
          rows: [judge({ label: 'check 5 --exercise 02', how: '', figures: { ms: 2500, samples: 3 } }, 500, { kind: 'ratio', max: 4 })],
          notes: [],
          durationMs: 1,
        },
        {
          id: 'watch-latency',
          title: 'Watch',
          metric: 'median save to verdict',
          status: 'ran',
          rows: [judge({ label: 'save 03-write-through to verdict', how: '', figures: { ms: 420, samples: 5 } }, Number.NaN, { kind: 'absolute', maxMs: 500 })],
          notes: [],
          durationMs: 1,
        },
        memoryComparison([{ totalKb: 450 * 1024, enginesKb: 300 * 1024, processes: 4, samples: 9 }], 'how', 1),
      ],
      durationMs: 1,
    };
    const text = renderReport(doc);
    expect(text).toContain('verdict-one: check 5 --exercise 02: 5.00x vs tsx floor — aim ≤ 4x: above aim');
    expect(text).toContain('watch-latency: save 03-write-through to verdict: 420 ms, no native floor — aim < 500 ms: within aim');
    expect(text).toContain('peak-memory: check 5 --solutions, whole tree: 450 MB (engines 300 MB), 1.50x vs engines alone — aim < 600 MB: within aim');
    expect(text).not.toContain('NaN');
  });
});
