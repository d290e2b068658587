/**
 * Comparison 3: how long the kit's commands take to say anything, against a
 * bare `node -e 0`. Starts alternate between the commands so a busy moment
 * hits all of them; one unmeasured start of each warms the disk cache and
 * tsx's transform cache first.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { judge, median, type Comparison, type Measured } from './model.js';
import { timeStart, type StartTiming } from './proc.js';

export interface CliStartOptions {
  runs: number;
}

const AIM = { kind: 'absolute', maxMs: 600 } as const;

interface Subject {
  label: string;
  args: string[];
  timings: StartTiming[];
}

export async function benchCliStart(repoRoot: string, options: CliStartOptions, progress: (line: string) => void): Promise<Comparison> {
  const started = performance.now();
  const node = process.execPath;
  const baseline: Subject = { label: 'node -e 0', args: ['-e', '0'], timings: [] };
  const subjects: Subject[] = [];
  for (const cli of ['check', 'lab']) {
    const file = join('checker', 'cli', `${cli}.ts`);
    if (existsSync(join(repoRoot, file))) subjects.push({ label: `${cli}.ts --help`, args: ['--import', 'tsx', file, '--help'], timings: [] });
  }
  if (subjects.length === 0) {
    return {
      id: 'cli-start',
      title: 'CLI start',
      metric: 'median first output',
      status: 'skipped',
      reason: 'neither checker/cli/check.ts nor checker/cli/lab.ts exists',
      rows: [],
      notes: [],
      durationMs: 0,
    };
  }
  // No TTY on stdin, as in CI; colour off so the output is the same on every run.
  const env = { ...process.env, NO_COLOR: '1' };
  // Not judged: the floor every command started through tsx pays before its own first import.
  const noop = join('checker', 'bench', 'fixtures', 'noop.ts');
  const tsxFloor: Subject = { label: 'tsx floor', args: ['--import', 'tsx', noop], timings: [] };
  const all = [baseline, tsxFloor, ...subjects];

  progress(`cli-start: warm-up (1 start each)`);
  for (const s of all) await timeStart(node, s.args, repoRoot, env);
  for (let run = 1; run <= options.runs; run += 1) {
    progress(`cli-start: run ${run}/${options.runs}`);
    for (const s of all) s.timings.push(await timeStart(node, s.args, repoRoot, env));
  }

  const baseMs = median(baseline.timings.map((t) => t.exitMs));
  const native: Measured = {
    label: 'node -e 0',
    how: `${node} -e 0, spawn to exit (it prints nothing)`,
    figures: { ms: baseMs, exitMs: baseMs, samples: baseline.timings.length },
  };
  const notes: string[] = [];
  const rows = subjects.map((s) => {
    const first = median(s.timings.map((t) => t.firstByteMs ?? t.exitMs));
    const exit = median(s.timings.map((t) => t.exitMs));
    const codes = [...new Set(s.timings.map((t) => t.code))];
    const firstLine = s.timings[0]?.firstLine ?? '';
    if (codes.some((c) => c !== 0)) {
      notes.push(`${s.label} exited with ${codes.join('/')} without a terminal; its first line: "${firstLine}"`);
    }
    return judge(
      {
        label: `${s.label} first output`,
        how: `node --import tsx ${s.args.slice(2).join(' ')}, spawn to first byte on stdout/stderr (stdin not a TTY)`,
        figures: { ms: first, exitMs: exit, samples: s.timings.length },
      },
      baseMs,
      AIM,
    );
  });
  const floorMs = median(tsxFloor.timings.map((t) => t.exitMs));
  notes.push(
    `node --import tsx ${noop} (a .ts file with no imports) exits after ${floorMs.toFixed(0)} ms (${(floorMs / baseMs).toFixed(2)}x node -e 0): ` +
      `the tsx loader alone; the rest of each command's time is loading its own imports`,
  );
  notes.push(`median of ${options.runs} starts each, after 1 unmeasured start; ratio is against node -e 0 (${baseMs.toFixed(0)} ms), the aim is absolute`);
  return {
    id: 'cli-start',
    title: 'CLI start: spawn to first output vs node -e 0 (median of starts)',
    metric: 'median first output',
    status: 'ran',
    native,
    context: [
      {
        label: 'tsx floor',
        how: `node --import tsx ${noop}: a .ts file with no imports, spawn to exit`,
        figures: { ms: floorMs, exitMs: floorMs, samples: tsxFloor.timings.length },
      },
    ],
    rows,
    notes,
    durationMs: performance.now() - started,
  };
}
