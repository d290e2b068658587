/**
 * Helpers the lesson tests share: reading a lesson, its fenced blocks, prose,
 * anchors and links, splitting and running its SQL, the npm commands it
 * shows, the AWS CLI commands it shows (checked against the AWS SDK's own
 * service models), and mermaid blocks. A plain module, not a test file:
 * importing it registers no tests, only calling describeLessonLinks does.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Connection } from 'mysql2/promise';
import { describe, expect, it } from 'vitest';
import type { MysqlEndpoint } from '../../checker/engines/endpoints.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export const read = (rel: string): string => readFileSync(join(ROOT, rel), 'utf8');

/** mysql2 options for a kit endpoint (plain TCP: the kit's local engines have no TLS). */
export const optionsFor = (e: MysqlEndpoint, connectTimeout = 2_000) => ({
  host: e.host,
  port: e.port,
  user: e.user,
  password: e.password,
  database: e.database,
  connectTimeout,
});

// ---------------------------------------------------------------- markdown

export interface Fence {
  lang: string;
  body: string;
  /** 1-based line of the opening fence, for messages. */
  line: number;
  /** The rest of the info string after the language, e.g. "aurora" in ```sql aurora. */
  info: string;
}

/** Fenced code blocks (``` only), including ones indented inside list items. */
export function fences(markdown: string): Fence[] {
  const out: Fence[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const open = /^( {0,3})```\s*([\w-]*)[ \t]*(.*)$/.exec(lines[i] ?? '');
    if (!open) continue;
    const indent = open[1]?.length ?? 0;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !/^ {0,3}```\s*$/.test(lines[j] ?? ''); j += 1) {
      const line = lines[j] ?? '';
      body.push(line.slice(Math.min(indent, /^ */.exec(line)?.[0].length ?? 0)));
    }
    out.push({ lang: open[2] ?? '', body: body.join('\n'), line: i + 1, info: (open[3] ?? '').trim() });
    i = j;
  }
  return out;
}

/** The markdown without fenced blocks and inline code: prose, links and headings. */
export function prose(markdown: string): string {
  let inFence = false;
  return markdown
    .split('\n')
    .map((line) => {
      if (/^ {0,3}```/.test(line)) {
        inFence = !inFence;
        return '';
      }
      return inFence ? '' : line.replace(/`[^`]*`/g, 'code');
    })
    .join('\n');
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, duplicates numbered. */
export function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  let inFence = false;
  // Headings keep their inline code's text in the anchor, so only fenced blocks are skipped here.
  for (const line of markdown.split('\n')) {
    if (/^ {0,3}```/.test(line)) inFence = !inFence;
    if (inFence) continue;
    const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const text = (m[1] ?? '').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/[`*]/g, '');
    const base = text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    anchors.add(n === 0 ? base : `${base}-${n}`);
    seen.set(base, n + 1);
  }
  return anchors;
}

