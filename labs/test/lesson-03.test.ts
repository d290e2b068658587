/**
 * The Lab 3 lesson is tested where it makes claims the kit can check: every
 * ```sql block runs on the kit's local Aurora stand-in (a MariaDB writer and
 * two replicating readers), on the server its first line names, and behaves
 * as the lesson says (who answers, read_only, the reader's 1290, the
 * topology); the ```sql aurora blocks, which MariaDB cannot run, are
 * translated to the stand-in's names and run too, and the identity queries
 * are the ones the kit hands learner code; after the writer moves, the
 * lesson's topology query names the new writer and the old one refuses the
 * lesson's write (the stale-DNS claim). Every `npm run` command parses with
 * the kit's flag parser; every `aws` command names a real operation and real
 * options of the AWS API model in the installed SDK; prices are lab.ts's and
 * the kit price table's; links, anchors and mermaid blocks are well formed.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { StorageEncryptionType } from '@aws-sdk/client-rds';
import mysql, { type Connection } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFlags } from '../../checker/cli/args.js';
import { HOURS_PER_MONTH, PRICES } from '../../checker/cost/pricing.js';
import { startLocalAuroraCluster, type LocalAuroraCluster } from '../../checker/engines/aurora-local.js';
import {
  AURORA_IDENTITY_SQL,
  AURORA_TOPOLOGY_TABLE,
  LOCAL_IDENTITY_SQL,
  LOCAL_TOPOLOGY_TABLE,
  moveWriter,
  waitForNodes,
  WRITER_SESSION_ID,
  type ClusterNode,
} from '../../checker/engines/cluster-topology.js';
import { lab03 } from '../03-aurora-cluster/lab.js';
import {
  ROOT,
  read,
  optionsFor,
  type Fence,
  fences,
  splitSql,
  blockNote,
  type Ran,
  runAll,
  npmCommands,
  kitCommandProblems,
  splitTopLevel,
  awsCommands,
  awsCommandListProblems,
  mermaidProblems,
  signatureProblems,
  configField,
  labFactProblems,
  describeLessonLinks,
} from './lesson-support.js';

const LESSON = 'labs/03-aurora-cluster/README.md';
const LAB = lab03;

/** Aurora-only names in the lesson's SQL and what the local stand-in has instead. */
const TO_STAND_IN: Array<[RegExp, string]> = [
  [/@@aurora_server_id/g, "CONCAT('labs-instance-', @@server_id)"],
  [/@@innodb_read_only/g, '@@read_only'],
  [/@@aurora_version/g, '@@version'],
  [/information_schema\.replica_host_status/g, LOCAL_TOPOLOGY_TABLE],
];
const AURORA_ONLY = /@@aurora_|@@innodb_read_only|information_schema\.replica_host_status/i;
const toStandIn = (sql: string) => TO_STAND_IN.reduce((s, [re, local]) => s.replace(re, local), sql);

const lesson = read(LESSON);
const blocks = fences(lesson);
const sqlBlocks = blocks.filter((b) => b.lang === 'sql');
const localSql = sqlBlocks.filter((b) => b.info === '');
const auroraSql = sqlBlocks.filter((b) => b.info === 'aurora');
const statementsOf = (list: Fence[], map: (s: string) => string = (s) => s) =>
  list.flatMap((b) => splitSql(b.body).map((sql, k) => ({ sql: map(sql), where: `${LESSON}:${b.line} (sql block, statement ${k + 1})` })));

type Place = 'writer' | 'reader' | 'any';
/** Where the lesson says a block runs, from its first line. */
const placeOf = (b: Fence): Place | undefined => {
  const note = blockNote(b.body);
  if (/^on the writer\b/i.test(note)) return 'writer';
  if (/^on a reader\b/i.test(note)) return 'reader';
  if (/^on any instance\b/i.test(note)) return 'any';
  return undefined;
};
const REFUSED_WRITE = "INSERT INTO notes (body) VALUES ('a reader must refuse this')";
const TOPOLOGY_WRITER = `SELECT SERVER_ID FROM ${LOCAL_TOPOLOGY_TABLE} WHERE SESSION_ID = '${WRITER_SESSION_ID}'`;

