/**
 * The Lab 4 lesson is tested where it makes claims the kit can check: every
 * ```sql statement runs on the kit's local MariaDB (the one the lab's local
 * target starts); every `npm run` command parses with the kit's flag parser
 * and names lab 4 and its exercises; every `aws` command names a real
 * operation, real options and real shorthand keys of the AWS API model in the
 * installed SDK, and the scaling configuration it sets is the course's
 * exercise translated to v2; the worked cost example is computed from the
 * kit's price table; the starting and finished capacity ranges are the ones
 * in stack-config.ts; links, anchors and mermaid blocks are well formed.
 */
import mysql, { type Connection } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFlags } from '../../checker/cli/args.js';
import { HOURS_PER_MONTH, PRICES } from '../../checker/cost/pricing.js';
import { startLocalDatabase, type LocalDatabase } from '../../checker/engines/local.js';
import { lab04 } from '../04-aurora-serverless/lab.js';
import {
  read,
  optionsFor,
  fences,
  splitSql,
  type Ran,
  runAll,
  npmCommands,
  awsCommands,
  mermaidProblems,
  kitCommandProblems,
  describeLessonLinks,
  labFactProblems,
  awsCommandListProblems,
  signatureProblems,
} from './lesson-support.js';

const LESSON = 'labs/04-aurora-serverless/README.md';
const LAB = lab04;

const lesson = read(LESSON);
const blocks = fences(lesson);
const sqlBlocks = blocks.filter((b) => b.lang === 'sql');
const money = (n: number) => `$${n.toFixed(2)}`;

describe("the lesson's SQL runs on the kit's local MariaDB", () => {
  let db: LocalDatabase | undefined;
  let conn: Connection | undefined;
  const ran: Ran[] = [];

  beforeAll(async () => {
    db = await startLocalDatabase();
    conn = await mysql.createConnection(optionsFor(db.endpoints.mysql!, 5_000));
    await runAll(
      conn,
      sqlBlocks.flatMap((b) => splitSql(b.body).map((sql, k) => ({ sql, where: `${LESSON}:${b.line} (statement ${k + 1})` }))),
      ran,
    );
  }, 60_000);

  afterAll(async () => {
    await conn?.end().catch(() => undefined);
    await db?.stop();
  });

  const rowsOf = (prefix: string) => {
    const hit = ran.find((r) => r.sql.startsWith(prefix));
    expect(hit, `the lesson no longer runs ${prefix}...`).toBeDefined();
    return hit?.rows ?? [];
  };

  it('every statement succeeds', () => {
    expect(ran.length).toBeGreaterThanOrEqual(5);
    expect(ran.filter((r) => r.error).map((r) => `${r.where}: ${r.sql} -> ${r.error?.message}`)).toEqual([]);
  });

  it('the status and variables it shows are real, and the CPU-burning statement returns', () => {
    expect(rowsOf("SHOW GLOBAL STATUS LIKE 'Threads_connected'")[0]?.Variable_name).toBe('Threads_connected');
    expect(Number(rowsOf("SHOW GLOBAL STATUS LIKE 'Threads_running'")[0]?.Value)).toBeGreaterThanOrEqual(1);
    const [vars] = rowsOf('SELECT @@max_connections');
    expect(Number(vars?.max_connections)).toBeGreaterThan(0);
    expect(Number(vars?.buffer_pool_mib)).toBeGreaterThan(0);
    expect(Object.values(rowsOf('SELECT BENCHMARK(')[0] ?? {})).toEqual([0]);
  });

  it('has no SQL outside sql blocks', () => {
    const stray = blocks
      .filter((b) => b.lang !== 'sql' && b.lang !== 'mermaid')
      .flatMap((b) => b.body.split('\n').filter((l) => /^\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|SHOW)\s/i.test(l)));
    expect(stray).toEqual([]);
  });
});

