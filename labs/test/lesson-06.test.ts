/**
 * The Lab 6 lesson is tested where it makes claims the kit can check: on the
 * kit's local MariaDB (performance_schema on), with the lab's own seed and
 * the digests cleared, every ```sql statement runs, and what the lesson says
 * it shows is what the server reports: ORDER BY RAND() is a full scan with a
 * temporary table and a filesort, the hot query reads the whole orders table
 * to return about 20 rows, the digest query ranks statements with timers
 * converted from picoseconds and shows rows examined far above rows sent, and
 * the index demo turns a scan into a lookup and leaves the table as it was.
 * The lesson's hot query is the kit's, its digest table is the kit's, every
 * `npm run` command parses, every `aws` command is real in the AWS API model,
 * the price and the stack-config settings are the kit's, and links, anchors
 * and mermaid blocks are well formed.
 */
import mysql, { type Connection } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFlags } from '../../checker/cli/args.js';
import { startLocalDatabase, type LocalDatabase } from '../../checker/engines/local.js';
import { COURSE_ROUNDS, COURSE_WORKERS } from '../../checker/checks/06-performance-insights/workload.js';
import { lab06 } from '../06-performance-insights/lab.js';
import {
  CUSTOMER_COUNT,
  DIGEST_TABLE,
  ITEM_COUNT,
  ORDER_COUNT,
  ORDERS_FOR_CUSTOMER_SQL,
  RANDOM_ITEM_SQL,
  resetDatabase,
  secondaryIndexes,
} from '../06-performance-insights/seed.js';
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

const LESSON = 'labs/06-performance-insights/README.md';
const LAB = lab06;

const lesson = read(LESSON);
const blocks = fences(lesson);
const sqlBlocks = blocks.filter((b) => b.lang === 'sql');
const HOT_WITH_LITERAL = ORDERS_FOR_CUSTOMER_SQL.replace('?', '42');
const IS_HOT_DIGEST = /FROM `?orders`? WHERE `?customer_id`? = \?/i;

