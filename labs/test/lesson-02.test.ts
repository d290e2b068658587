/**
 * The Lab 2 lesson is tested where it makes claims the kit can check: every
 * ```sql statement runs on a real MariaDB the kit starts; the blocks marked
 * "-- on the replica" then run on a real replica of the kit's replicated pair,
 * which must refuse the lesson's write with error 1290, show read_only ON and
 * report its replication state as the lesson says; every `npm run` command
 * exists and parses with the kit's own flag parser; every `aws` command is a
 * real operation with real options of the AWS API model; the figures agree
 * with lab.ts and stack-config.ts; every relative link and #anchor resolves;
 * every mermaid block is well formed.
 *
 * The helpers live in lesson-support.ts, shared with the other labs' lesson tests.
 */
import mysql, { type Connection } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFlags } from '../../checker/cli/args.js';
import { startLocalEngines, type LocalEngines } from '../../checker/engines/local.js';
import { startReplicatedMysql, type ReplicatedMysql } from '../../checker/engines/replicated-mysql.js';
import { lab01 } from '../01-rds-multi-az/lab.js';
import { lab02 } from '../02-read-replicas/lab.js';
import {
  read,
  optionsFor,
  type Fence,
  fences,
  splitSql,
  blockNote,
  type Ran,
  runAll,
  embeddedSql,
  npmCommands,
  splitTopLevel,
  kitCommandProblems,
  awsCommands,
  awsCommand,
  awsCommandListProblems,
  configField,
  signatureProblems,
  labFactProblems,
  mermaidProblems,
  describeLessonLinks,
} from './lesson-support.js';

const LESSON = 'labs/02-read-replicas/README.md';
const LAB = lab02;
/** Where the kit creates the tables the exercises use (compared with the lesson's SQL). */
const KIT_SESSION = 'checker/checks/02-read-replicas/session.ts';

/** The text inside the parentheses that open at `open` (which must be a "("), nesting respected. */
function balanced(text: string, open: number): string {
  let depth = 0;
  for (let i = open; i < text.length; i += 1) {
    if (text[i] === '(') depth += 1;
    if (text[i] === ')') depth -= 1;
    if (depth === 0) return text.slice(open + 1, i);
  }
  return text.slice(open + 1);
}

// ---------------------------------------------------------------- tests

const lesson = read(LESSON);
const blocks = fences(lesson);
const sqlBlocks = blocks.filter((b) => b.lang === 'sql');
const statementsOf = (list: Fence[]) =>
  list.flatMap((b) => splitSql(b.body).map((sql, k) => ({ sql, where: `${LESSON}:${b.line} (sql block, statement ${k + 1})` })));
/** Where the lesson says a block runs: the primary, the replica as the app's user, or the replica as the admin user. */
const placeOf = (b: Fence): 'primary' | 'replica' | 'replica-admin' => {
  const note = blockNote(b.body);
  if (/^on the replica, as the admin user/i.test(note)) return 'replica-admin';
  return /^on the replica/i.test(note) ? 'replica' : 'primary';
};
const MALLORY = "INSERT INTO users (name, email) VALUES ('Mallory', 'mallory@example.com')";

