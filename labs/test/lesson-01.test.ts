/**
 * The Lab 1 lesson is tested where it makes claims the kit can check: every
 * ```sql statement runs on a real MariaDB the kit starts; the failover it
 * describes happens on the kit's replicated pair (same endpoint, another
 * server, the rows still there, the connection errors its table names); every
 * `npm run` command exists and parses with the kit's own flag parser; every
 * relative link and #anchor resolves; every mermaid block names a diagram type;
 * and the facts the lab is built on are stated.
 *
 * The helpers live in lesson-support.ts, shared with the other lab's lesson test.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import mysql, { type Connection } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFlags } from '../../checker/cli/args.js';
import type { LabMeta } from '../../checker/core/lab.js';
import { startLocalEngines, type LocalEngines } from '../../checker/engines/local.js';
import { startReplicatedMysql, type ReplicatedMysql } from '../../checker/engines/replicated-mysql.js';
import { lab01 } from '../01-rds-multi-az/lab.js';
import { lab02 } from '../02-read-replicas/lab.js';
import { read, optionsFor, type Fence, fences, anchorsOf, relativeLinks, splitSql, blockNote, type Ran, runAll, embeddedSql, npmCommands, splitTopLevel, parameterNames } from './lesson-support.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const LESSON = 'labs/01-rds-multi-az/README.md';
const LAB = lab01;
const KNOWN_LABS: Record<number, LabMeta> = { 1: lab01, 2: lab02 };

/**
 * Files other people are still writing. A link to exactly one of these that
 * does not exist yet is reported by name in a skipped test instead of failing;
 * once the file exists the link is checked like any other.
 */
const PENDING = new Set([
  'stacks/01-rds-multi-az.ts',
  'labs/01-rds-multi-az/stack-config.ts',
  'labs/01-rds-multi-az/exercises/',
  'labs/01-rds-multi-az/exercises/01-connect-and-query.ts',
  'labs/01-rds-multi-az/exercises/02-failover-probe.ts',
  'solutions/01-rds-multi-az/stack-config.ts',
]);


// ---------------------------------------------------------------- tests

const lesson = read(LESSON);
const blocks = fences(lesson);
const sqlBlocks = blocks.filter((b) => b.lang === 'sql');
const statementsOf = (list: Fence[]) =>
  list.flatMap((b) => splitSql(b.body).map((sql, k) => ({ sql, where: `${LESSON}:${b.line} (sql block, statement ${k + 1})` })));