describe("the lesson's SQL blocks are marked for where they run", () => {
  it('every sql block names its server in its first line, and only "aurora" marks a block MariaDB cannot run', () => {
    expect(sqlBlocks.length).toBeGreaterThanOrEqual(6);
    expect(sqlBlocks.filter((b) => !placeOf(b)).map((b) => `${LESSON}:${b.line}`)).toEqual([]);
    expect(sqlBlocks.filter((b) => b.info !== '' && b.info !== 'aurora').map((b) => `${LESSON}:${b.line} sql ${b.info}`)).toEqual([]);
    expect(auroraSql.length).toBeGreaterThanOrEqual(2);
  });

  it('Aurora-only names appear only in blocks marked aurora, and every aurora block needs one', () => {
    expect(
      statementsOf(localSql)
        .filter((s) => AURORA_ONLY.test(s.sql))
        .map((s) => `${s.where}: ${s.sql}`),
    ).toEqual([]);
    expect(
      statementsOf(auroraSql)
        .filter((s) => !AURORA_ONLY.test(s.sql))
        .map((s) => `${s.where}: ${s.sql}`),
    ).toEqual([]);
    for (const b of auroraSql) expect(blockNote(b.body), `${LESSON}:${b.line}`).toMatch(/Aurora only/);
  });

  it('the identity queries are exactly the ones the kit hands learner code as ctx.identitySql', () => {
    const all = statementsOf(sqlBlocks).map((s) => s.sql);
    expect(all).toContain(AURORA_IDENTITY_SQL);
    expect(all).toContain(LOCAL_IDENTITY_SQL);
    expect(AURORA_TOPOLOGY_TABLE).toBe('information_schema.replica_host_status');
    expect(all.some((s) => s.includes(LOCAL_TOPOLOGY_TABLE))).toBe(true);
  });

  it('has sql blocks holding only statements: no prompts, no client commands, no output', () => {
    for (const block of sqlBlocks) {
      for (const line of block.body.split('\n').filter((l) => l.trim())) {
        expect(line, `${LESSON}:${block.line}`).not.toMatch(/^\s*(mysql>|MariaDB \[|\$ |\+-|\||\\G|source |use )/i);
      }
    }
  });

  it('shows no SQL outside sql blocks (so all of it is run here)', () => {
    const stray = blocks
      .filter((b) => b.lang !== 'sql' && b.lang !== 'mermaid' && b.lang !== 'ts')
      .flatMap((b) =>
        b.body
          .split('\n')
          .filter((l) => /^\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|SHOW|CALL|GRANT)\s/i.test(l))
          .map((l) => `${LESSON}:${b.line}: ${l}`),
      );
    expect(stray).toEqual([]);
  });
});