describe("the lesson's SQL, on the kit's MariaDB with the lab's seed", () => {
  let db: LocalDatabase | undefined;
  let conn: Connection | undefined;
  const ran: Ran[] = [];
  let indexesAfter: Array<{ name: string; columns: string[] }> = [];
  let rawTimers: Array<{ DIGEST_TEXT: string; SUM_TIMER_WAIT: string }> = [];

  beforeAll(async () => {
    db = await startLocalDatabase();
    conn = await mysql.createConnection(optionsFor(db.endpoints.mysql!, 10_000));
    await resetDatabase(conn);
    await conn.query(`TRUNCATE TABLE ${DIGEST_TABLE}`);
    await runAll(
      conn,
      sqlBlocks.flatMap((b) => splitSql(b.body).map((sql, k) => ({ sql, where: `${LESSON}:${b.line} (statement ${k + 1})` }))),
      ran,
    );
    indexesAfter = await secondaryIndexes(conn, 'items');
    const [raw] = await conn.query(`SELECT DIGEST_TEXT, SUM_TIMER_WAIT FROM ${DIGEST_TABLE} WHERE SCHEMA_NAME = DATABASE()`);
    rawTimers = raw as typeof rawTimers;
  }, 120_000);

  afterAll(async () => {
    await conn?.end().catch(() => undefined);
    await db?.stop();
  });

  const rowsOf = (sql: string, nth = 0): Array<Record<string, unknown>> => {
    const hits = ran.filter((r) => r.sql === sql);
    expect(hits.length, `the lesson no longer runs \`${sql}\` (this test asserts its result)`).toBeGreaterThan(nth);
    return hits[nth]?.rows ?? [];
  };
  const digestRows = () => ran.find((r) => r.sql.includes(DIGEST_TABLE))?.rows ?? [];

  it('every statement succeeds', () => {
    expect(ran.length).toBeGreaterThanOrEqual(10);
    expect(ran.filter((r) => r.error).map((r) => `${r.where}: ${r.sql} -> ${r.error?.message}`)).toEqual([]);
  });

  it("uses the kit's statements: the course's random read and the planted hot query, verbatim", () => {
    const all = ran.map((r) => r.sql);
    expect(all).toContain(RANDOM_ITEM_SQL);
    expect(all).toContain(HOT_WITH_LITERAL);
    expect(all.some((s) => s.includes(DIGEST_TABLE))).toBe(true);
  });

  it('ORDER BY RAND() reads every item into a temporary table and sorts it', () => {
    const [plan] = rowsOf(`EXPLAIN ${RANDOM_ITEM_SQL}`);
    expect(plan?.type).toBe('ALL');
    expect(String(plan?.Extra)).toMatch(/Using temporary/);
    expect(String(plan?.Extra)).toMatch(/filesort/);
    expect(lesson).toContain('`type: ALL` with `Using temporary; Using filesort`');
  });

  it('the hot query returns about 20 rows and EXPLAIN shows a full scan of the orders table', () => {
    expect(rowsOf(HOT_WITH_LITERAL)).toHaveLength(ORDER_COUNT / CUSTOMER_COUNT);
    const [plan] = rowsOf(`EXPLAIN ${HOT_WITH_LITERAL}`);
    expect(plan?.type).toBe('ALL');
    expect(Number(plan?.rows)).toBeGreaterThan(ORDER_COUNT / 2);
    expect(lesson).toContain(`so it returns ${ORDER_COUNT / CUSTOMER_COUNT} rows`);
    expect(lesson).toContain(`an \`orders\` table of ${ORDER_COUNT.toLocaleString('en-US')} rows`);
    expect(lesson).toContain(`${ITEM_COUNT.toLocaleString('en-US')} \`items\`, ${ORDER_COUNT.toLocaleString('en-US')} \`orders\``);
  });

  it('the digest query ranks by total time and shows the hot query examining the whole table per call to send about 20', () => {
    const rows = digestRows();
    expect(rows.length).toBeGreaterThanOrEqual(2);
    const totals = rows.map((r) => Number(r.total_ms));
    expect(totals).toEqual([...totals].sort((a, b) => b - a));
    const hot = rows.find((r) => IS_HOT_DIGEST.test(String(r.DIGEST_TEXT)) && !/^EXPLAIN/i.test(String(r.DIGEST_TEXT)));
    expect(hot, `no digest of the hot query among: ${rows.map((r) => r.DIGEST_TEXT).join(' | ')}`).toBeDefined();
    expect(Number(hot?.examined_per_call)).toBeGreaterThanOrEqual(ORDER_COUNT);
    expect(Number(hot?.sent_per_call)).toBe(ORDER_COUNT / CUSTOMER_COUNT);
    const random = rows.find((r) => /^SELECT .*ORDER BY `?RAND`?\s*\(/i.test(String(r.DIGEST_TEXT)));
    expect(random, `no digest of the random read among: ${rows.map((r) => r.DIGEST_TEXT).join(' | ')}`).toBeDefined();
    expect(Number(random?.examined_per_call)).toBeGreaterThanOrEqual(ITEM_COUNT);
    expect(Number(random?.sent_per_call)).toBe(1);
  });

  it("the lesson's conversion is picoseconds to milliseconds: total_ms x 10^9 is the raw SUM_TIMER_WAIT", () => {
    const rows = digestRows();
    const hot = rows.find((r) => IS_HOT_DIGEST.test(String(r.DIGEST_TEXT)) && !/^EXPLAIN/i.test(String(r.DIGEST_TEXT)));
    const raw = rawTimers.find((r) => r.DIGEST_TEXT === hot?.DIGEST_TEXT);
    expect(raw).toBeDefined();
    expect(Math.abs(Number(hot?.total_ms) * 1e9 - Number(raw?.SUM_TIMER_WAIT))).toBeLessThanOrEqual(1e6);
    for (const r of rows) expect(Number(r.avg_ms)).toBeLessThanOrEqual(Number(r.total_ms) + 0.001);
    expect(Number(rows[0]?.total_ms)).toBeGreaterThan(0);
    expect(Number(rows[0]?.total_ms)).toBeLessThan(60_000); // milliseconds, not picoseconds or nanoseconds
    expect(lesson).toMatch(/\*\*picoseconds\*\* \(10\^-12 s\):\s+divide by 10\^9 for milliseconds/);
  });

  it('the index demo turns a scan into a lookup on the new index, and puts the table back', () => {
    const sql = "EXPLAIN SELECT id, price FROM items WHERE name = 'item 42'";
    expect(rowsOf(sql, 0)[0]?.type).toBe('ALL');
    const after = rowsOf(sql, 1)[0];
    expect(after?.type).toBe('ref');
    expect(after?.key).toBe('idx_items_name');
    expect(indexesAfter).toEqual([]);
  });

  it("does not give exercise 02's answer away: no index on orders in the lesson", () => {
    expect(ran.filter((r) => /INDEX[\s\S]*\bON\s+orders\b|ALTER TABLE orders/i.test(r.sql)).map((r) => r.sql)).toEqual([]);
  });

  it('has no SQL outside sql blocks', () => {
    const stray = blocks
      .filter((b) => b.lang !== 'sql' && b.lang !== 'mermaid')
      .flatMap((b) => b.body.split('\n').filter((l) => /^\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|EXPLAIN|SHOW)\s/i.test(l)));
    expect(stray).toEqual([]);
  });
});

