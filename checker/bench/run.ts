/**
 * npm run bench -- [--json] [--quick] [--only <ids>] [--connections 1,4,8]
 * ids: cache-hit, point-select, cli-start, load-point-select, load-read-write,
 *      verdict-one, verdict-lab, watch-latency, peak-memory
 *
 * Measures the kit's hot paths as ratios against native tools run side by
 * side on the same private engines (redis-benchmark, sysbench, node -e 0, the
 * tsx floor), so
 * the figures mean something on any machine. Not a test: an "above aim"
 * ratio is reported, not failed. Exit code 0 when at least one comparison
 * ran, 2 when none could, 1 on an unexpected error.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCommandLine } from '../core/command-line.js';
import { UsageError } from '../core/errors.js';
import { startLocalEngines, type LocalEngines } from '../engines/local.js';
import { connectMysql, connectRedis } from '../runner/connect.js';
// eslint-disable-next-line import-x/no-restricted-paths -- the benchmark's workload is Lab 5's cache-aside on its seed data (issue 15 measures that hot path); a second lab would need a workload hook in the plug-in contract
import { resetDatabase } from '../../labs/05-elasticache-redis/seed.js';
import { benchCacheHit, type CacheHitOptions } from './cache-hit.js';
import { benchPointSelect, type PointSelectOptions } from './point-select.js';
import { benchCliStart, type CliStartOptions } from './cli-start.js';
import { benchLoad, type LoadCompareOptions } from './load-compare.js';
import { benchVerdict, memoryComparison, verdictArgs, type VerdictOptions } from './verdict.js';
import { benchWatchLatency, type WatchLatencyOptions } from './watch-latency.js';
import { COMPARISON_IDS, type BenchDocument, type Comparison, type ComparisonId } from './model.js';
import { findTool, killActiveChildren, toolVersion } from './proc.js';
import { renderReport } from './render.js';
import { guardOutputStreams } from '../core/output-errors.js';

const IDS = COMPARISON_IDS;
const USAGE = `Usage: npm run bench -- [--json] [--quick] [--only ${IDS.join(',')}] [--connections 1,4,8]`;
const LOAD_IDS = ['load-point-select', 'load-read-write'] as const;
const LOAD_TITLES = {
  'load-point-select': 'Load generator vs sysbench oltp_point_select',
  'load-read-write': 'Load generator vs sysbench oltp_read_write',
} as const;
type Id = ComparisonId;
const install = (apt: string, brew: string) =>
  `Install it with \`sudo apt-get install ${apt}\` (Debian/Ubuntu) or \`brew install ${brew}\` (macOS), then re-run.`;

interface Plan {
  cacheHit: CacheHitOptions;
  pointSelect: PointSelectOptions;
  cliStart: CliStartOptions;
  load: LoadCompareOptions;
  verdictOne: VerdictOptions;
  verdictLab: VerdictOptions;
  watch: WatchLatencyOptions;
}

const FULL: Plan = {
  cacheHit: { requests: 20_000, warmup: 2_000, rounds: 3 },
  pointSelect: { rounds: 5, nativeSeconds: 2, oursSeconds: 3, warmupSeconds: 1 },
  cliStart: { runs: 7 },
  load: { threads: 4, rounds: 3, seconds: 3, warmupSeconds: 1 },
  verdictOne: { runs: 3 },
  verdictLab: { runs: 2 },
  watch: { saves: 5 },
};
const QUICK: Plan = {
  cacheHit: { requests: 5_000, warmup: 1_000, rounds: 1 },
  pointSelect: { rounds: 2, nativeSeconds: 1, oursSeconds: 2, warmupSeconds: 1 },
  cliStart: { runs: 3 },
  load: { threads: 4, rounds: 1, seconds: 2, warmupSeconds: 1 },
  verdictOne: { runs: 1 },
  verdictLab: { runs: 1 },
  watch: { saves: 3 },
};

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const progress = (line: string) => process.stderr.write(`  … ${line}\n`);

function skipped(id: Id, title: string, reason: string): Comparison {
  const metric: Comparison['metric'] =
    id === 'point-select'
      ? 'avg'
      : id === 'cli-start'
        ? 'median first output'
        : id.startsWith('load-')
          ? 'qps'
          : id.startsWith('verdict-')
            ? 'median exit'
            : id === 'watch-latency'
              ? 'median save to verdict'
              : id === 'peak-memory'
                ? 'peak rss'
                : 'p50';
  return { id, title, metric, status: 'skipped', reason, rows: [], notes: [], durationMs: 0 };
}

function failed(id: Id, title: string, err: unknown): Comparison {
  const message = err instanceof Error ? err.message : String(err);
  return { ...skipped(id, title, message), status: 'error' };
}

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseCommandLine(
      process.argv.slice(2),
      {
        json: { type: 'boolean' },
        quick: { type: 'boolean' },
        only: { type: 'string' },
        connections: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      { script: 'bench', usage: USAGE },
    ));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`${err.message} ${err.nextStep ?? ''}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const only = new Set<string>(values.only ? values.only.split(',').map((s) => s.trim()) : IDS);
  const unknown = [...only].filter((id) => !(IDS as readonly string[]).includes(id));
  if (unknown.length > 0) {
    process.stderr.write(`Unknown comparison ${unknown.join(', ')}. ${USAGE}\n`);
    return 2;
  }
  const plan = values.quick ? QUICK : FULL;
  // The load rows run once per concurrency; the plan's own (4) is the headline.
  const connections = values.connections ? values.connections.split(',').map((s) => Number(s.trim())) : [plan.load.threads];
  if (connections.some((n) => !Number.isInteger(n) || n < 1 || n > 64)) {
    process.stderr.write(`--connections takes whole numbers from 1 to 64, comma-separated (got ${values.connections}). ${USAGE}\n`);
    return 2;
  }
  const loadRuns: Comparison[] = [];
  const started = performance.now();
  const loadAverageStart = loadavg();
  const versions: Record<string, string> = { node: process.version };
  const results = new Map<Id, Comparison>();

  const redisBenchmark = findTool('redis-benchmark');
  const sysbench = findTool('sysbench');
  if (redisBenchmark) versions['redis-benchmark'] = toolVersion(redisBenchmark) ?? '?';
  if (sysbench) versions.sysbench = toolVersion(sysbench) ?? '?';

  const wanted = (id: Id) => only.has(id);
  if (wanted('cache-hit') && !redisBenchmark)
    results.set('cache-hit', skipped('cache-hit', 'Cache-hit path vs redis-benchmark', `redis-benchmark is not installed. ${install('redis-tools', 'redis')}`));
  if (wanted('point-select') && !sysbench)
    results.set('point-select', skipped('point-select', 'Primary-key SELECT vs sysbench', `sysbench is not installed. ${install('sysbench', 'sysbench')}`));
  for (const id of LOAD_IDS)
    if (wanted(id) && !sysbench) results.set(id, skipped(id, LOAD_TITLES[id], `sysbench is not installed. ${install('sysbench', 'sysbench')}`));

  // Ctrl-C: take the tool children down with us; the engines have their own handler (stopOnSignals).
  let engines: LocalEngines | undefined;
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  const onSignal = (signal: NodeJS.Signals) => {
    killActiveChildren();
    process.stderr.write(`\nStopped (${signal}).\n`);
    if (!engines) process.exit(signal === 'SIGINT' ? 130 : 143);
    // The engines' handler, called for this same signal, stops the engines and
    // re-raises it; with ours gone that re-raise ends the process.
    for (const s of signals) process.removeListener(s, onSignal);
  };
  for (const s of signals) process.on(s, onSignal);

  const needsEngines = (wanted('cache-hit') && redisBenchmark) || (sysbench && (wanted('point-select') || LOAD_IDS.some(wanted)));
  if (needsEngines) {
    progress('starting private redis-server and mariadbd');
    try {
      engines = await startLocalEngines({ stopOnSignals: true });
      const { endpoints } = engines;
      const redis = await connectRedis(endpoints.redis);
      const info = await redis.info('server');
      versions['redis-server'] = /redis_version:(\S+)/.exec(info)?.[1] ?? '?';
      redis.disconnect();
      progress('seeding the Lab 5 users table');
      const sql = await connectMysql(endpoints.mysql);
      await resetDatabase(sql);
      const [rows] = await sql.query('SELECT VERSION() AS v');
      versions.mariadbd = String((rows as Array<{ v: string }>)[0]?.v ?? '?');
      await sql.end();

      if (wanted('cache-hit') && redisBenchmark) {
        try {
          results.set('cache-hit', await benchCacheHit(endpoints, redisBenchmark, plan.cacheHit, progress));
        } catch (err) {
          results.set('cache-hit', failed('cache-hit', 'Cache-hit path vs redis-benchmark', err));
        }
      }
      if (wanted('point-select') && sysbench) {
        try {
          results.set('point-select', await benchPointSelect(endpoints, sysbench, plan.pointSelect, progress));
        } catch (err) {
          results.set('point-select', failed('point-select', 'Primary-key SELECT vs sysbench', err));
        }
      }
      for (const id of LOAD_IDS) {
        if (!wanted(id) || !sysbench) continue;
        for (const threads of connections) {
          try {
            loadRuns.push(await benchLoad(id, endpoints, sysbench, { ...plan.load, threads }, progress));
          } catch (err) {
            loadRuns.push(failed(id, `${LOAD_TITLES[id]} (${threads} connections)`, err));
          }
        }
      }
    } catch (err) {
      // The engines could not start or be seeded: the CLI comparison can still run.
      for (const [id, title] of [
        ['cache-hit', 'Cache-hit path vs redis-benchmark'],
        ['point-select', 'Primary-key SELECT vs sysbench'],
        ...Object.entries(LOAD_TITLES),
      ] as Array<[Id, string]>) {
        if (wanted(id) && !results.has(id)) results.set(id, failed(id, title, err));
      }
    } finally {
      progress('stopping the engines');
      await engines?.stop();
      engines = undefined;
    }
  }

  if (wanted('cli-start')) {
    try {
      results.set('cli-start', await benchCliStart(REPO_ROOT, plan.cliStart, progress));
    } catch (err) {
      results.set('cli-start', failed('cli-start', 'CLI start', err));
    }
  }

  // The kit's own commands, each starting its own engines: nothing of the above is running by now.
  const wantsKitRuns = (['verdict-one', 'verdict-lab', 'watch-latency', 'peak-memory'] as const).some(wanted);
  if (wantsKitRuns) {
    // Colour off; a private progress file, so watch mode's runs never touch the learner's progress.
    const scratch = mkdtempSync(join(tmpdir(), 'dtl-bench-'));
    const env = { ...process.env, NO_COLOR: '1', DTL_PROGRESS_FILE: join(scratch, 'progress.json') };
    try {
      if (wanted('verdict-one')) {
        try {
          results.set('verdict-one', (await benchVerdict('verdict-one', REPO_ROOT, plan.verdictOne, env, progress)).comparison);
        } catch (err) {
          results.set('verdict-one', failed('verdict-one', 'Time to verdict, one exercise', err));
        }
      }
      // The full-lab runs are sampled for peak-memory too; peak-memory alone makes one sampled run of its own.
      const memoryHow = `node --import tsx ${verdictArgs('verdict-lab').join(' ')}, the whole process tree sampled every 50 ms`;
      if (wanted('verdict-lab')) {
        try {
          const lab = await benchVerdict(
            'verdict-lab',
            REPO_ROOT,
            { ...plan.verdictLab, sampleMemory: wanted('peak-memory') && process.platform === 'linux' },
            env,
            progress,
          );
          results.set('verdict-lab', lab.comparison);
          if (wanted('peak-memory')) results.set('peak-memory', memoryComparison(lab.peaks, memoryHow, lab.comparison.durationMs));
        } catch (err) {
          results.set('verdict-lab', failed('verdict-lab', 'Time to verdict, all of Lab 5', err));
        }
      }
      if (wanted('peak-memory') && process.platform !== 'linux') {
        results.set('peak-memory', skipped('peak-memory', 'Peak resident memory', 'it reads /proc, which only Linux has; run it on Linux (or WSL)'));
      }
      if (wanted('peak-memory') && !results.has('peak-memory')) {
        try {
          progress('peak-memory: one sampled run of the whole lab');
          const run = await benchVerdict('verdict-lab', REPO_ROOT, { runs: 1, sampleMemory: true }, env, progress);
          results.set('peak-memory', memoryComparison(run.peaks, memoryHow, run.comparison.durationMs));
        } catch (err) {
          results.set('peak-memory', failed('peak-memory', 'Peak resident memory', err));
        }
      }
      if (wanted('watch-latency')) {
        try {
          results.set('watch-latency', await benchWatchLatency(REPO_ROOT, plan.watch, env, progress));
        } catch (err) {
          results.set('watch-latency', failed('watch-latency', 'Watch mode: save to verdict', err));
        }
      }
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }

  const doc: BenchDocument = {
    kind: 'data-tier-labs-bench',
    date: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model.trim() ?? 'unknown CPU',
      platform: `${process.platform}/${process.arch}`,
      node: process.version,
      loadAverageStart,
      loadAverageEnd: loadavg(),
    },
    versions,
    comparisons: IDS.flatMap((id) => [...(results.has(id) ? [results.get(id) as Comparison] : []), ...loadRuns.filter((c) => c.id === id)]),
    durationMs: performance.now() - started,
  };
  const report = renderReport(doc);
  if (values.json) {
    process.stderr.write(`\n${report}\n`);
    process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
  } else {
    process.stdout.write(`\n${report}\n`);
  }
  return doc.comparisons.some((c) => c.status === 'ran') ? 0 : 2;
}

guardOutputStreams();
main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