describe("the lesson's SQL runs on a real MariaDB started by the kit", () => {
  let engines: LocalEngines | undefined;
  let conn: Connection | undefined;
  const ran: Ran[] = [];
  const prepared: Array<{ sql: string; error?: string }> = [];

  beforeAll(async () => {
    engines = await startLocalEngines();
    conn = await mysql.createConnection(optionsFor(engines.endpoints.mysql, 5_000));
    await runAll(conn, statementsOf(sqlBlocks), ran);
    for (const sql of blocks.filter((b) => b.lang === 'ts').flatMap((b) => embeddedSql(b.body))) {
      try {
        const statement = await conn.prepare(sql);
        statement.close();
        prepared.push({ sql });
      } catch (err) {
        prepared.push({ sql, error: (err as Error).message });
      }
    }
  });

  afterAll(async () => {
    await conn?.end().catch(() => undefined);
    await engines?.stop();
  });

  const rowsOf = (sql: string): Array<Record<string, unknown>> => {
    const hit = ran.find((r) => r.sql === sql);
    expect(hit, `the lesson's sql blocks no longer contain \`${sql}\` (this test asserts its result)`).toBeDefined();
    return hit?.rows ?? [];
  };

  it('has sql blocks holding only statements: no prompts, no client commands, no output', () => {
    expect(sqlBlocks.length).toBeGreaterThanOrEqual(5);
    for (const block of sqlBlocks) {
      for (const line of block.body.split('\n').filter((l) => l.trim())) {
        expect(line, `${LESSON}:${block.line}`).not.toMatch(/^\s*(mysql>|MariaDB \[|\$ |\+-|\||\\G|source |use )/i);
      }
    }
  });

  it('every statement succeeds (on a server that is not read-only)', () => {
    expect(ran.length).toBeGreaterThanOrEqual(12);
    expect(ran.filter((r) => r.error).map((r) => `${r.where}: ${r.sql} -> ${r.error?.message}`)).toEqual([]);
  });

  it('the users table holds the three users, in id order', () => {
    const users = rowsOf('SELECT id, name, email FROM users ORDER BY id');
    expect(users.slice(0, 3).map((u) => u.name)).toEqual(['Ada Lovelace', 'Grace Hopper', 'Alan Turing']);
  });

  it('the marker row is found, and the heartbeat arithmetic gives milliseconds', () => {
    expect(rowsOf("SELECT token, created_at FROM lag_markers WHERE token = 'probe-0001'")).toHaveLength(1);
    const [ms] = rowsOf("SELECT TIMESTAMPDIFF(MICROSECOND, created_at, NOW(3)) / 1000 AS ms_since_write FROM lag_markers WHERE token = 'probe-0001'");
    expect(Number(ms?.ms_since_write)).toBeGreaterThanOrEqual(0);
    expect(Number(ms?.ms_since_write)).toBeLessThan(60_000);
  });

  it('the SQL inside the TypeScript examples prepares on the same server', () => {
    expect(prepared.length).toBeGreaterThanOrEqual(1);
    expect(prepared.filter((p) => p.error).map((p) => `${p.sql} -> ${p.error}`)).toEqual([]);
  });

  it('shows no SQL outside sql blocks (so all of it is run here)', () => {
    const stray = blocks
      .filter((b) => b.lang !== 'sql' && b.lang !== 'mermaid' && b.lang !== 'ts')
      .flatMap((b) =>
        b.body
          .split('\n')
          .filter((l) => /^\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|SHOW|CALL|GRANT|SET)\s/i.test(l))
          .map((l) => `${LESSON}:${b.line}: ${l}`),
      );
    expect(stray).toEqual([]);
  });
});

