/**
 * The Lab 1 lesson is tested where it makes claims the kit can check: every
 * ```sql statement runs on a real MariaDB the kit starts; the failover it
 * describes happens on the kit's replicated pair (same endpoint, another
 * server, the rows still there, the connection errors its table names); every
 * `npm run` command exists and parses with the kit's own flag parser; every
 * `aws` command is a real operation with real options of the AWS API model;
 * the figures agree with lab.ts and stack-config.ts; every relative link and
 * #anchor resolves; every mermaid block is well formed.
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

const LESSON = 'labs/01-rds-multi-az/README.md';
const LAB = lab01;

// ---------------------------------------------------------------- tests

const lesson = read(LESSON);
const blocks = fences(lesson);
const sqlBlocks = blocks.filter((b) => b.lang === 'sql');
const statementsOf = (list: Fence[]) =>
  list.flatMap((b) => splitSql(b.body).map((sql, k) => ({ sql, where: `${LESSON}:${b.line} (sql block, statement ${k + 1})` })));

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

  const rowsOf = (sql: string, nth = 0): Array<Record<string, unknown>> => {
    const hits = ran.filter((r) => r.sql === sql);
    expect(hits.length, `the lesson's sql blocks no longer contain \`${sql}\` (this test asserts its result)`).toBeGreaterThan(nth);
    return hits[nth]?.rows ?? [];
  };

  it('has sql blocks holding only statements: no prompts, no client commands, no output', () => {
    expect(sqlBlocks.length).toBeGreaterThanOrEqual(4);
    for (const block of sqlBlocks) {
      for (const line of block.body.split('\n').filter((l) => l.trim())) {
        expect(line, `${LESSON}:${block.line}`).not.toMatch(/^\s*(mysql>|MariaDB \[|\$ |\+-|\||\\G|source |use )/i);
      }
    }
  });

  it('every statement succeeds', () => {
    expect(ran.length).toBeGreaterThanOrEqual(10);
    expect(ran.filter((r) => r.error).map((r) => `${r.where}: ${r.sql} -> ${r.error?.message}`)).toEqual([]);
  });

  it('the course steps: the users table holds the three users, in id order', () => {
    const users = rowsOf('SELECT id, name, email FROM users ORDER BY id');
    expect(users.map((u) => u.name)).toEqual(['Ada Lovelace', 'Grace Hopper', 'Alan Turing']);
    expect(users.map((u) => Number(u.id))).toEqual([1, 2, 3]);
    expect(users.every((u) => /^[a-z]+@example\.com$/.test(String(u.email)))).toBe(true);
  });

  it('a primary answers with its server id and read_only OFF', () => {
    const [who] = rowsOf('SELECT @@server_id, @@hostname, @@version');
    expect(Number(who?.['@@server_id'])).toBeGreaterThanOrEqual(1);
    expect(String(who?.['@@hostname'])).not.toBe('');
    expect(rowsOf("SHOW VARIABLES LIKE 'read_only'")).toEqual([{ Variable_name: 'read_only', Value: 'OFF' }]);
  });

  it('the TLS variables the lesson reads exist (empty without TLS, OFF locally)', () => {
    expect(rowsOf("SHOW SESSION STATUS LIKE 'Ssl_version'")).toEqual([{ Variable_name: 'Ssl_version', Value: '' }]);
    expect(rowsOf("SHOW SESSION STATUS LIKE 'Ssl_cipher'")).toEqual([{ Variable_name: 'Ssl_cipher', Value: '' }]);
    expect(rowsOf("SHOW VARIABLES LIKE 'require_secure_transport'")).toEqual([{ Variable_name: 'require_secure_transport', Value: 'OFF' }]);
  });

  it('the duplicate INSERT really fails with 1062, as the lesson says', async () => {
    const insert = statementsOf(sqlBlocks).find((s) => /^INSERT INTO users\b/.test(s.sql));
    expect(insert, 'the lesson no longer inserts users').toBeDefined();
    await expect(conn!.query(insert!.sql)).rejects.toMatchObject({ errno: 1062 });
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

describe("the failover the lesson describes happens on the kit's replicated pair", () => {
  let pair: ReplicatedMysql | undefined;
  const before: Ran[] = [];
  const after: Ran[] = [];
  let oldConnectionEvent: { code?: string } | undefined;
  let oldConnectionQueryError: { code?: string; message?: string } | undefined;
  let oldPrimaryError: { code?: string } | undefined;
  let unknownHostError: { code?: string } | undefined;

  const afterBlocks = sqlBlocks.filter((b) => /^after the failover/i.test(blockNote(b.body)));
  const beforeBlocks = sqlBlocks.filter((b) => !afterBlocks.includes(b));

  beforeAll(async () => {
    pair = await startReplicatedMysql();
    const first = await mysql.createConnection(optionsFor(pair.endpoint));
    first.on('error', (err: { code?: string }) => {
      oldConnectionEvent ??= err;
    });
    await runAll(first, statementsOf(beforeBlocks), before);
    await pair.waitForReplica();
    await pair.failover();
    await new Promise((r) => setTimeout(r, 50));
    try {
      await first.query('SELECT @@server_id');
    } catch (err) {
      oldConnectionQueryError = err as { code?: string; message?: string };
    }
    first.destroy();
    const second = await mysql.createConnection(optionsFor(pair.endpoint));
    await runAll(second, statementsOf(afterBlocks), after);
    await second.end();
    for (const [options, set] of [
      [optionsFor(pair.primary.endpoint), (e: { code?: string }) => (oldPrimaryError = e)],
      [{ ...optionsFor(pair.primary.endpoint), host: 'lab01-db.no-such-host.invalid' }, (e: { code?: string }) => (unknownHostError = e)],
    ] as const) {
      try {
        const c = await mysql.createConnection(options);
        await c.end();
      } catch (err) {
        set(err as { code?: string });
      }
    }
  });

  afterAll(async () => {
    await pair?.stop();
  });

  /** The mysql2 codes the lesson's table lists in the row of a MySQL client error. */
  const codesFor = (clientError: number): string[] => {
    const row = lesson.split('\n').find((l) => l.startsWith(`| ${clientError} `)) ?? '';
    return [...(row.split('|')[3] ?? '').matchAll(/`([A-Z_]+)`/g)].map((m) => m[1] ?? '');
  };

  it('the lesson has a block to run after the failover', () => {
    expect(afterBlocks.length).toBeGreaterThanOrEqual(1);
  });

  it('every statement runs as the lab user through the endpoint, before and after', () => {
    expect([...before, ...after].filter((r) => r.error).map((r) => `${r.where}: ${r.sql} -> ${r.error?.message}`)).toEqual([]);
  });

  it('the same endpoint leads to another server after the failover, with the rows still there', () => {
    const serverBefore = before.find((r) => r.sql.startsWith('SELECT @@server_id'))?.rows?.[0]?.['@@server_id'];
    const serverAfter = after.find((r) => r.sql.startsWith('SELECT @@server_id'))?.rows?.[0]?.['@@server_id'];
    expect(Number(serverBefore)).toBe(1);
    expect(Number(serverAfter)).toBe(2);
    expect(Number(after.find((r) => r.sql.startsWith('SELECT COUNT(*)'))?.rows?.[0]?.users)).toBe(3);
  });

  it('the errors a probe meets are the ones the lesson counts as downtime, with the mysql2 codes it names', () => {
    const downtime = [2003, 2005, 2006, 2013].flatMap(codesFor);
    expect(codesFor(2003)).toEqual(expect.arrayContaining(['ECONNREFUSED', 'ETIMEDOUT']));
    expect(codesFor(2005)).toEqual(expect.arrayContaining(['ENOTFOUND']));
    expect(codesFor(2006)).toEqual(expect.arrayContaining(['PROTOCOL_CONNECTION_LOST']));
    expect(codesFor(2013)).toEqual(expect.arrayContaining(['PROTOCOL_CONNECTION_LOST']));
    // An open connection through the endpoint dies with the old primary (2006/2013),
    // and says so once; later queries on it fail without a code, as the lesson warns.
    expect(downtime).toContain(oldConnectionEvent?.code);
    expect([...codesFor(2006), ...codesFor(2013)]).toContain(oldConnectionEvent?.code);
    expect(oldConnectionQueryError?.code).toBeUndefined();
    expect(lesson.replace(/\s+/g, ' ')).toContain(oldConnectionQueryError?.message ?? 'a query on the dead connection did not fail');
    // Dialling the killed primary is refused (2003).
    expect(codesFor(2003)).toContain(oldPrimaryError?.code);
    // A name that does not resolve (2005; EAI_AGAIN where DNS itself is unreachable).
    expect(codesFor(2005)).toContain(unknownHostError?.code);
  });
});

