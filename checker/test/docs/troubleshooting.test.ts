/**
 * docs/troubleshooting.md quotes the kit's own messages. Every quote (a line
 * starting with `> `) must still be in the checker's source, so the page
 * cannot drift from what the kit prints. `{name}` in a quote stands for a
 * value the kit fills in (a `${...}` in the source); the literal pieces
 * around it must appear in one source file, in order, close together.
 * Also: every relative link in the instructor-facing docs resolves.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const DOCS_WITH_LINKS = ['docs/troubleshooting.md', 'docs/instructor-guide.md', 'docs/iam/README.md'];

/** The longest gap allowed between two literal pieces of a quote: a `${...}` expression or a string concatenation. */
const MAX_GAP = 320;

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    const parts = relative(ROOT, full).split(sep);
    if (parts.includes('test') || parts.includes('fixtures') || parts.includes('node_modules')) continue;
    if (entry.isDirectory()) sourceFiles(full, out);
    else if (entry.name.endsWith('.ts')) out.push(full);
  }
  return out;
}

/** Source text as the user would read it: escaped quotes and backticks unescaped. */
function unescape(text: string): string {
  return text.replace(/\\(['"`])/g, '$1');
}

interface Quote {
  line: number;
  text: string;
}

function quotesIn(markdown: string): Quote[] {
  const quotes: Quote[] = [];
  markdown.split('\n').forEach((line, i) => {
    const m = /^> (.+)$/.exec(line);
    if (m) quotes.push({ line: i + 1, text: m[1]!.trim() });
  });
  return quotes;
}

/** Literal pieces of a quote: split at `{placeholders}`, trimmed, empty ones dropped. */
function piecesOf(quote: string): string[] {
  return quote
    .split(/\{[^{}]+\}/)
    .map((p) => p.trim())
    .filter(Boolean);
}

/** Whether the pieces occur in `text` in order, each within MAX_GAP characters of the previous one. */
function occursIn(pieces: string[], text: string): boolean {
  if (pieces.length === 0) return false;
  let from = text.indexOf(pieces[0]!);
  while (from !== -1) {
    let end = from + pieces[0]!.length;
    let ok = true;
    for (const piece of pieces.slice(1)) {
      const at = text.indexOf(piece, end);
      if (at === -1 || at - end > MAX_GAP) {
        ok = false;
        break;
      }
      end = at + piece.length;
    }
    if (ok) return true;
    from = text.indexOf(pieces[0]!, from + 1);
  }
  return false;
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, duplicates numbered. */
function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*```/.test(line)) fenced = !fenced;
    if (fenced) continue;
    const m = /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const base = m[1]!
      .toLowerCase()
      .replace(/<[^>]+>/g, '')
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

/** Relative link targets of a markdown file, outside code blocks and code spans. */
function relativeLinks(markdown: string): string[] {
  const withoutCode = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  const links: string[] = [];
  for (const m of withoutCode.matchAll(/\]\(\s*([^)\s]+)(?:\s+"[^"]*")?\s*\)/g)) {
    const target = m[1]!;
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:
    links.push(target);
  }
  return links;
}

const sources = sourceFiles(join(ROOT, 'checker')).map((f) => ({ file: relative(ROOT, f), text: unescape(readFileSync(f, 'utf8')) }));
const troubleshooting = readFileSync(join(ROOT, 'docs', 'troubleshooting.md'), 'utf8');
const quotes = quotesIn(troubleshooting);

describe('the quote matcher', () => {
  it('fills placeholders across expressions and string concatenations, in order', () => {
    const text = 'throw new Err(`AWS refused ${call}${where}: the identity you are signed in as${p} ` +\n  `is missing the IAM permission ${action}.`);';
    expect(occursIn(piecesOf('AWS refused {action}: the identity you are signed in as{principal} is missing the IAM permission {action}.'), text)).toBe(true);
    expect(occursIn(piecesOf('AWS refused {action}: the identity is missing'), text)).toBe(false);
    expect(occursIn(piecesOf('is missing the IAM permission {action}. AWS refused'), text)).toBe(false);
    expect(occursIn(piecesOf('{only a placeholder}'), text)).toBe(false);
  });

  it('finds nothing for a message the kit does not print', () => {
    const madeUp = piecesOf('The flux capacitor of {lab} is not charged.');
    expect(sources.some((s) => occursIn(madeUp, s.text))).toBe(false);
  });
});

describe('docs/troubleshooting.md', () => {
  it('quotes at least 20 of the kit’s messages', () => {
    expect(quotes.length).toBeGreaterThanOrEqual(20);
    expect(new Set(quotes.map((q) => q.text)).size).toBe(quotes.length);
  });

  it.each(quotes.map((q) => [q.line, q.text] as const))('line %i: "%s" is in the checker source', (_line, text) => {
    const pieces = piecesOf(text);
    expect(Math.max(0, ...pieces.map((p) => p.length)), 'a quote needs some literal text').toBeGreaterThanOrEqual(12);
    expect(text, 'raw < or > would be eaten as HTML by markdown renderers').not.toMatch(/[<>]/);
    const where = sources.filter((s) => occursIn(pieces, s.text)).map((s) => s.file);
    expect(where, `"${text}" is not in checker/**/*.ts any more: update the quote`).not.toEqual([]);
  });
});

describe.each(DOCS_WITH_LINKS)('relative links in %s', (doc) => {
  it('resolve to files (and headings) that exist', () => {
    const path = join(ROOT, doc);
    const markdown = readFileSync(path, 'utf8');
    const broken: string[] = [];
    for (const link of relativeLinks(markdown)) {
      const [target, anchor] = link.split('#') as [string, string | undefined];
      const file = target ? join(dirname(path), decodeURIComponent(target)) : path;
      if (!existsSync(file)) {
        broken.push(`${link} (no such file)`);
        continue;
      }
      if (anchor && statSync(file).isFile() && file.endsWith('.md') && !anchorsOf(readFileSync(file, 'utf8')).has(anchor)) {
        broken.push(`${link} (no heading #${anchor})`);
      }
    }
    expect(broken).toEqual([]);
  });
});