describe('the lesson agrees with the kit and with the AWS API', () => {
  const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
  const commands = npmCommands(lesson);
  const aws = awsCommands(blocks);

  it('every `npm run` command exists, parses, and names lab 6 and its exercises', () => {
    expect(commands.filter((c) => !(c.script in pkg.scripts)).map((c) => c.text)).toEqual([]);
    expect(kitCommandProblems(commands, LAB, (argv) => parseFlags(argv, ''))).toEqual([]);
    expect(commands.map((c) => c.text)).toEqual(
      expect.arrayContaining([
        'npm run lab 6',
        'npm run deploy 6',
        'npm run destroy 6',
        'npm run check -- 6 --target local',
        'npm run check -- 6 --target aws',
        'npm run check -- 6 --target aws --tunnel',
      ]),
    );
  });

  it('every aws command is a real operation with real options and shorthand keys', () => {
    const problems = awsCommandListProblems(aws);
    expect(problems).toEqual([]);
    const names = new Set(aws.map((c) => `${c.service} ${c.operation}`));
    for (const needed of [
      'pi get-resource-metrics',
      'pi describe-dimension-keys',
      'rds modify-db-instance',
      'cloudwatch put-metric-alarm',
      'cloudwatch describe-alarms',
    ])
      expect(names).toContain(needed);
  });

  it('queries PI by DbiResourceId with db.load.avg, grouped by wait event and by tokenized SQL', () => {
    const pi = aws.filter((c) => c.service === 'pi');
    expect(pi.every((c) => c.values['identifier'] === '$RESOURCE' && c.values['service-type'] === 'RDS')).toBe(true);
    expect(lesson).toContain('RESOURCE=$(out DbiResourceId)');
    const queries = JSON.parse(pi.find((c) => c.operation === 'get-resource-metrics')?.values['metric-queries'] ?? '[]') as Array<{
      Metric: string;
      GroupBy?: { Group: string };
    }>;
    expect(queries.map((q) => q.Metric)).toEqual(['db.load.avg', 'db.load.avg']);
    expect(queries[1]?.GroupBy?.Group).toBe('db.wait_event');
    expect(JSON.parse(pi.find((c) => c.operation === 'describe-dimension-keys')?.values['group-by'] ?? '{}')).toMatchObject({ Group: 'db.sql_tokenized' });
  });

  const solution = 'solutions/06-performance-insights/stack-config.ts';
  it('the settings and thresholds the lesson gives are the solution stack-config.ts', () => {
    const done = read(solution);
    expect(done).toMatch(/performanceInsights:\s*true/);
    const seconds = /enhancedMonitoringSeconds:\s*(\d+)/.exec(done)?.[1];
    const cpu = /cpuPercent:\s*(\d+)/.exec(done)?.[1];
    const connections = /connections:\s*(\d+)/.exec(done)?.[1];
    expect(lesson).toContain(`\`enhancedMonitoringSeconds: ${seconds}\``);
    const alarms = aws.filter((c) => c.operation === 'put-metric-alarm');
    expect(alarms.find((c) => c.values['metric-name'] === 'CPUUtilization')?.values['threshold']).toBe(cpu);
    expect(alarms.find((c) => c.values['metric-name'] === 'DatabaseConnections')?.values['threshold']).toBe(connections);
    expect(aws.find((c) => c.operation === 'modify-db-instance')?.values['monitoring-interval']).toBe(seconds);
  });

  it("names only the lab's stack and its real outputs", () => {
    for (const m of lesson.matchAll(/DataTierLabs-[\w-]+/g)) expect(m[0]).toBe(LAB.stack!.name);
    const outputs = new Set(Object.values(LAB.stack!.outputs));
    const named = [...lesson.matchAll(/\bout ([A-Z]\w+)/g)].map((m) => m[1] ?? '');
    expect(named).toEqual(expect.arrayContaining(['InstanceId', 'DbiResourceId']));
    expect(named.filter((n) => !outputs.has(n))).toEqual([]);
  });

  it('covers every exercise and every function it exports, with the signatures of the exercise files', () => {
    for (const exercise of LAB.exercises) {
      expect(lesson).toContain(exercise.id);
      for (const name of exercise.exports) expect(lesson, `${exercise.id} export ${name}`).toMatch(new RegExp(`\`${name}[\`(]`));
    }
    expect(signatureProblems(lesson, LAB.exercises, 'labs/06-performance-insights/exercises')).toEqual([]);
  });

  it('quotes the cost as lab.ts computes it and names the instance class lab.ts deploys', () => {
    expect(lesson).toContain(`about $${LAB.cost.usdPerHour.toFixed(2)} per hour while the stack exists`);
    const rds = LAB.requires!.rds[0]!;
    expect(lesson).toContain(`one ${rds.instanceClass}, the smallest class with Performance Insights`);
    expect(lesson).toContain(`RDS for MySQL ${rds.engineVersion.split('.').slice(0, 2).join('.')} instance on ${rds.instanceClass}`);
  });

  it('the deployment minutes, instance class and engine version agree with lab.ts', () => {
    expect(labFactProblems(lesson, LAB)).toEqual([]);
  });

  it("describes the kit's own workload: its number of workers and rounds", () => {
    const words = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];
    expect(lesson).toContain(`**${words[COURSE_WORKERS]} workers**, each doing **${COURSE_ROUNDS} rounds**`);
  });

  it('keeps to current services and names', () => {
    expect(lesson).toMatch(/Database Insights/);
    if (/Serverless v1/i.test(lesson)) expect(lesson).toMatch(/Serverless v1[^.]*retired/i);
    expect(lesson).not.toMatch(/Performance Insights (dashboard|console) (shows|lets)/i);
  });

  it('every mermaid block is well formed', () => {
    const mermaid = blocks.filter((b) => b.lang === 'mermaid');
    expect(mermaid.length).toBeGreaterThanOrEqual(1);
    expect(mermaid.flatMap((b) => mermaidProblems(b, `${LESSON}:${b.line}`))).toEqual([]);
  });
});

describeLessonLinks(lesson, LESSON, 8, [LAB.stack!.file, 'labs/06-performance-insights/stack-config.ts', 'solutions/06-performance-insights/stack-config.ts']);
