import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LEARNER_RESULTS_SCHEMA, decode, makeLearnerResults, parseResultsFile, parseResultsText, type ParseOutcome } from '../../report/learner-results.js';
import { check, fixture, labDoc } from './helpers.js';

function problem(outcome: ParseOutcome): { kind: string; problem: string } {
  if (outcome.ok) throw new Error('expected the file to be rejected');
  return outcome;
}

const good = () =>
  makeLearnerResults({ id: 'ada', name: 'Ada Lovelace' }, [labDoc([check('05.01.string-stored', 'pass')])], '0.1.0', new Date('2026-11-20T10:00:00Z'));

describe('parseResultsFile: files the report can use', () => {
  it('reads a learner results file with its learner, date, kit version and labs', () => {
    const outcome = parseResultsFile(fixture('ada.json'));
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.bare).toBe(false);
    expect(outcome.results.schema).toBe(LEARNER_RESULTS_SCHEMA);
    expect(outcome.results.learner).toEqual({ id: 'ada', name: 'Ada Lovelace' });
    expect(outcome.results.kit.version).toBe('0.1.0');
    expect(outcome.results.labs).toHaveLength(1);
    expect(outcome.results.labs[0].checks.length).toBeGreaterThan(20);
    expect(outcome.results.labs[0].measurements?.cacheSpeedup).toBeDefined();
  });

  it('reads a bare results document and names the learner after the file', () => {
    const outcome = parseResultsFile(fixture('alan.json'));
    expect(outcome.ok && outcome.bare).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.results.learner).toEqual({ id: 'alan' });
    expect(outcome.results.generatedAt).toBe(outcome.results.labs[0].startedAt);
  });

  it('round-trips what makeLearnerResults builds (the shape the check command writes)', () => {
    const written = good();
    const outcome = parseResultsText(JSON.stringify(written, null, 2), 'whatever');
    expect(outcome).toEqual({ ok: true, bare: false, results: written });
  });

  it('round-trips the kit stamp (version, hash, files changed from the commit)', () => {
    const written = makeLearnerResults(
      { id: 'ada' },
      [labDoc([check('05.01.string-stored', 'pass')])],
      { version: '0.1.0', hash: 'sha256:0123456789abcdef', modified: ['checker/runner/harness.ts'] },
      new Date('2026-11-20T10:00:00Z'),
    );
    expect(parseResultsText(JSON.stringify(written), 'x')).toEqual({ ok: true, bare: false, results: written });
  });

  it('drops the banner `npm run` prints on stdout before the JSON', () => {
    const text = `\n> data-tier-labs@0.1.0 check\n> tsx checker/cli/check.ts --all --json --learner ada\n\n${JSON.stringify(good())}\n`;
    expect(parseResultsText(text, 'ada').ok).toBe(true);
  });

  it('reads UTF-16 files with a byte-order mark (Windows PowerShell 5 redirection) and UTF-8 with a BOM', () => {
    const json = JSON.stringify(good());
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(json, 'utf16le')]);
    expect(parseResultsText(decode(utf16), 'ada').ok).toBe(true);
    const utf8bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(json, 'utf8')]);
    expect(parseResultsText(decode(utf8bom), 'ada').ok).toBe(true);
  });

  it('recounts the summary from the checks instead of trusting it', () => {
    const doc = labDoc([check('05.01.a', 'pass'), check('05.01.b', 'fail')]);
    doc.summary = { pass: 9, fail: 0, error: 0, skipped: 0 };
    const outcome = parseResultsText(JSON.stringify(doc), 'x');
    expect(outcome.ok && outcome.results.labs[0].summary).toEqual({ pass: 1, fail: 1, error: 0, skipped: 0 });
  });
});

describe('parseResultsFile: files the report leaves out, with the reason', () => {
  it('a truncated file', () => {
    const p = problem(parseResultsFile(fixture('truncated.json')));
    expect(p.kind).toBe('truncated');
    expect(p.problem).toMatch(/cut short/);
  });

  it('JSON that is not a results file (wrong schema)', () => {
    const p = problem(parseResultsFile(fixture('wrong-schema.json')));
    expect(p.kind).toBe('not-results');
    expect(p.problem).toMatch(/not a Data Tier Labs results file/);
    expect(problem(parseResultsText('{"schema":"vitest/report@1"}', 'x')).problem).toMatch(/"vitest\/report@1"/);
    expect(problem(parseResultsText('[1, 2, 3]', 'x')).kind).toBe('not-results');
    expect(problem(parseResultsText('"just text"', 'x')).kind).toBe('not-results');
  });

  it('a file from a newer kit (schema @2), with the way to update', () => {
    const p = problem(parseResultsFile(fixture('future-version.json')));
    expect(p.kind).toBe('future-version');
    expect(p.problem).toMatch(/newer kit/);
    expect(p.problem).toMatch(/git pull/);
    const bareFuture = { ...labDoc([]), schema: 'data-tier-labs/results@2' };
    expect(problem(parseResultsText(JSON.stringify(bareFuture), 'x')).kind).toBe('future-version');
  });

  it('a malformed file, naming the fields that are wrong', () => {
    const p = problem(parseResultsFile(fixture('malformed.json')));
    expect(p.kind).toBe('invalid');
    expect(p.problem).toContain('labs[0].checks[2].status "passed"');
    expect(p.problem).toContain('labs[0].checks[4].message is missing');
  });

  it('a learner file without a learner id, or with an unusable date', () => {
    const noId = { ...good(), learner: { name: 'Nobody' } };
    expect(problem(parseResultsText(JSON.stringify(noId), 'x')).problem).toMatch(/learner\.id/);
    const badDate = { ...good(), generatedAt: 'yesterday' };
    expect(problem(parseResultsText(JSON.stringify(badDate), 'x')).problem).toMatch(/generatedAt/);
  });

  it('an empty file, terminal output instead of JSON, and a file that does not exist', () => {
    expect(problem(parseResultsText('  \n', 'x')).kind).toBe('empty');
    const terminal = problem(parseResultsText('✔ PASS 05.01.string-stored  greeting:ada holds the text\n', 'x'));
    expect(terminal.kind).toBe('not-json');
    expect(terminal.problem).toMatch(/--json/);
    const dir = mkdtempSync(join(tmpdir(), 'dtl-report-'));
    expect(problem(parseResultsFile(join(dir, 'missing.json'))).kind).toBe('unreadable');
    expect(problem(parseResultsFile(dir)).problem).toMatch(/folder/);
  });

  it('a file cut anywhere is rejected, never thrown', () => {
    const text = readFileSync(fixture('grace.json'), 'utf8');
    const dir = mkdtempSync(join(tmpdir(), 'dtl-report-'));
    for (let cut = 1; cut < text.length; cut += 97) {
      const file = join(dir, 'cut.json');
      writeFileSync(file, text.slice(0, cut));
      const outcome = parseResultsFile(file);
      expect(outcome.ok, `cut at ${cut}`).toBe(false);
    }
  });
});
