/**
 * Time to verdict: `check.ts 5 --target local --json --solutions` (one
 * exercise, or the whole lab) from a cold process start to its exit, the
 * engines started by the command itself, against the tsx floor (`node
 * --import tsx` on an empty .ts file) started alternately in the same run.
 * Started as `node --import tsx checker/cli/check.ts …`, as `npm run check`
 * does after npm's own start, so npm's cost is in neither side.
 */
import { join } from 'node:path';
import { judge, judgeMemory, median, type Comparison, type Measured } from './model.js';
import { timeRun, timeStart } from './proc.js';
import { trackPeak, type TreeSample } from './tree-memory.js';

export interface VerdictOptions {
  runs: number;
  /** Sample the process tree's memory during each timed run (for peak-memory). */
  sampleMemory?: boolean;
}

export type VerdictId = 'verdict-one' | 'verdict-lab';

const AIMS = { 'verdict-one': { kind: 'ratio', max: 4 }, 'verdict-lab': { kind: 'ratio', max: 8 } } as const;
const TITLES = {
  'verdict-one': 'Time to verdict, one exercise (Lab 5, 02): cold start to exit vs the tsx floor',
  'verdict-lab': 'Time to verdict, all of Lab 5: cold start to exit vs the tsx floor',
} as const;
export const MEMORY_AIM = { kind: 'memory', maxMb: 600 } as const;
const MB = 1024;

export function verdictArgs(id: VerdictId): string[] {
  return ['checker/cli/check.ts', '5', '--target', 'local', ...(id === 'verdict-one' ? ['--exercise', '02'] : []), '--json', '--solutions'];
}

export interface VerdictSummary {
  status: string;
  checks: number;
  pass: number;
}

/** The verdict a `check --json` run printed, or undefined when stdout is not its results document. */
export function readVerdict(stdout: string): VerdictSummary | undefined {
  try {
    const doc = JSON.parse(stdout) as { status?: unknown; checks?: unknown; summary?: { pass?: unknown } };
    if (typeof doc.status !== 'string' || !Array.isArray(doc.checks)) return undefined;
    return { status: doc.status, checks: doc.checks.length, pass: typeof doc.summary?.pass === 'number' ? doc.summary.pass : Number.NaN };
  } catch {
    return undefined;
  }
}

/** The line of a failed run's stderr that says what went wrong: an uncaught error's own line rather than Node's trailing version banner. */
export function failureLine(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^Node\.js v\d/.test(l) && !/^at /.test(l));
  return (lines.find((l) => /^\w*(Error|Exception)\b/.test(l)) ?? lines.at(-1) ?? '').slice(0, 300);
}

export interface VerdictBench {
  comparison: Comparison;
  /** One per timed run when memory was sampled. */
  peaks: Array<TreeSample & { samples: number }>;
}

export async function benchVerdict(
  id: VerdictId,
  repoRoot: string,
  options: VerdictOptions,
  env: NodeJS.ProcessEnv,
  progress: (line: string) => void,
): Promise<VerdictBench> {
  const started = performance.now();
  const node = process.execPath;
  const noop = join('checker', 'bench', 'fixtures', 'noop.ts');
  const args = verdictArgs(id);
  const floorMs: number[] = [];
  const oursMs: number[] = [];
  const peaks: VerdictBench['peaks'] = [];
  const outcomes: string[] = [];
  progress(`${id}: warm-up (1 tsx floor start)`);
  await timeStart(node, ['--import', 'tsx', noop], repoRoot, env);
  for (let run = 1; run <= options.runs; run += 1) {
    progress(`${id}: run ${run}/${options.runs}`);
    floorMs.push((await timeStart(node, ['--import', 'tsx', noop], repoRoot, env)).exitMs);
    let tracker: ReturnType<typeof trackPeak> | undefined;
    const result = await timeRun(node, ['--import', 'tsx', ...args], {
      cwd: repoRoot,
      env,
      onSpawn: (child) => {
        if (options.sampleMemory && child.pid !== undefined) tracker = trackPeak(child.pid);
      },
    });
    tracker?.stop();
    if (tracker) peaks.push(tracker.peak());
    oursMs.push(result.exitMs);
    const v = readVerdict(result.stdout);
    outcomes.push(
      v ? `exit ${result.code}, ${v.status}, ${v.pass}/${v.checks} checks pass` : `exit ${result.code}, no results document: ${failureLine(result.stderr)}`,
    );
  }
  const floor = median(floorMs);
  const native: Measured = {
    label: 'tsx floor',
    how: `node --import tsx ${noop}: a .ts file with no imports, spawn to exit`,
    figures: { ms: floor, exitMs: floor, samples: floorMs.length },
  };
  const row = judge(
    {
      label: id === 'verdict-one' ? 'check 5 --exercise 02' : 'check 5 (all exercises)',
      how: `node --import tsx ${args.join(' ')}, spawn to exit, engines started by the command`,
      figures: { ms: median(oursMs), exitMs: median(oursMs), samples: oursMs.length },
    },
    floor,
    AIMS[id],
  );
  const notes = [
    `median of ${options.runs} runs, each after a tsx floor start (alternating); npm's own start (about a node start) is left out of both sides`,
    `outcomes: ${[...new Set(outcomes)].join('; ')}`,
  ];
  if (outcomes.some((o) => !o.startsWith('exit 0, pass'))) notes.push('a run did not end in a passing verdict: its time is not a time to a correct verdict');
  return {
    comparison: { id, title: TITLES[id], metric: 'median exit', status: 'ran', native, rows: [row], notes, durationMs: performance.now() - started },
    peaks,
  };
}

/** peak-memory from the samples of one or more full-lab runs: the largest tree total, with the engines' share at that moment. */
export function memoryComparison(peaks: Array<TreeSample & { samples: number }>, how: string, durationMs: number): Comparison {
  const top = peaks.reduce((a, b) => (b.totalKb > a.totalKb ? b : a));
  const peakMb = top.totalKb / MB;
  const enginesMb = top.enginesKb / MB;
  const samples = peaks.reduce((s, p) => s + p.samples, 0);
  const native: Measured = {
    label: 'engines alone',
    how: 'redis-server + mariadbd resident memory at the tree peak',
    figures: { ms: Number.NaN, peakMb: enginesMb, enginesMb, samples },
  };
  const row = judgeMemory(
    {
      label: 'check 5 --solutions, whole tree',
      how,
      figures: { ms: Number.NaN, peakMb, enginesMb, samples },
    },
    MEMORY_AIM,
  );
  return {
    id: 'peak-memory',
    title: 'Peak resident memory, full local check of Lab 5 (checker + exercise process + engines)',
    metric: 'peak rss',
    status: 'ran',
    native,
    rows: [row],
    notes: [
      `VmRSS of the check process and every descendant summed per sample (every 50 ms, ${samples} samples over ${peaks.length} run(s)); the largest sum is the peak, ` +
        `${top.processes} processes at that moment; ratio is the whole tree over the engines' share; the aim is absolute`,
      'shared pages (node, libc) count once per process, so the sum overstates what the machine loses a little',
    ],
    durationMs,
  };
}
