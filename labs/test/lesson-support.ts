/**
 * Helpers the lesson tests of Labs 1 and 2 share: reading a lesson, its
 * fenced blocks, prose, anchors and links, splitting and running its SQL, and
 * the npm commands it shows. A plain module, not a test file, so importing it
 * registers no tests.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Connection } from 'mysql2/promise';
import type { MysqlEndpoint } from '../../checker/engines/endpoints.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export const read = (rel: string): string => readFileSync(join(ROOT, rel), 'utf8');

/** mysql2 options for a kit endpoint (plain TCP: the kit's local engines have no TLS). */
export const optionsFor = (e: MysqlEndpoint, connectTimeout = 2_000) => ({ host: e.host, port: e.port, user: e.user, password: e.password, database: e.database, connectTimeout });

// ---------------------------------------------------------------- markdown

export interface Fence {
  lang: string;
  body: string;
  /** 1-based line of the opening fence, for messages. */
  line: number;
}

/** Fenced code blocks (``` only), including ones indented inside list items. */
export function fences(markdown: string): Fence[] {
  const out: Fence[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const open = /^( {0,3})```\s*([\w-]*)/.exec(lines[i] ?? '');
    if (!open) continue;
    const indent = open[1]?.length ?? 0;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !/^ {0,3}```\s*$/.test(lines[j] ?? ''); j += 1) body.push((lines[j] ?? '').slice(indent));
    out.push({ lang: open[2] ?? '', body: body.join('\n'), line: i + 1 });
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
  for (const line of prose(markdown).split('\n')) {
    const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const text = (m[1] ?? '').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/[`*]/g, '');
    const base = text.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
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