describe('the lesson agrees with the kit and with the AWS API', () => {
  const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
  const commands = npmCommands(lesson);
  const aws = awsCommands(blocks);

  it('every `npm run` command exists, parses, and names lab 4 and its exercises', () => {
    expect(commands.filter((c) => !(c.script in pkg.scripts)).map((c) => c.text)).toEqual([]);
    expect(kitCommandProblems(commands, LAB, (argv) => parseFlags(argv, ''))).toEqual([]);
    expect(commands.map((c) => c.text)).toEqual(
      expect.arrayContaining([
        'npm run lab 4',
        'npm run deploy 4',
        'npm run destroy 4',
        'npm run check -- 4 --target local',
        'npm run check -- 4 --target aws',
        'npm run check -- 4 --target aws --tunnel',
        'npm run check -- 4 --target aws --tunnel --exercise 03',
      ]),
    );
  });

  it('every aws command is a real operation with real options and shorthand keys', () => {
    const problems = awsCommandListProblems(aws);
    expect(problems).toEqual([]);
    const names = new Set(aws.map((c) => `${c.service} ${c.operation}`));
    for (const needed of ['rds modify-db-cluster', 'rds describe-db-clusters', 'rds describe-db-engine-versions', 'cloudwatch get-metric-statistics'])
      expect(names).toContain(needed);
  });

  it("sets the course's capacity translated to v2: min 0, max 16, pause after 300 s, on the lab's engine version", () => {
    const modify = aws.find((c) => c.operation === 'modify-db-cluster');
    expect(modify?.values['serverless-v2-scaling-configuration']).toBe('MinCapacity=0,MaxCapacity=16,SecondsUntilAutoPause=300');
    expect(modify?.options).toContain('apply-immediately');
    const version = LAB.requires!.rds[0]!.engineVersion;
    expect(aws.find((c) => c.operation === 'describe-db-engine-versions')?.values['engine-version']).toBe(version);
    expect(lesson).toContain(`\`${version}\``);
    expect(Number(/^8\.0\.mysql_aurora\.3\.(\d+)\./.exec(version)?.[1])).toBeGreaterThanOrEqual(8);
  });

  it('reads ServerlessDatabaseCapacity and ACUUtilization from CloudWatch', () => {
    const metrics = aws.filter((c) => c.operation === 'get-metric-statistics').map((c) => c.values['metric-name']);
    expect(metrics).toEqual(expect.arrayContaining(['ServerlessDatabaseCapacity', 'ACUUtilization']));
  });

  const config = 'labs/04-aurora-serverless/stack-config.ts';
  const solution = 'solutions/04-aurora-serverless/stack-config.ts';
  it('the starting and finished ranges are the ones in stack-config.ts', () => {
    const field = (src: string, name: string) => Number(new RegExp(`${name}:\\s*([\\d.]+)`).exec(src)?.[1]);
    const start = read(config);
    const done = read(solution);
    expect(lesson).toContain(`capacity range of **${field(start, 'minCapacity')} to ${field(start, 'maxCapacity')} ACU**`);
    expect(lesson).toContain(`\`maxCapacity: ${field(done, 'maxCapacity')}\``);
    expect(lesson).toContain(`\`minCapacity: ${field(done, 'minCapacity')}\``);
    expect(lesson).toContain(`\`autoPauseSeconds: ${field(done, 'autoPauseSeconds')}\``);
  });

  it("names only the lab's stack and its real outputs", () => {
    for (const m of lesson.matchAll(/DataTierLabs-[\w-]+/g)) expect(m[0]).toBe(LAB.stack!.name);
    const outputs = new Set(Object.values(LAB.stack!.outputs));
    const named = [...lesson.matchAll(/\bout ([A-Z]\w+)/g), ...lesson.matchAll(/`([A-Z]\w+)` output/g)].map((m) => m[1] ?? '');
    expect(named.length).toBeGreaterThanOrEqual(3);
    expect(named.filter((n) => !outputs.has(n))).toEqual([]);
  });

  it('covers every exercise and every function it exports, with the signatures of the exercise files', () => {
    for (const exercise of LAB.exercises) {
      expect(lesson).toContain(exercise.id);
      for (const name of exercise.exports) expect(lesson, `${exercise.id} export ${name}`).toMatch(new RegExp(`\`${name}[\`(]`));
    }
    expect(signatureProblems(lesson, LAB.exercises, 'labs/04-aurora-serverless/exercises')).toEqual([]);
  });

  it('quotes the costs as lab.ts computes them: running load, and paused', () => {
    const paused = LAB.cost.billable.filter((b) => b.priceKey !== 'aurora:serverless-v2-acu').reduce((sum, b) => sum + b.count * b.usdPerHour, 0);
    expect(lesson).toContain(`about ${money(LAB.cost.usdPerHour)} per hour while you run load`);
    expect(lesson).toContain(`about ${money(paused)} per hour while the cluster is paused`);
  });

  it("works the serverless-versus-provisioned example with the kit's prices", () => {
    const acu = PRICES['aurora:serverless-v2-acu'].usd;
    const medium = PRICES['aurora:db.t4g.medium:mysql'].usd;
    expect(lesson).toContain(`**$${acu.toFixed(2)} per ACU-hour**`);
    expect(lesson).toContain(`**$${medium} per hour** for a provisioned db.t4g.medium`);
    expect(lesson).toContain(`**${(medium / acu).toFixed(2)} ACU**`);
    for (const figure of [0.5 * acu * HOURS_PER_MONTH, medium * HOURS_PER_MONTH, 2 * acu * HOURS_PER_MONTH, 22 * 8 * 2 * acu, 2 * acu]) {
      expect(lesson).toContain(`**${money(figure)}**`);
    }
    expect(lesson).toContain(`about $${Math.round(4 * acu * HOURS_PER_MONTH)} a month`);
    expect(lesson).toContain(`2 × $${acu.toFixed(2)} = $${(2 * acu).toFixed(2)}`);
  });

  it('the deployment minutes, instance class and engine version agree with lab.ts', () => {
    expect(labFactProblems(lesson, LAB)).toEqual([]);
  });

  it('keeps to current services and names', () => {
    expect(lesson).toMatch(/Serverless v1[^.]*retired/i);
    if (/Performance Insights/i.test(lesson)) expect(lesson).toMatch(/Database Insights/);
    // v1 vocabulary only in paragraphs that say it is v1 and gone
    const v1 = (lesson.split('## Review questions')[0] ?? '')
      .split(/\n\s*\n/)
      .filter((p) => /EngineMode|[^2]ScalingConfiguration|engine mode `serverless`/.test(p));
    expect(v1.length).toBeGreaterThanOrEqual(1);
    expect(v1.filter((p) => !/v1/.test(p) || !/retired|no longer deploy|fails/.test(p))).toEqual([]);
  });

  it('every mermaid block is well formed', () => {
    const mermaid = blocks.filter((b) => b.lang === 'mermaid');
    expect(mermaid.length).toBeGreaterThanOrEqual(2);
    expect(mermaid.flatMap((b) => mermaidProblems(b, `${LESSON}:${b.line}`))).toEqual([]);
  });
});

describeLessonLinks(lesson, LESSON, 8, [LAB.stack!.file, 'labs/04-aurora-serverless/stack-config.ts', 'solutions/04-aurora-serverless/stack-config.ts']);