describe("the SQL behaves as the lesson says on the kit's local Aurora stand-in", () => {
  let cluster: LocalAuroraCluster | undefined;
  let nodes: ClusterNode[] = [];
  const ran: Array<Ran & { place: Place; aurora: boolean }> = [];
  const afterFailover: { topology?: Array<Record<string, unknown>>; oldWriterWrite?: Ran } = {};

  const connect = (port: number): Promise<Connection> => mysql.createConnection(optionsFor({ ...cluster!.endpoints.writer, port }, 5_000));

  beforeAll(async () => {
    cluster = await startLocalAuroraCluster();
    const { endpoints } = cluster;
    const admin = endpoints.admin!;
    nodes = Object.entries(endpoints.instances).map(([id, e]) => ({ id, port: e.port }));
    const writer = await connect(endpoints.writer.port);
    const reader = await connect(endpoints.reader.port);
    const third = await connect(nodes[2]!.port);
    try {
      for (const block of sqlBlocks) {
        const place = placeOf(block) ?? 'writer';
        if (place !== 'writer') await waitForNodes(nodes, admin);
        const conn = place === 'writer' ? writer : place === 'reader' ? reader : third;
        const into: Ran[] = [];
        await runAll(conn, statementsOf([block], block.info === 'aurora' ? toStandIn : undefined), into);
        ran.push(...into.map((r) => ({ ...r, place, aurora: block.info === 'aurora' })));
      }
      // A failover: the writer moves to instance 2; a client still on instance 1 (a stale DNS answer) tries the lesson's write.
      await moveWriter(nodes, nodes[0]!.id, nodes[1]!.id, admin);
      await waitForNodes(nodes, admin, 10_000, nodes[1]!.id);
      const stale = await connect(nodes[0]!.port);
      try {
        const into: Ran[] = [];
        await runAll(
          stale,
          [
            { sql: TOPOLOGY_WRITER, where: 'after failover' },
            { sql: REFUSED_WRITE, where: 'after failover' },
          ],
          into,
        );
        afterFailover.topology = into[0]?.rows;
        afterFailover.oldWriterWrite = into[1];
      } finally {
        await stale.end().catch(() => undefined);
      }
    } finally {
      await Promise.allSettled([writer.end(), reader.end(), third.end()]);
    }
  }, 90_000);

  afterAll(async () => {
    await cluster?.stop();
  });

  const on = (place: Place, sql: string): Ran => {
    const hit = ran.find((r) => r.place === place && r.sql === sql);
    expect(hit, `the lesson no longer runs \`${sql}\` on ${place}`).toBeDefined();
    return hit!;
  };

  it('runs blocks on the writer, on a reader and on any instance', () => {
    expect(new Set(sqlBlocks.map(placeOf))).toEqual(new Set(['writer', 'reader', 'any']));
  });

  it('every statement succeeds except the write on the reader', () => {
    expect(ran.length).toBeGreaterThanOrEqual(12);
    expect(ran.filter((r) => r.error && r.sql !== REFUSED_WRITE).map((r) => `${r.where} (${r.place}): ${r.sql} -> ${r.error?.message}`)).toEqual([]);
  });

  it('the reader refuses the write with error 1290, the number the lesson gives', () => {
    expect(on('reader', REFUSED_WRITE).error?.errno).toBe(1290);
    expect(lesson).toMatch(/usually\s+with error 1290/);
  });

  it('the identity query tells the writer (read_only 0) from a reader (read_only 1) by name', () => {
    const w = on('writer', LOCAL_IDENTITY_SQL).rows?.[0];
    const r = on('reader', LOCAL_IDENTITY_SQL).rows?.[0];
    expect([w?.server_id, Number(w?.read_only)]).toEqual(['labs-instance-1', 0]);
    expect(r?.server_id).not.toBe('labs-instance-1');
    expect(Number(r?.read_only)).toBe(1);
    const aurora = ran.find((x) => x.aurora && x.place === 'writer' && x.sql === toStandIn(AURORA_IDENTITY_SQL));
    expect(aurora?.rows?.[0]).toEqual({ server_id: 'labs-instance-1', read_only: 0 });
  });

  it('the reader has the row written through the cluster endpoint', () => {
    expect(on('reader', 'SELECT id, body FROM notes ORDER BY id').rows?.map((n) => n.body)).toEqual(['written through the cluster endpoint']);
  });

  it('the topology names the writer with MASTER_SESSION_ID, in the local table and in the translated Aurora query', () => {
    expect(on('any', TOPOLOGY_WRITER).rows).toEqual([{ SERVER_ID: 'labs-instance-1' }]);
    const all = on('any', `SELECT SERVER_ID, SESSION_ID, REPLICA_LAG_IN_MILLISECONDS FROM ${LOCAL_TOPOLOGY_TABLE} ORDER BY SERVER_ID`).rows ?? [];
    expect(all.map((r) => r.SERVER_ID)).toEqual(['labs-instance-1', 'labs-instance-2', 'labs-instance-3']);
    const translated = ran.filter((x) => x.aurora && x.place === 'any');
    expect(translated.length).toBeGreaterThanOrEqual(2);
    expect(translated.find((x) => /WHERE SESSION_ID/.test(x.sql))?.rows).toEqual([{ SERVER_ID: 'labs-instance-1' }]);
  });

  it('after a failover the topology names the new writer, and the old writer refuses the write (a stale DNS answer)', () => {
    expect(afterFailover.topology).toEqual([{ SERVER_ID: 'labs-instance-2' }]);
    expect(afterFailover.oldWriterWrite?.error?.errno).toBe(1290);
  });
});