/** Relative links ([text](target), not images, not URLs) outside code. */
export function relativeLinks(markdown: string): string[] {
  const out: string[] = [];
  for (const m of prose(markdown).matchAll(/(?<!!)\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
    const target = m[1] ?? '';
    if (!/^[a-z][a-z0-9+.-]*:/i.test(target)) out.push(target);
  }
  return out;
}

// ---------------------------------------------------------------- SQL

/**
 * Splits a SQL block into statements the way the mysql client does: on `;`
 * outside quotes and comments; `-- `, `#` and `/* *\/` comments dropped.
 */
export function splitSql(body: string): string[] {
  const out: string[] = [];
  let cur = '';
  let i = 0;
  const push = () => {
    const s = cur.replace(/\s+/g, ' ').trim();
    if (s) out.push(s);
    cur = '';
  };
  while (i < body.length) {
    const c = body[i] ?? '';
    const next = body[i + 1] ?? '';
    if ((c === '-' && next === '-' && /^[\s]?$/.test(body[i + 2] ?? '')) || c === '#') {
      while (i < body.length && body[i] !== '\n') i += 1;
    } else if (c === '/' && next === '*') {
      const end = body.indexOf('*/', i + 2);
      i = end < 0 ? body.length : end + 2;
      cur += ' ';
    } else if (c === "'" || c === '"' || c === '`') {
      cur += c;
      i += 1;
      while (i < body.length) {
        const d = body[i] ?? '';
        cur += d;
        i += 1;
        if (d === '\\' && c !== '`') {
          cur += body[i] ?? '';
          i += 1;
        } else if (d === c) {
          if (body[i] === c) {
            cur += c;
            i += 1;
          } else break;
        }
      }
    } else if (c === ';') {
      push();
      i += 1;
    } else {
      cur += c;
      i += 1;
    }
  }
  push();
  return out;
}

/** The first line of a block when it is a `-- ` comment: where the lesson says to run it. */
export const blockNote = (body: string): string => /^\s*--\s+(.*)$/m.exec(body.trimStart().split('\n')[0] ?? '')?.[1]?.trim() ?? '';

export interface Ran {
  sql: string;
  where: string;
  rows?: Array<Record<string, unknown>>;
  error?: { errno?: number; code?: string; message: string };
}

export async function runAll(conn: Connection, statements: Array<{ sql: string; where: string }>, into: Ran[]): Promise<void> {
  for (const { sql, where } of statements) {
    try {
      const [rows] = await conn.query(sql);
      into.push({ sql, where, rows: Array.isArray(rows) ? (rows as Array<Record<string, unknown>>) : [] });
    } catch (err) {
      const e = err as { errno?: number; code?: string; message: string };
      into.push({ sql, where, error: { errno: e.errno, code: e.code, message: e.message } });
    }
  }
}

/** SQL string literals passed to `.query(` or `.execute(` in TypeScript examples. */
export function embeddedSql(ts: string): string[] {
  return [...ts.matchAll(/\.(?:query|execute)(?:<[^>]*>)?\(\s*(['"`])((?:\\.|(?!\1).)*)\1/g)].map((m) => m[2] ?? '');
}

// ---------------------------------------------------------------- kit commands

export interface KitCommand {
  script: string;
  args: string[];
  text: string;
}

/** Every `npm run <script> ...` in the text, cut at the end of the command. */
export function npmCommands(text: string): KitCommand[] {
  return [...text.matchAll(/\bnpm run ([a-z][\w:-]*)([^\n`|;&)#]*)/g)].map((m) => ({
    script: m[1] ?? '',
    args: (m[2] ?? '').trim().split(/\s+/).filter(Boolean),
    text: m[0].trim(),
  }));
}

/** Splits on commas outside brackets, braces, parentheses and angle brackets. */
export function splitTopLevel(list: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const c of list) {
    if ('([{<'.includes(c)) depth += 1;
    if (')]}>'.includes(c)) depth -= 1;
    if (c === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

/** The parameters of `export [async] function name(...)` in a source file: names and full text. */
export function parameterNames(source: string, name: string): Array<{ name: string; text: string }> | undefined {
  const start = new RegExp(`export\\s+(?:async\\s+)?function\\s+${name}\\s*(?:<[^>]*>)?\\(`).exec(source);
  if (!start) return undefined;
  let depth = 1;
  let i = start.index + start[0].length;
  const from = i;
  for (; i < source.length && depth > 0; i += 1) {
    if (source[i] === '(') depth += 1;
    if (source[i] === ')') depth -= 1;
  }
  return splitTopLevel(source.slice(from, i - 1)).map((text) => ({ name: /^\s*(\w+)/.exec(text)?.[1] ?? text, text }));
}

// ---------------------------------------------------------------- AWS CLI

/**
 * botocore's xform_name: the AWS CLI turns an API name (FailoverDBCluster,
 * DBClusterIdentifier) into its command or option (failover-db-cluster,
 * --db-cluster-identifier) with these rules.
 */
export function cliName(apiName: string): string {
  let name = apiName;
  const special = /[A-Z]{2,}s$/.exec(name);
  if (special) name = `${name.slice(0, -special[0].length)}-${special[0].toLowerCase()}`;
  return name
    .replace(/(.)([A-Z][a-z]+)/g, '$1-$2')
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase();
}

/** AWS CLI service names whose SDK client is spelt otherwise. */
const SDK_CLIENT_NAMES: Record<string, string> = { secretsmanager: 'secrets-manager' };

export interface CliService {
  /** CLI operation name -> the API names of its input members. */
  operations: Map<string, string[]>;
  /** Structure name -> the API names of its members (for shorthand keys such as MinCapacity=0). */
  structures: Map<string, string[]>;
  /** Waiter names as the CLI spells them (`aws rds wait db-cluster-available`). */
  waiters: Set<string>;
}

/**
 * The operations and input members of one AWS service, read from the service
 * model compiled into the installed AWS SDK for JavaScript v3 client
 * (@aws-sdk/client-<service>): the same API model the AWS CLI is generated
 * from, so a command or option it does not know is not a real one.
 */
export function cliService(service: string): CliService {
  const client = `client-${SDK_CLIENT_NAMES[service] ?? service}`;
  const base = join(ROOT, 'node_modules', '@aws-sdk', client, 'dist-cjs');
  const files = [join(base, 'index.js'), join(base, 'schemas', 'schemas_0.js')].filter((f) => existsSync(f));
  if (files.length === 0) throw new Error(`@aws-sdk/${client} is not installed: cannot check its AWS CLI commands`);
  const src = files.map((f) => readFileSync(f, 'utf8')).join('\n');
  const constants = new Map([...src.matchAll(/const (_\w+) = "([^"]*)";/g)].map((m) => [m[1] ?? '', m[2] ?? '']));
  const structures = new Map(
    [...src.matchAll(/(?:var |exports\.)(\w+)\$ = \[3, n0, _\w+,\s*\d+,\s*\[([^\]]*)\]/g)].map((m) => [
      m[1] ?? '',
      (m[2] ?? '')
        .split(',')
        .map((k) => constants.get(k.trim()) ?? '')
        .filter(Boolean),
    ]),
  );
  const operations = new Map<string, string[]>();
  for (const m of src.matchAll(/(?:var |exports\.)(\w+)\$ = \[9, n0, _\w+,\s*\d+,\s*\(\) => (?:exports\.)?(\w+)\$/g)) {
    operations.set(cliName(m[1] ?? ''), structures.get(m[2] ?? '') ?? []);
  }
  const waiters = new Set([...src.matchAll(/const waitUntil(\w+) = /g)].map((m) => cliName(m[1] ?? '')));
  return { operations, structures, waiters };
}

/** Options every AWS CLI command takes, and the pagination options of list and describe calls. */
export const CLI_GLOBAL_OPTIONS = new Set([
  'region',
  'profile',
  'output',
  'query',
  'no-cli-pager',
  'cli-input-json',
  'cli-input-yaml',
  'generate-cli-skeleton',
  'debug',
  'endpoint-url',
  'no-paginate',
  'max-items',
  'page-size',
  'starting-token',
  'cli-binary-format',
  'color',
  'no-verify-ssl',
  'no-sign-request',
  'cli-read-timeout',
  'cli-connect-timeout',
  'ca-bundle',
]);

export interface AwsCommand {
  service: string;
  operation: string;
  /** Option names without the leading "--", in order. */
  options: string[];
  /** Option name -> the word after it (its value), when there is one. */
  values: Record<string, string>;
  text: string;
  line: number;
}

/** Splits a shell command line into words, respecting quotes, stopping at an unquoted ) | ; or &. */
function shellWords(text: string): string[] {
  const words: string[] = [];
  let cur = '';
  let quote = '';
  let started = false;
  for (const c of text) {
    if (quote) {
      if (c === quote) quote = '';
      else cur += c;
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      started = true;
    } else if (/[)|;&]/.test(c)) {
      break;
    } else if (/\s/.test(c)) {
      if (started) words.push(cur);
      cur = '';
      started = false;
    } else {
      cur += c;
      started = true;
    }
  }
  if (started) words.push(cur);
  return words;
}

/** Every `aws <service> <operation> ...` in shell blocks (continuation lines joined), including ones inside $( ). */
export function awsCommands(blocks: Fence[]): AwsCommand[] {
  const out: AwsCommand[] = [];
  for (const block of blocks.filter((b) => b.lang === 'bash' || b.lang === 'sh' || b.lang === 'shell')) {
    const lines = block.body.replace(/\\\n\s*/g, ' ').split('\n');
    lines.forEach((line, k) => {
      for (const m of line.matchAll(/(?:^|[\s($`])aws\s+([a-z][a-z0-9-]*)\s+([a-z][a-z0-9-]*)/g)) {
        const words = shellWords(line.slice((m.index ?? 0) + m[0].indexOf('aws')));
        const options: string[] = [];
        const values: Record<string, string> = {};
        words.forEach((w, i) => {
          if (!w.startsWith('--')) return;
          const [name = '', inline] = w.slice(2).split('=', 2);
          options.push(name);
          const next = words[i + 1];
          if (inline !== undefined) values[name] = inline;
          else if (next !== undefined && !next.startsWith('--')) values[name] = next;
        });
        out.push({ service: m[1] ?? '', operation: m[2] ?? '', options, values, text: words.join(' '), line: block.line + 1 + k });
      }
    });
  }
  return out;
}

/**
 * What is wrong with an AWS CLI command, checked against the service model:
 * the operation (or waiter) exists, every option is one of its members (or
 * --no-<member>, or a global option), and shorthand keys (Key=value,...)
 * name members of the structure the option takes.
 */
export function awsCommandProblems(cmd: AwsCommand, service: CliService): string[] {
  const where = `line ${cmd.line}: aws ${cmd.service} ${cmd.operation}`;
  let members: string[] | undefined;
  const words = cmd.options;
  if (cmd.operation === 'wait') {
    const waiter = /^aws \S+ wait (\S+)/.exec(cmd.text)?.[1] ?? '';
    if (!service.waiters.has(waiter)) return [`${where} ${waiter}: no such waiter`];
    members = service.operations.get(`describe-${waiter.replace(/-(available|deleted|stopped)$/, '')}s`);
  } else {
    members = service.operations.get(cmd.operation);
    if (!members) return [`${where}: no such operation`];
  }
  const byOption = new Map((members ?? []).map((m) => [cliName(m), m]));
  const problems: string[] = [];
  for (const option of words) {
    const member = byOption.get(option) ?? byOption.get(option.replace(/^no-/, ''));
    if (!member && !CLI_GLOBAL_OPTIONS.has(option)) {
      problems.push(`${where}: no option --${option}`);
      continue;
    }
    const value = cmd.values[option];
    if (!member || value === undefined || !/^[A-Z]\w*=/.test(value)) continue;
    const shape = service.structures.get(member) ?? service.structures.get(member.replace(/s$/, ''));
    if (!shape) continue;
    for (const pair of value.split(',')) {
      const key = pair.split('=')[0] ?? '';
      if (!shape.includes(key)) problems.push(`${where}: --${option} has no key ${key} (it takes ${shape.join(', ')})`);
    }
  }
  return problems;
}

// ---------------------------------------------------------------- mermaid

/**
 * What GitHub's mermaid renderer would choke on, for the diagram types the
 * lessons use: the first line names a diagram type; flowchart labels with
 * parentheses are quoted and brackets balance; sequence diagrams use only
 * declared participants and no ";" (which ends a statement early).
 */
export function mermaidProblems(block: Fence, where: string): string[] {
  const problems: string[] = [];
  const lines = block.body
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('%%'));
  const first = lines[0] ?? '';
  if (/^(flowchart|graph)\s+(TB|TD|BT|RL|LR)$/.test(first)) {
    for (const m of block.body.matchAll(/\[([^\]"]*)\]|\|([^|"]*)\|/g)) {
      if (/[()]/.test(m[1] ?? m[2] ?? '')) problems.push(`${where} unquoted label with parentheses: ${m[0]}`);
    }
    const unquoted = block.body.replace(/"[^"\n]*"/g, '""');
    for (const [open, close] of [
      ['[', ']'],
      ['(', ')'],
      ['{', '}'],
    ] as const) {
      if (unquoted.split(open).length !== unquoted.split(close).length) problems.push(`${where} unbalanced ${open}${close}`);
    }
    let depth = 0;
    for (const l of lines.slice(1)) {
      if (/^subgraph\b/.test(l)) depth += 1;
      if (l === 'end') depth -= 1;
    }
    if (depth !== 0) problems.push(`${where} subgraph and end do not pair up`);
  } else if (first === 'sequenceDiagram') {
    const declared = new Set(lines.flatMap((l) => /^(?:participant|actor)\s+(\w+)/.exec(l)?.[1] ?? []));
    let depth = 0;
    for (const l of lines.slice(1)) {
      if (/^(loop|alt|opt|par|critical|break|rect)\b/.test(l)) depth += 1;
      if (l === 'end') depth -= 1;
      const arrow = /^(\w+)\s*(?:-{1,2}>>|-{1,2}>|-{1,2}x|-{1,2}\))\s*[+-]?(\w+)\s*:/.exec(l);
      const note = /^Note (?:over|left of|right of) ([\w, ]+):/.exec(l);
      const used = arrow ? [arrow[1], arrow[2]] : note ? (note[1] ?? '').split(',').map((s) => s.trim()) : [];
      for (const p of used) if (p && !declared.has(p)) problems.push(`${where} undeclared participant ${p}: ${l}`);
      if (l.includes(';')) problems.push(`${where} ";" ends a sequence statement early: ${l}`);
      const known = /^(participant|actor|Note|loop|alt|else|opt|par|and|critical|break|rect|end|autonumber|activate|deactivate)\b/.test(l);
      if (!arrow && !known) problems.push(`${where} not a sequence statement: ${l}`);
    }
    if (depth !== 0) problems.push(`${where} blocks and end do not pair up`);
  } else if (!/^(stateDiagram(-v2)?|classDiagram|erDiagram|gantt|pie|journey|timeline|mindmap|gitGraph|xychart-beta)\b/.test(first)) {
    problems.push(`${where} starts with "${first}"`);
  }
  return problems;
}

// ---------------------------------------------------------------- kit commands and links, checked

/**
 * What is wrong with the lesson's `npm run lab|check|deploy|destroy` commands
 * for one lab: flags npm would keep for itself, another lab, extra
 * arguments, an exercise the lab does not have, or a flag the kit's own
 * parser (passed in) refuses.
 */
export function kitCommandProblems(
  commands: KitCommand[],
  lab: { id: number; exercises: Array<{ id: string }> },
  parse: (argv: string[]) => { lab?: number; exercise?: string },
  /** Other labs the lesson may point at with lab and check commands (never deploy or destroy). */
  mayName: Array<{ id: number; exercises: Array<{ id: string }> }> = [],
): string[] {
  const problems: string[] = [];
  for (const c of commands.filter((x) => ['lab', 'check', 'deploy', 'destroy'].includes(x.script))) {
    let args = c.args;
    if (args.some((a) => a.startsWith('-') && a !== '--') && args[0] !== '--') problems.push(`${c.text}: npm takes flags before "--" for itself`);
    if (args[0] === '--') args = args.slice(1);
    const deploys = c.script === 'deploy' || c.script === 'destroy';
    // --skip-doctor belongs to deploy's own parser, not to the check flags.
    if (deploys) args = args.filter((a) => a !== '--skip-doctor');
    try {
      const flags = parse(args);
      const named = flags.lab === lab.id ? lab : deploys ? undefined : mayName.find((l) => l.id === flags.lab);
      if (!named) problems.push(`${c.text}: names lab ${flags.lab}, not ${[lab.id, ...(deploys ? [] : mayName.map((l) => l.id))].join(' or ')}`);
      const ex = flags.exercise;
      if (ex !== undefined && !named?.exercises.some((e) => e.id === ex || e.id.slice(0, 2) === ex)) problems.push(`${c.text}: no exercise ${ex}`);
    } catch (err) {
      problems.push(`${c.text}: ${(err as Error).message}`);
    }
  }
  return problems;
}

export interface ResolvedLink {
  target: string;
  abs: string;
  anchor?: string;
  /** Relative to the repository root, "/" kept at the end of folders. */
  rel: string;
}

/** The lesson's relative links, resolved against the lesson's folder. */
export function resolvedLinks(markdown: string, file: string): ResolvedLink[] {
  return relativeLinks(markdown).map((target) => {
    const [path = '', anchor] = target.split('#');
    const abs = path ? resolve(ROOT, dirname(file), decodeURIComponent(path)) : join(ROOT, file);
    return { target, abs, anchor, rel: relative(ROOT, abs).split('\\').join('/') + (path.endsWith('/') ? '/' : '') };
  });
}

/** Links whose file is missing, and #anchors that name no heading: a link to a file not written yet is broken too. */
export function brokenLinks(links: ResolvedLink[]): string[] {
  const missing = links.filter((l) => !existsSync(l.abs)).map((l) => `missing: ${l.target}`);
  const anchors = links
    .filter((l) => l.anchor !== undefined && l.abs.endsWith('.md') && existsSync(l.abs))
    .filter((l) => !anchorsOf(readFileSync(l.abs, 'utf8')).has(l.anchor ?? ''))
    .map((l) => `no heading: ${l.target}`);
  return [...missing, ...anchors];
}

// ---------------------------------------------------------------- the lesson against the kit

/** Every aws command checked against its service's API model; a service with no SDK client here is a problem too. */
export function awsCommandListProblems(commands: AwsCommand[]): string[] {
  const services = new Map<string, CliService | Error>();
  return commands.flatMap((cmd) => {
    if (!services.has(cmd.service)) {
      try {
        services.set(cmd.service, cliService(cmd.service));
      } catch (err) {
        services.set(cmd.service, err as Error);
      }
    }
    const service = services.get(cmd.service)!;
    return service instanceof Error ? [`line ${cmd.line}: aws ${cmd.service}: ${service.message}`] : awsCommandProblems(cmd, service);
  });
}

/** The first aws command running `service operation`, for asserting its options. */
export const awsCommand = (commands: AwsCommand[], service: string, operation: string): AwsCommand | undefined =>
  commands.find((c) => c.service === service && c.operation === operation);

/** A `name: value` field of a stack-config.ts, as text (numbers, booleans and strings alike). */
export function configField(source: string, name: string): string | undefined {
  return new RegExp(`^\\s*${name}:\\s*['"]?([\\w.-]+)`, 'm').exec(source)?.[1];
}

interface ExerciseMeta {
  id: string;
  exports: string[];
}

/**
 * Where the lesson's `fn(a, b)` calls disagree with the exercise files: a
 * missing file or function is a problem, a different number of parameters or
 * another name for one too; `{ a, b }` is checked key by key.
 */
export function signatureProblems(lesson: string, exercises: ExerciseMeta[], folder: string): string[] {
  const problems: string[] = [];
  for (const exercise of exercises) {
    const file = `${folder}/${exercise.id}.ts`;
    if (!existsSync(join(ROOT, file))) {
      problems.push(`${file} does not exist`);
      continue;
    }
    const source = read(file);
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
            for (const key of p
              .replace(/[{}]/g, '')
              .split(',')
              .map((x) => x.trim())
              .filter(Boolean)) {
              if (!actual.text.includes(key)) problems.push(`${exercise.id}: ${name}'s parameter ${actual.name} has no ${key}`);
            }
          } else if (p !== actual.name) problems.push(`${exercise.id}: the lesson calls ${name}'s parameter ${k + 1} "${p}", the file "${actual.name}"`);
        });
      }
    }
  }
  return problems;
}