describe('splitSql follows the mysql client', () => {
  it('splits on semicolons outside quotes and drops comments', () => {
    expect(splitSql("SELECT 1; SELECT 'a;b' AS x;\n-- a comment; still a comment\nSELECT \"c\" # trailing\n;")).toEqual([
      'SELECT 1',
      "SELECT 'a;b' AS x",
      'SELECT "c"',
    ]);
    expect(splitSql("INSERT INTO t VALUES ('it''s', 'a\\'b'); /* x; y */ SELECT 2")).toEqual(["INSERT INTO t VALUES ('it''s', 'a\\'b')", 'SELECT 2']);
    expect(splitSql('SELECT 1--2')).toEqual(['SELECT 1--2']);
  });
});

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
      .flatMap((b) => b.body.split('\n').filter((l) => /^\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|SHOW|CALL|GRANT|SET)\s/i.test(l)).map((l) => `${LESSON}:${b.line}: ${l}`));
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

  it('every `npm run <script>` exists in package.json', () => {
    expect(commands.length).toBeGreaterThanOrEqual(10);
    expect(commands.filter((c) => !(c.script in pkg.scripts)).map((c) => c.text)).toEqual([]);
  });

  it("kit commands parse with the kit's own flag parser, name lab 1 or 2 and real exercises", () => {
    const problems: string[] = [];
    for (const c of commands.filter((x) => ['lab', 'check', 'deploy', 'destroy'].includes(x.script))) {
      let args = c.args;
      if (args.some((a) => a.startsWith('-') && a !== '--') && args[0] !== '--') problems.push(`${c.text}: npm takes flags before "--" for itself`);
      if (args[0] === '--') args = args.slice(1);
      if (c.script === 'deploy' || c.script === 'destroy') args = args.filter((a) => a !== '--skip-doctor');
      try {
        const flags = parseFlags(args, '');
        const lab = flags.lab === undefined ? undefined : KNOWN_LABS[flags.lab];
        if (flags.lab !== undefined && !lab) problems.push(`${c.text}: lab ${flags.lab} is not 1 or 2`);
        if ((c.script === 'deploy' || c.script === 'destroy') && flags.lab !== LAB.id) problems.push(`${c.text}: deploys or destroys another lab`);
        const ex = flags.exercise;
        if (ex !== undefined && !lab?.exercises.some((e) => e.id === ex || e.id.slice(0, 2) === ex)) problems.push(`${c.text}: no exercise ${ex}`);
      } catch (err) {
        problems.push(`${c.text}: ${(err as Error).message}`);
      }
    }
    expect(problems).toEqual([]);
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

  const exerciseFiles = LAB.exercises.map((e) => `labs/01-rds-multi-az/exercises/${e.id}.ts`);
  const missingExercises = exerciseFiles.filter((f) => !existsSync(join(ROOT, f)));

  it.skipIf(missingExercises.length > 0)(
    `the signatures the lesson shows match the exercise files${missingExercises.length > 0 ? ` (waiting for: ${missingExercises.join(', ')})` : ''}`,
    () => {
      const problems: string[] = [];
      LAB.exercises.forEach((exercise, i) => {
        const source = read(exerciseFiles[i] ?? '');
        for (const name of exercise.exports) {
          const params = parameterNames(source, name);
          if (!params) {
            problems.push(`${exercise.id}: no exported function ${name}`);
            continue;
          }
          for (const m of lesson.matchAll(new RegExp(`\`${name}\\(([^)\`]*)\\)\``, 'g'))) {
            const shown = splitTopLevel(m[1] ?? '');
            if (shown.length !== params.length) problems.push(`${exercise.id}: the lesson shows ${name}(${m[1]}), the file takes ${params.length} parameters`);
            shown.forEach((p, k) => {
              const actual = params[k];
              if (!actual) return;
              if (p.startsWith('{')) {
                for (const key of p.replace(/[{}]/g, '').split(',').map((x) => x.trim()).filter(Boolean)) {
                  if (!actual.text.includes(key)) problems.push(`${exercise.id}: ${name}'s parameter ${actual.name} has no ${key}`);
                }
              } else if (p !== actual.name) problems.push(`${exercise.id}: the lesson calls ${name}'s parameter ${k + 1} "${p}", the file "${actual.name}"`);
            });
          }
        }
      });
      expect(problems).toEqual([]);
    },
  );

  it("quotes the lab's Multi-AZ price as lab.ts computes it", () => {
    expect(lesson).toContain(`$${LAB.cost.usdPerHour.toFixed(2)} per hour once you make it Multi-AZ`);
  });

  it('states the facts the lab is built on', () => {
    const facts: Array<[string, RegExp]> = [
      ['Multi-AZ is not for scaling', /Multi-AZ is for availability, not for scaling/],
      ['the standby serves no reads', /standby serves no reads/i],
      ['failover takes 60-120 seconds', /60-120 seconds/],
      ['the four downtime errors', /2003[\s\S]*2005[\s\S]*2006[\s\S]*2013/],
      ['a new connection per probe attempt', /new\*\* connection/],
      ['RDS manages: no SSH', /no SSH/],
      ['point-in-time restore creates a new instance', /point-in-time restore[\s\S]{0,200}new\*\* DB instance/i],
      ['the maintenance window', /maintenance window/i],
      ['the six engines', /MySQL, MariaDB, PostgreSQL, Oracle,\s+Microsoft SQL Server\s+and IBM Db2/],
      ['autoscaling: free space 10% or less', /\*\*10% or less\*\*/],
      ['autoscaling: lasting 5 minutes', /\*\*at least 5 minutes\*\*/],
      ['autoscaling: six hours since the last change', /\*\*at least 6\s+hours\*\*/],
      ['autoscaling: the maximum storage threshold', /maximum storage threshold/i],
      ['Multi-AZ DB clusters have two readable standbys', /\*\*two readable standbys\*\*/],
      ['DNS: clients must reconnect', /Existing connections are dead/],
      ['conversion without downtime via a snapshot', /takes a snapshot of the primary's storage[\s\S]*synchronous block-level replication/],
      ['encryption is set at creation', /chosen when the instance is created/],
      ['encrypting later: snapshot, copy, restore', /copy-db-snapshot/],
      ['TLS: require_secure_transport', /require_secure_transport/],
      ['TLS: the RDS CA bundle', /global-bundle\.pem/],
      ['IAM database authentication', /IAM database authentication/],
      ['security groups', /security group accepts 3306 only/],
      ['RDS Proxy shortens failover', /RDS Proxy[\s\S]*Failovers get shorter/],
      ['Your turn: stack-config.ts', /`multiAz: true`/],
      ['Your turn: the CLI', /aws rds modify-db-instance --db-instance-identifier "\$DB_ID" --multi-az --apply-immediately/],
      ['the drill: a forced failover', /aws rds reboot-db-instance --db-instance-identifier "\$DB_ID" --force-failover/],
      ['the drill: the RDS events', /RDS-EVENT-0013[\s\S]*RDS-EVENT-0015/],
    ];
    expect(facts.filter(([, re]) => !re.test(lesson)).map(([name]) => name)).toEqual([]);
  });

  it('keeps to current services and names', () => {
    if (/Performance Insights/i.test(lesson)) expect(lesson).toMatch(/Database Insights/);
    if (/Serverless v1/i.test(lesson)) expect(lesson).toMatch(/Serverless v1[^.]*retired/i);
    if (/rds-ca-2019/.test(lesson)) expect(lesson).toMatch(/rds-ca-2019`? expired/);
    expect(lesson).not.toMatch(/rejectUnauthorized:\s*false\s*[,}]/);
    expect(lesson).not.toMatch(/SysOps Administrator Associate \(SOA-C02\)/);
  });

  it('every mermaid block starts with a known diagram type and is well formed', () => {
    const problems: string[] = [];
    const mermaid = blocks.filter((b) => b.lang === 'mermaid');
    expect(mermaid.length).toBeGreaterThanOrEqual(2);
    for (const block of mermaid) {
      const lines = block.body.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('%%'));
      const first = lines[0] ?? '';
      if (/^(flowchart|graph)\s+(TB|TD|BT|RL|LR)$/.test(first)) {
        for (const m of block.body.matchAll(/\[([^\]"]*)\]|\|([^|"]*)\|/g)) {
          if (/[()]/.test(m[1] ?? m[2] ?? '')) problems.push(`${LESSON}:${block.line} unquoted label with parentheses: ${m[0]}`);
        }
      } else if (first === 'sequenceDiagram') {
        const declared = new Set(lines.flatMap((l) => /^(?:participant|actor)\s+(\w+)/.exec(l)?.[1] ?? []));
        for (const l of lines.slice(1)) {
          const arrow = /^(\w+)\s*(?:-{1,2}>>|-{1,2}>|-{1,2}x|-{1,2}\))\s*[+-]?(\w+)\s*:/.exec(l);
          const note = /^Note (?:over|left of|right of) ([\w, ]+):/.exec(l);
          const used = arrow ? [arrow[1], arrow[2]] : note ? (note[1] ?? '').split(',').map((s) => s.trim()) : [];
          for (const p of used) if (p && !declared.has(p)) problems.push(`${LESSON}:${block.line} undeclared participant ${p}: ${l}`);
          if (l.includes(';')) problems.push(`${LESSON}:${block.line} ";" ends a sequence statement early: ${l}`);
        }
      } else if (!/^(stateDiagram(-v2)?|classDiagram|erDiagram|gantt|pie|journey|timeline|mindmap|gitGraph)\b/.test(first)) {
        problems.push(`${LESSON}:${block.line} starts with "${first}"`);
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('relative links in the lesson', () => {
  const resolved = relativeLinks(lesson).map((target) => {
    const [path = '', anchor] = target.split('#');
    const abs = path ? resolve(ROOT, dirname(LESSON), decodeURIComponent(path)) : join(ROOT, LESSON);
    return { target, abs, anchor, rel: relative(ROOT, abs).split('\\').join('/') + (path.endsWith('/') ? '/' : '') };
  });
  const waiting = [...new Set(resolved.filter((l) => PENDING.has(l.rel) && !existsSync(l.abs)).map((l) => l.rel))].sort();

  it('there are links to check', () => {
    expect(resolved.length).toBeGreaterThanOrEqual(10);
  });

  it('every link points at a file that exists (apart from exactly the files still being written)', () => {
    expect(resolved.filter((l) => !existsSync(l.abs) && !PENDING.has(l.rel)).map((l) => l.target)).toEqual([]);
  });

  it('every #anchor points at a heading of the linked markdown file', () => {
    const broken = resolved
      .filter((l) => l.anchor !== undefined && l.abs.endsWith('.md') && existsSync(l.abs))
      .filter((l) => !anchorsOf(readFileSync(l.abs, 'utf8')).has(l.anchor ?? ''))
      .map((l) => l.target);
    expect(broken).toEqual([]);
  });

  it('the list of files still being written names only files the lesson links to', () => {
    expect([...PENDING].filter((p) => !resolved.some((l) => l.rel === p))).toEqual([]);
  });

  it.skipIf(waiting.length > 0)(
    `links to the stack, stack-config, exercises and solution resolve${waiting.length > 0 ? ` (waiting for: ${waiting.join(', ')})` : ''}`,
    () => {
      expect(resolved.filter((l) => PENDING.has(l.rel) && !existsSync(l.abs)).map((l) => l.rel)).toEqual([]);
    },
  );
});