describe("the primary and replica blocks behave as the lesson says on the kit's replicated pair", () => {
  let pair: ReplicatedMysql | undefined;
  const ran: Array<Ran & { place: string }> = [];
  let paused: Record<string, unknown> | undefined;

  beforeAll(async () => {
    pair = await startReplicatedMysql();
    const primary = await mysql.createConnection(optionsFor(pair.endpoint));
    const replica = await mysql.createConnection(optionsFor(pair.replica.endpoint));
    const admin = await pair.admin(pair.replica);
    try {
      for (const block of sqlBlocks) {
        const place = placeOf(block);
        if (place !== 'primary') await pair.waitForReplica();
        const into: Ran[] = [];
        await runAll(place === 'primary' ? primary : place === 'replica' ? replica : admin, statementsOf([block]), into);
        ran.push(...into.map((r) => ({ ...r, place })));
      }
      await pair.pauseReplica();
      const [rows] = await admin.query('SHOW REPLICA STATUS');
      paused = (rows as Array<Record<string, unknown>>)[0];
      await pair.resumeReplica();
    } finally {
      await Promise.allSettled([primary.end(), replica.end(), admin.end()]);
    }
  });

  afterAll(async () => {
    await pair?.stop();
  });

  const on = (place: string, sql: string): Ran => {
    const hit = ran.find((r) => r.place === place && r.sql === sql);
    expect(hit, `the lesson no longer runs \`${sql}\` on the ${place}`).toBeDefined();
    return hit!;
  };
  const column = (row: Record<string, unknown> | undefined, re: RegExp): unknown => Object.entries(row ?? {}).find(([k]) => re.test(k))?.[1];

  it('the lesson has blocks for the primary, the replica, and the replica as the admin user', () => {
    expect(new Set(sqlBlocks.map(placeOf))).toEqual(new Set(['primary', 'replica', 'replica-admin']));
  });

  it('everything succeeds except the write on the replica', () => {
    expect(ran.filter((r) => r.error && r.sql !== MALLORY).map((r) => `${r.where} (${r.place}): ${r.sql} -> ${r.error?.message}`)).toEqual([]);
  });

  it('the replica refuses the write with error 1290, in the words the lesson quotes', () => {
    const refused = on('replica', MALLORY).error;
    expect(refused?.errno).toBe(1290);
    const quoted = /"(The\s+MySQL server is running with the --read-only option so it cannot execute this\s+statement)"/
      .exec(lesson)?.[1]
      ?.replace(/\s+/g, ' ');
    expect(quoted, 'the lesson quotes the MySQL message').toBeDefined();
    expect(refused?.message).toBe(quoted?.replace('MySQL', 'MariaDB'));
  });

  it('primary and replica are different servers; the replica is read-only and has the rows', () => {
    const p = on('primary', 'SELECT @@server_id, @@read_only').rows?.[0];
    const r = on('replica', 'SELECT @@server_id, @@read_only').rows?.[0];
    expect([Number(p?.['@@server_id']), Number(p?.['@@read_only'])]).toEqual([1, 0]);
    expect([Number(r?.['@@server_id']), Number(r?.['@@read_only'])]).toEqual([2, 1]);
    expect(on('primary', "SHOW VARIABLES LIKE 'read_only'").rows).toEqual([{ Variable_name: 'read_only', Value: 'OFF' }]);
    expect(on('replica', "SHOW VARIABLES LIKE 'read_only'").rows).toEqual([{ Variable_name: 'read_only', Value: 'ON' }]);
    expect(on('replica', 'SELECT id, name, email FROM users ORDER BY id').rows?.map((u) => u.name)).toEqual(['Ada Lovelace', 'Grace Hopper', 'Alan Turing']);
  });

  it('SHOW REPLICA STATUS on the replica: both threads running, caught up; stopped, the lag is NULL (ReplicaLag -1)', () => {
    const status = on('replica-admin', 'SHOW REPLICA STATUS').rows?.[0];
    expect(column(status, /^(Replica|Slave)_IO_Running$/)).toBe('Yes');
    expect(column(status, /^(Replica|Slave)_SQL_Running$/)).toBe('Yes');
    expect(Number(column(status, /^Seconds_Behind_(Source|Master)$/))).toBe(0);
    expect(column(paused, /^(Replica|Slave)_SQL_Running$/)).toBe('No');
    expect(column(paused, /^Seconds_Behind_(Source|Master)$/)).toBeNull();
    expect(lesson).toMatch(/`Replica_IO_Running` and `Replica_SQL_Running`/);
  });

  it('the marker written on the primary arrives on the replica', () => {
    expect(on('replica', "SELECT token, created_at FROM lag_markers WHERE token = 'probe-0001'").rows).toHaveLength(1);
  });
});

