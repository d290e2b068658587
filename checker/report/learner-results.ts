/**
 * The learner's results file: what `npm run check -- --all --json --learner <id>`
 * writes and what the class report reads. One definition for both sides.
 *
 * A bare results document (one lab, `npm run check -- 5 --json`) is accepted
 * too; the learner is then named after the file.
 */
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import type { CheckResult, CheckStatus, OverallStatus, ResultsDocument } from '../core/result.js';

export const LEARNER_RESULTS_SCHEMA = 'data-tier-labs/learner-results@1';
export const RESULTS_SCHEMA = 'data-tier-labs/results@1';

export interface LearnerResults {
  schema: typeof LEARNER_RESULTS_SCHEMA;
  learner: { id: string; name?: string };
  /** When the file was written (ISO 8601). */
  generatedAt: string;
  kit: KitStamp;
  labs: ResultsDocument[];
}

/** Which kit wrote the file: its version, a hash of its own files, and those that differ from its commit. */
export interface KitStamp {
  version: string;
  hash?: string;
  /** Kit files changed from the checked-out commit; absent when unknown (not a git checkout). */
  modified?: string[];
}

export function makeLearnerResults(
  learner: LearnerResults['learner'],
  labs: ResultsDocument[],
  kit: string | KitStamp,
  now: Date = new Date(),
): LearnerResults {
  return { schema: LEARNER_RESULTS_SCHEMA, learner, generatedAt: now.toISOString(), kit: typeof kit === 'string' ? { version: kit } : kit, labs };
}

/** Why a file was left out; `problem` is a sentence for the instructor. */
export type ProblemKind = 'unreadable' | 'empty' | 'truncated' | 'not-json' | 'future-version' | 'not-results' | 'invalid';

export type ParseOutcome =
  | { ok: true; results: LearnerResults; /** True when the file was one bare results document. */ bare: boolean }
  | { ok: false; kind: ProblemKind; problem: string };

const STATUSES: readonly CheckStatus[] = ['pass', 'fail', 'error', 'skipped'];
const SCHEMA_PATTERN = /^data-tier-labs\/(learner-results|results)@(\d+)$/;

export function parseResultsFile(path: string): ParseOutcome {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'there is no such file' : code === 'EISDIR' ? 'it is a folder' : (err as Error).message;
    return { ok: false, kind: 'unreadable', problem: `could not be read: ${why}.` };
  }
  return parseResultsText(decode(bytes), learnerIdFromFileName(path));
}

/** "results/ada.json" -> "ada": the learner of a bare results document. */
export function learnerIdFromFileName(path: string): string {
  return basename(path, extname(path));
}

/**
 * Windows PowerShell 5 writes `>` redirections as UTF-16 with a byte-order
 * mark; other shells write UTF-8, sometimes with a BOM.
 */