export interface LabFacts {
  deployMinutes: number;
  cost: { usdPerHour: number };
  requires?: { rds: Array<{ engineVersion: string; instanceClass: string }>; elasticache: Array<{ nodeType: string }> };
}

/** A row of the lesson's opening table (| Time | ... |), or '' when there is none. */
export const headerRow = (lesson: string, name: string): string => lesson.split('\n').find((l) => l.startsWith(`| ${name} |`)) ?? '';

/**
 * Where the lesson's figures disagree with lab.ts: the deployment minutes in
 * its Time row, the instance classes and node types in its Cost row, and
 * every RDS MySQL or Aurora MySQL version it names.
 */
export function labFactProblems(lesson: string, lab: LabFacts): string[] {
  const problems: string[] = [];
  const time = headerRow(lesson, 'Time');
  const minutes = [...time.matchAll(/(\d+)(?:-(\d+))? minutes/g)].flatMap((m) => [Number(m[1]), Number(m[2] ?? m[1])]);
  if (!minutes.includes(lab.deployMinutes))
    problems.push(`the Time row (${time || 'missing'}) does not give the ${lab.deployMinutes} deployment minutes of lab.ts`);
  const cost = headerRow(lesson, 'Cost on AWS');
  if (!cost) problems.push('no "Cost on AWS" row');
  const classes = [...(lab.requires?.rds ?? []).map((r) => r.instanceClass), ...(lab.requires?.elasticache ?? []).map((c) => c.nodeType)];
  for (const c of classes.filter((x) => x !== 'db.serverless')) if (!cost.includes(c)) problems.push(`the Cost row does not name ${c}, which lab.ts deploys`);
  const versions = new Set((lab.requires?.rds ?? []).map((r) => r.engineVersion));
  for (const m of lesson.matchAll(/\b(?:8\.0\.mysql_aurora\.\d+\.\d+\.\d+|8\.4\.\d+)\b/g)) {
    if (!versions.has(m[0])) problems.push(`names engine version ${m[0]}; lab.ts deploys ${[...versions].join(', ')}`);
  }
  return problems;
}

/**
 * The lesson's relative links, as tests: there are at least `atLeast`, every
 * one resolves (a file not written yet is a failure, not a skip), every
 * #anchor names a heading, and the files the lab is built from are linked.
 */
export function describeLessonLinks(lesson: string, file: string, atLeast: number, mustLink: string[]): void {
  describe('relative links in the lesson', () => {
    const links = resolvedLinks(lesson, file);

    it('every link resolves and every #anchor names a heading: a file not written yet is a failure', () => {
      expect(links.length).toBeGreaterThanOrEqual(atLeast);
      expect(brokenLinks(links)).toEqual([]);
    });

    it(`links to ${mustLink.join(', ')}`, () => {
      const rel = new Set(links.map((l) => l.rel));
      for (const target of mustLink) expect(rel, target).toContain(target);
    });
  });
}