describe('the lesson agrees with the kit', () => {
  const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
  const commands = npmCommands(lesson);
  const aws = awsCommands(blocks);
  const exerciseFiles = LAB.exercises.map((e) => `labs/02-read-replicas/exercises/${e.id}.ts`);

  it('every `npm run <script>` exists in package.json', () => {
    expect(commands.length).toBeGreaterThanOrEqual(10);
    expect(commands.filter((c) => !(c.script in pkg.scripts)).map((c) => c.text)).toEqual([]);
  });

  it("kit commands parse with the kit's own flag parser, name lab 1 or 2 and real exercises", () => {
    expect(kitCommandProblems(commands, LAB, (argv) => parseFlags(argv, ''), [lab01])).toEqual([]);
    expect(commands.map((c) => c.text)).toEqual(
      expect.arrayContaining([
        'npm run lab 2',
        'npm run deploy 2',
        'npm run destroy 2',
        'npm run check -- 2 --target local',
        'npm run check -- 2 --target aws --tunnel',
        'npm run check -- 2 --target aws --tunnel --exercise 02',
      ]),
    );
  });

  it('every aws command is a real operation of the AWS API model, with real options and shorthand keys', () => {
    expect(aws.length).toBeGreaterThanOrEqual(5);
    expect(awsCommandListProblems(aws)).toEqual([]);
  });

  it('"Your turn" on the CLI adds a replica of the primary in the class lab.ts deploys; clean-up deletes it', () => {
    const create = awsCommand(aws, 'rds', 'create-db-instance-read-replica');
    expect(create?.options).toEqual(expect.arrayContaining(['db-instance-identifier', 'source-db-instance-identifier']));
    expect(create?.values['db-instance-class']).toBe(LAB.requires!.rds[0]!.instanceClass);
    const remove = awsCommand(aws, 'rds', 'delete-db-instance');
    expect(remove?.values['db-instance-identifier']).toBe(create?.values['db-instance-identifier']);
    expect(remove?.options).toContain('skip-final-snapshot');
  });

  it('reads ReplicaLag of the replica from CloudWatch', () => {
    const lag = awsCommand(aws, 'cloudwatch', 'get-metric-statistics');
    expect(lag?.values).toMatchObject({ namespace: 'AWS/RDS', 'metric-name': 'ReplicaLag' });
    expect(lag?.values['dimensions']).toMatch(/^Name=DBInstanceIdentifier,Value=/);
  });

  it('"Your turn" in stack-config.ts is the change from the starting file to the solution', () => {
    const starting = configField(read('labs/02-read-replicas/stack-config.ts'), 'readReplicas');
    const solved = configField(read('solutions/02-read-replicas/stack-config.ts'), 'readReplicas');
    expect([starting, solved]).toEqual(['0', '1']);
    expect(lesson).toContain(`\`readReplicas: ${solved}\``);
  });

  it('the deployment minutes, instance class and engine version agree with lab.ts', () => {
    expect(labFactProblems(lesson, LAB)).toEqual([]);
  });

  it("names only the lab's stack and its real outputs", () => {
    for (const m of lesson.matchAll(/DataTierLabs-[\w-]+/g)) expect(m[0]).toBe(LAB.stack!.name);
    expect(lesson).toContain(LAB.stack!.name);
    const outputs = new Set(Object.values(LAB.stack!.outputs));
    const named = [...lesson.matchAll(/\bout ([A-Z]\w+)/g), ...lesson.matchAll(/`([A-Z]\w+)` output/g), ...lesson.matchAll(/with `([A-Z]\w+Endpoint)`/g)].map(
      (m) => m[1] ?? '',
    );
    expect(named.length).toBeGreaterThanOrEqual(3);
    expect(named.filter((n) => !outputs.has(n))).toEqual([]);
  });

  it('covers every exercise and every function it exports', () => {
    for (const exercise of LAB.exercises) {
      expect(lesson).toContain(exercise.id);
      for (const name of exercise.exports) expect(lesson, `${exercise.id} export ${name}`).toMatch(new RegExp(`\`${name}[\`(]`));
    }
  });

  it('the signatures the lesson shows match the exercise files', () => {
    expect(signatureProblems(lesson, LAB.exercises, 'labs/02-read-replicas/exercises')).toEqual([]);
  });

  it('the methods the lesson shows on the routers match the exercise files', () => {
    const sources = exerciseFiles.map(read).join('\n');
    const shown = [...lesson.matchAll(/`(query|write|read)\(([^)`]*)\)`/g)];
    expect(shown.length).toBeGreaterThanOrEqual(3);
    const problems: string[] = [];
    for (const m of shown) {
      const declared = new RegExp(`\\b${m[1]}(?:<[^>]*>)?\\(`).exec(sources);
      if (!declared) {
        problems.push(`no method ${m[1]} in the exercise files`);
        continue;
      }
      const params = splitTopLevel(balanced(sources, declared.index + declared[0].length - 1)).map((p) => /^\s*(\w+)/.exec(p)?.[1] ?? p);
      if (params.join(', ') !== splitTopLevel(m[2] ?? '').join(', '))
        problems.push(`the lesson shows ${m[1]}(${m[2]}), the files declare ${m[1]}(${params.join(', ')})`);
    }
    expect(problems).toEqual([]);
  });

  it("the lesson's lag_markers table has the columns of the kit's", () => {
    const kitSource = read(KIT_SESSION);
    const kitAt = /CREATE TABLE (?:IF NOT EXISTS )?lag_markers\s*\(/.exec(kitSource);
    const oursAt = /CREATE TABLE (?:IF NOT EXISTS )?lag_markers\s*\(/.exec(lesson);
    expect(kitAt, `${KIT_SESSION} no longer creates lag_markers`).toBeTruthy();
    expect(oursAt, 'the lesson no longer creates lag_markers').toBeTruthy();
    const names = (cols: string) =>
      splitTopLevel(cols)
        .map((c) => /^\s*(\w+)/.exec(c)?.[1] ?? '')
        .filter((c) => !/^(PRIMARY|UNIQUE|KEY|INDEX|CONSTRAINT)$/i.test(c));
    const kit = names(balanced(kitSource, kitAt!.index + kitAt![0].length - 1));
    expect(kit.length).toBeGreaterThanOrEqual(1);
    expect(names(balanced(lesson, oursAt!.index + oursAt![0].length - 1))).toEqual(kit);
  });

  it('quotes the price with one replica as lab.ts computes it', () => {
    expect(lesson).toContain(`$${LAB.cost.usdPerHour.toFixed(2)} per hour with one replica`);
  });

  it('keeps to current services and names', () => {
    if (/Performance Insights/i.test(lesson)) expect(lesson).toMatch(/Database Insights/);
    if (/Serverless v1/i.test(lesson)) expect(lesson).toMatch(/Serverless v1[^.]*retired/i);
    expect(lesson).not.toMatch(/up to (five|5) read replicas/i);
    expect(lesson).not.toMatch(/SHOW SLAVE STATUS/);
    expect(lesson).not.toMatch(/SysOps Administrator Associate \(SOA-C02\)/);
  });

  it('every mermaid block starts with a known diagram type and is well formed', () => {
    const mermaid = blocks.filter((b) => b.lang === 'mermaid');
    expect(mermaid.length).toBeGreaterThanOrEqual(2);
    expect(mermaid.flatMap((b) => mermaidProblems(b, `${LESSON}:${b.line}`))).toEqual([]);
  });
});

describeLessonLinks(lesson, LESSON, 10, [
  LAB.stack!.file,
  'labs/02-read-replicas/stack-config.ts',
  'solutions/02-read-replicas/stack-config.ts',
  'labs/02-read-replicas/exercises/',
  ...LAB.exercises.map((e) => `labs/02-read-replicas/exercises/${e.id}.ts`),
]);