describe('the lesson agrees with the kit', () => {
  const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
  const commands = npmCommands(lesson);
  const aws = awsCommands(blocks);

  it('every `npm run <script>` exists in package.json', () => {
    expect(commands.length).toBeGreaterThanOrEqual(10);
    expect(commands.filter((c) => !(c.script in pkg.scripts)).map((c) => c.text)).toEqual([]);
  });

  it("kit commands parse with the kit's own flag parser, name lab 1 or 2 and real exercises", () => {
    expect(kitCommandProblems(commands, LAB, (argv) => parseFlags(argv, ''), [lab02])).toEqual([]);
    expect(commands.map((c) => c.text)).toEqual(
      expect.arrayContaining([
        'npm run lab 1',
        'npm run deploy 1',
        'npm run destroy 1',
        'npm run check -- 1 --target local --failover-drill',
        'npm run check -- 1 --target aws --tunnel --failover-drill',
        'npm run check -- 1 --target local --exercise 02',
      ]),
    );
  });

  it('every aws command is a real operation of the AWS API model, with real options', () => {
    expect(aws.length).toBeGreaterThanOrEqual(5);
    expect(awsCommandListProblems(aws)).toEqual([]);
  });

  it('"Your turn" on the CLI makes the instance Multi-AZ at once, and the drill reboots with a forced failover', () => {
    expect(awsCommand(aws, 'rds', 'modify-db-instance')?.options).toEqual(expect.arrayContaining(['db-instance-identifier', 'multi-az', 'apply-immediately']));
    expect(awsCommand(aws, 'rds', 'reboot-db-instance')?.options).toEqual(expect.arrayContaining(['db-instance-identifier', 'force-failover']));
    expect(awsCommand(aws, 'rds', 'describe-events')?.values['source-type']).toBe('db-instance');
  });

  it('"Your turn" in stack-config.ts is the change from the starting file to the solution', () => {
    const starting = configField(read('labs/01-rds-multi-az/stack-config.ts'), 'multiAz');
    const solved = configField(read('solutions/01-rds-multi-az/stack-config.ts'), 'multiAz');
    expect([starting, solved]).toEqual(['false', 'true']);
    expect(lesson).toContain(`\`multiAz: ${solved}\``);
  });

  it('the deployment minutes, instance class and engine version agree with lab.ts', () => {
    expect(labFactProblems(lesson, LAB)).toEqual([]);
  });

  it("names only the lab's stack and its real outputs", () => {
    for (const m of lesson.matchAll(/DataTierLabs-[\w-]+/g)) expect(m[0]).toBe(LAB.stack!.name);
    expect(lesson).toContain(LAB.stack!.name);
    const outputs = new Set(Object.values(LAB.stack!.outputs));
    const named = [...lesson.matchAll(/\bout ([A-Z]\w+)/g), ...lesson.matchAll(/`([A-Z]\w+)` output/g)].map((m) => m[1] ?? '');
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
    expect(signatureProblems(lesson, LAB.exercises, 'labs/01-rds-multi-az/exercises')).toEqual([]);
  });

  it("quotes the lab's Multi-AZ price as lab.ts computes it", () => {
    expect(lesson).toContain(`$${LAB.cost.usdPerHour.toFixed(2)} per hour once you make it Multi-AZ`);
  });

  it('keeps to current services and names', () => {
    if (/Performance Insights/i.test(lesson)) expect(lesson).toMatch(/Database Insights/);
    if (/Serverless v1/i.test(lesson)) expect(lesson).toMatch(/Serverless v1[^.]*retired/i);
    if (/rds-ca-2019/.test(lesson)) expect(lesson).toMatch(/rds-ca-2019`? expired/);
    expect(lesson).not.toMatch(/rejectUnauthorized:\s*false\s*[,}]/);
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
  'labs/01-rds-multi-az/stack-config.ts',
  'solutions/01-rds-multi-az/stack-config.ts',
  'labs/01-rds-multi-az/exercises/',
  ...LAB.exercises.map((e) => `labs/01-rds-multi-az/exercises/${e.id}.ts`),
]);