export function decode(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return Buffer.from(bytes.subarray(2)).swap16().toString('utf16le');
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * `npm run check -- --json > me.json` (without --silent) puts npm's two-line
 * banner ("> data-tier-labs@0.1.0 check") before the JSON: drop it.
 */
function withoutNpmBanner(text: string): string {
  const lines = text.split(/\r?\n/);
  let i = 0;
  while (i < lines.length && (lines[i].startsWith('> ') || lines[i].trim() === '')) i += 1;
  return i > 0 && lines.slice(0, i).some((l) => l.startsWith('> ')) ? lines.slice(i).join('\n') : text;
}

export function parseResultsText(text: string, fallbackLearnerId: string): ParseOutcome {
  if (text.trim() === '') return { ok: false, kind: 'empty', problem: 'is empty: the check command wrote nothing into it.' };
  let data: unknown;
  try {
    data = JSON.parse(withoutNpmBanner(text));
  } catch (err) {
    const message = (err as Error).message;
    if (/end of (JSON )?input|Unterminated string/i.test(message)) {
      return {
        ok: false,
        kind: 'truncated',
        problem: 'is cut short (the JSON ends in the middle): ask the learner to run the check again and send the whole file.',
      };
    }
    const start = text.trimStart()[0];
    const looksLikeJson = start === '{' || start === '[';
    return {
      ok: false,
      kind: looksLikeJson ? 'truncated' : 'not-json',
      problem: looksLikeJson
        ? `is damaged JSON (${message}): ask the learner to run the check again and send the whole file.`
        : 'is not JSON: the learner probably saved the terminal report; the file must come from `npm run check -- --all --json`.',
    };
  }
  if (!isObject(data)) return { ok: false, kind: 'not-results', problem: 'is JSON but not a Data Tier Labs results file (no "schema" field).' };

  const schema = data.schema;
  const match = typeof schema === 'string' ? SCHEMA_PATTERN.exec(schema) : null;
  if (!match) {
    const seen = typeof schema === 'string' ? `its schema is "${schema}"` : 'it has no "schema" field';
    return { ok: false, kind: 'not-results', problem: `is JSON but not a Data Tier Labs results file (${seen}).` };
  }
  if (Number(match[2]) > 1) {
    return {
      ok: false,
      kind: 'future-version',
      problem: `was written by a newer kit (schema "${schema}"; this report reads version 1): update the kit with \`git pull\` and \`npm ci\`, then build the report again.`,
    };
  }
  if (Number(match[2]) < 1) return { ok: false, kind: 'not-results', problem: `has an unknown schema version ("${schema}").` };

  const errors: string[] = [];
  if (match[1] === 'results') {
    const doc = checkDocument(data, '', errors);
    if (!doc) return invalid(errors);
    return {
      ok: true,
      bare: true,
      results: { schema: LEARNER_RESULTS_SCHEMA, learner: { id: fallbackLearnerId }, generatedAt: doc.startedAt, kit: { version: 'unknown' }, labs: [doc] },
    };
  }

  const learner = data.learner;
  let id: string | undefined;
  let name: string | undefined;
  if (!isObject(learner)) errors.push('"learner" is missing');
  else {
    if (typeof learner.id !== 'string' || learner.id.trim() === '') errors.push('"learner.id" is missing or empty');
    else id = learner.id.trim();
    if (learner.name !== undefined && typeof learner.name !== 'string') errors.push('"learner.name" is not text');
    else if (typeof learner.name === 'string' && learner.name.trim() !== '') name = learner.name.trim();
  }
  if (typeof data.generatedAt !== 'string' || Number.isNaN(Date.parse(data.generatedAt))) errors.push('"generatedAt" is not a date');
  const kit = data.kit;
  if (!isObject(kit) || typeof kit.version !== 'string') errors.push('"kit.version" is missing');
  const labs: ResultsDocument[] = [];
  if (!Array.isArray(data.labs)) errors.push('"labs" is not a list');
  else
    data.labs.forEach((entry, i) => {
      const doc = checkDocument(entry, `labs[${i}].`, errors);
      if (doc) labs.push(doc);
    });
  if (errors.length > 0) return invalid(errors);
  return {
    ok: true,
    bare: false,
    results: {
      schema: LEARNER_RESULTS_SCHEMA,
      learner: name ? { id: id as string, name } : { id: id as string },
      generatedAt: data.generatedAt as string,
      kit: stampOf(kit as Record<string, unknown>),
      labs,
    },
  };
}

function stampOf(kit: Record<string, unknown>): KitStamp {
  const modified = Array.isArray(kit.modified) && kit.modified.every((f) => typeof f === 'string') ? (kit.modified as string[]) : undefined;
  return { version: kit.version as string, ...(typeof kit.hash === 'string' ? { hash: kit.hash } : {}), ...(modified ? { modified } : {}) };
}

function invalid(errors: string[]): ParseOutcome {
  const shown = errors.slice(0, 3).join('; ');
  const more = errors.length > 3 ? ` (and ${errors.length - 3} more)` : '';
  return { ok: false, kind: 'invalid', problem: `is not a valid results file: ${shown}${more}.` };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Validates one results document; pushes what is wrong (with its path) and returns the document when nothing is. */
function checkDocument(value: unknown, at: string, errors: string[]): ResultsDocument | undefined {
  const before = errors.length;
  if (!isObject(value)) {
    errors.push(`"${at || 'the document'}" is not an object`);
    return undefined;
  }
  if (value.schema !== RESULTS_SCHEMA) {
    const schema = String(value.schema);
    const future = SCHEMA_PATTERN.exec(schema);
    errors.push(future && Number(future[2]) > 1 ? `${at}schema is "${schema}", newer than this report reads` : `${at}schema is not "${RESULTS_SCHEMA}"`);
  }
  if (!Number.isInteger(value.lab)) errors.push(`${at}lab is not a lab number`);
  if (typeof value.slug !== 'string') errors.push(`${at}slug is missing`);
  if (value.target !== 'local' && value.target !== 'aws') errors.push(`${at}target is not "local" or "aws"`);
  if (!STATUSES.includes(value.status as CheckStatus)) errors.push(`${at}status is not one of ${STATUSES.join(', ')}`);
  if (typeof value.startedAt !== 'string' || Number.isNaN(Date.parse(value.startedAt))) errors.push(`${at}startedAt is not a date`);
  if (value.measurements !== undefined && !isObject(value.measurements)) errors.push(`${at}measurements is not an object`);
  const checks: CheckResult[] = [];
  if (!Array.isArray(value.checks)) errors.push(`${at}checks is not a list`);
  else
    value.checks.forEach((c, i) => {
      const where = `${at}checks[${i}]`;
      if (!isObject(c)) return void errors.push(`${where} is not an object`);
      if (typeof c.id !== 'string' || c.id === '') errors.push(`${where}.id is missing`);
      if (typeof c.name !== 'string') errors.push(`${where}.name is missing`);
      if (!STATUSES.includes(c.status as CheckStatus)) errors.push(`${where}.status "${String(c.status)}" is not one of ${STATUSES.join(', ')}`);
      if (typeof c.message !== 'string') errors.push(`${where}.message is missing`);
      if (c.group !== undefined && typeof c.group !== 'string') errors.push(`${where}.group is not text`);
      checks.push({
        id: String(c.id),
        name: String(c.name),
        status: c.status as CheckStatus,
        message: String(c.message),
        ...(typeof c.hint === 'string' ? { hint: c.hint } : {}),
        ...(typeof c.group === 'string' ? { group: c.group } : {}),
        durationMs: typeof c.durationMs === 'number' ? c.durationMs : 0,
      });
    });
  if (errors.length > before) return undefined;
  const summary: Record<CheckStatus, number> = { pass: 0, fail: 0, error: 0, skipped: 0 };
  for (const c of checks) summary[c.status] += 1;
  return {
    schema: RESULTS_SCHEMA,
    lab: value.lab as number,
    slug: value.slug as string,
    target: value.target as 'local' | 'aws',
    status: value.status as OverallStatus,
    summary,
    startedAt: value.startedAt as string,
    durationMs: typeof value.durationMs === 'number' ? value.durationMs : 0,
    checks,
    ...(isObject(value.measurements) ? { measurements: value.measurements } : {}),
  };
}