describe('the lesson agrees with the kit', () => {
  const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
  const commands = npmCommands(lesson);

  it('every `npm run <script>` exists in package.json', () => {
    expect(commands.length).toBeGreaterThanOrEqual(10);
    expect(commands.filter((c) => !(c.script in pkg.scripts)).map((c) => c.text)).toEqual([]);
  });

  it("kit commands parse with the kit's own flag parser and name lab 3 and its real exercises", () => {
    const problems = kitCommandProblems(commands, LAB, (argv) => parseFlags(argv, ''));
    expect(problems).toEqual([]);
    expect(commands.map((c) => c.text)).toEqual(
      expect.arrayContaining([
        'npm run lab 3',
        'npm run deploy 3',
        'npm run destroy 3',
        'npm run check -- 3 --target local',
        'npm run check -- 3 --target local --failover-drill',
        'npm run check -- 3 --target aws',
        'npm run check -- 3 --target aws --tunnel',
        'npm run check -- 3 --target aws --tunnel --failover-drill',
      ]),
    );
  });

  it('every aws command is a real operation of the AWS API model, with real options and shorthand keys', () => {
    const cmds = awsCommands(blocks);
    const problems = awsCommandListProblems(cmds);
    expect(problems).toEqual([]);
    const names = new Set(cmds.map((c) => `${c.service} ${c.operation}`));
    for (const needed of [
      'rds create-db-instance',
      'rds failover-db-cluster',
      'rds describe-db-clusters',
      'rds describe-events',
      'rds wait',
      'cloudwatch get-metric-statistics',
    ]) {
      expect(names, needed).toContain(needed);
    }
  });

  it('adds a reader with the engine and instance class the lab deploys, into the cluster', () => {
    const create = awsCommands(blocks).find((c) => c.service === 'rds' && c.operation === 'create-db-instance');
    const rds = LAB.requires!.rds[0]!;
    expect(create?.values['engine']).toBe(rds.engine);
    expect(create?.values['db-instance-class']).toBe(rds.instanceClass);
    expect(create?.options).toContain('db-cluster-identifier');
    expect(lesson).toContain(`\`${rds.engineVersion}\``);
  });

  it("the StorageEncryptionType values the lesson names are the API's", () => {
    const values = new Set(Object.values(StorageEncryptionType) as string[]);
    const named = [...lesson.matchAll(/`(sse-[a-z]+|none)`/g)].map((m) => m[1] ?? '');
    expect(named.length).toBeGreaterThanOrEqual(3);
    expect(named.filter((v) => !values.has(v))).toEqual([]);
  });

  it("names only the lab's stack and its real outputs", () => {
    for (const m of lesson.matchAll(/DataTierLabs-[\w-]+/g)) expect(m[0]).toBe(LAB.stack!.name);
    const outputs = new Set(Object.values(LAB.stack!.outputs));
    const named = [...lesson.matchAll(/\bout ([A-Z]\w+)/g), ...lesson.matchAll(/`([A-Z]\w+Endpoint)` and `([A-Z]\w+Endpoint)` outputs/g)].flatMap((m) =>
      m.slice(1),
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

  it('the signatures and methods the lesson shows match the exercise files', () => {
    const problems = signatureProblems(lesson, LAB.exercises, 'labs/03-aurora-cluster/exercises');
    const all = LAB.exercises
      .map((e) => `labs/03-aurora-cluster/exercises/${e.id}.ts`)
      .filter((f) => existsSync(join(ROOT, f)))
      .map(read)
      .join('\n');
    for (const m of lesson.matchAll(/`(write|read|query|close)\(([^)`]*)\)`/g)) {
      const declared = new RegExp(`\\b${m[1]}\\(([^)]*)\\)\\s*:`).exec(all);
      const params = (declared?.[1] ?? '')
        .split(',')
        .map((p) => /^\s*(\w+)/.exec(p)?.[1])
        .filter(Boolean)
        .join(', ');
      if (!declared) problems.push(`no method ${m[1]} in the exercise files`);
      else if (params !== splitTopLevel(m[2] ?? '').join(', ')) problems.push(`the lesson shows ${m[1]}(${m[2]}), the files declare ${m[1]}(${params})`);
    }
    expect(problems).toEqual([]);
  });

  it('"Your turn" in stack-config.ts is the change from the starting file to the solution', () => {
    const starting = configField(read('labs/03-aurora-cluster/stack-config.ts'), 'readers');
    const solved = configField(read('solutions/03-aurora-cluster/stack-config.ts'), 'readers');
    expect([starting, solved]).toEqual(['0', '2']);
    expect(lesson).toMatch(new RegExp(`labs/03-aurora-cluster/stack-config\\.ts[\\s\\S]{0,40}\`readers: ${solved}\``));
  });

  it('the deployment minutes, instance class and engine version agree with lab.ts', () => {
    expect(labFactProblems(lesson, LAB)).toEqual([]);
  });

  it('quotes the costs as lab.ts computes them, with the writer only and with two readers', () => {
    const writerOnly = LAB.cost.billable.reduce((sum, b) => sum + (b.priceKey === 'aurora:db.t4g.medium:mysql' ? 1 : b.count) * b.usdPerHour, 0);
    expect(lesson).toContain(`about $${writerOnly.toFixed(2)} per hour while the stack exists as deployed`);
    expect(lesson).toContain(`about $${LAB.cost.usdPerHour.toFixed(2)} per hour with two readers`);
  });

  it("the Aurora-versus-RDS figures come from the kit's price table, and the worked month adds up", () => {
    const money = (n: number) => `$${n.toFixed(2)}`;
    const aurora = PRICES['aurora:db.t4g.medium:mysql'].usd;
    const rds = PRICES['rds:db.t4g.medium:mysql'].usd;
    const gp3 = PRICES['rds:gp3-gib-month'].usd;
    const auroraStorage = PRICES['aurora:storage-gib-month'].usd;
    expect(lesson).toContain(`| db.t4g.medium, per hour | $${rds} | $${aurora} |`);
    expect(lesson).toContain(`gp3, $${gp3} per GiB-month`);
    expect(lesson).toContain(`$${auroraStorage.toFixed(2)} per GiB-month **used**`);
    expect(PRICES['aurora:storage-gib-month'].what).toContain('$0.20 per million requests');
    const rdsInstances = 2 * rds * HOURS_PER_MONTH;
    const rdsStorage = 2 * 100 * gp3;
    const auroraInstances = 2 * aurora * HOURS_PER_MONTH;
    const auroraVolume = 100 * auroraStorage;
    const io = 100 * 0.2;
    for (const figure of [rdsInstances, rdsStorage, rdsInstances + rdsStorage, auroraInstances, auroraVolume, io, auroraInstances + auroraVolume + io]) {
      expect(lesson).toContain(money(figure));
    }
    expect(lesson).toContain(`(${HOURS_PER_MONTH} hours)`);
  });

  it('keeps to current services and names', () => {
    if (/Performance Insights/i.test(lesson)) expect(lesson).toMatch(/Database Insights/);
    if (/Serverless v1/i.test(lesson)) expect(lesson).toMatch(/Serverless v1[^.]*retired/i);
    expect(lesson).not.toMatch(/SHOW SLAVE STATUS|SysOps Administrator Associate \(SOA-C02\)|64 TiB maximum/);
    expect(lesson).not.toMatch(/\bmulti-master\b/i);
  });

  it('every mermaid block is well formed', () => {
    const mermaid = blocks.filter((b) => b.lang === 'mermaid');
    expect(mermaid.length).toBeGreaterThanOrEqual(2);
    expect(mermaid.flatMap((b) => mermaidProblems(b, `${LESSON}:${b.line}`))).toEqual([]);
  });
});

describeLessonLinks(lesson, LESSON, 10, [LAB.stack!.file, 'labs/03-aurora-cluster/stack-config.ts', 'solutions/03-aurora-cluster/stack-config.ts']);
