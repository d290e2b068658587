import { findLab } from '../../../labs/index.js';
import { describe, expect, it } from 'vitest';
import { barChart, niceScale } from '../../report/charts.js';
import { readClassFiles } from '../../report/collect.js';
import { escapeHtml, html, raw } from '../../report/escape.js';
import { cacheSpeedupMetric, classFigures, failoverGapMetric, median } from '../../report/metrics.js';
import { renderReport } from '../../report/render.js';
import { check, classFiles, labDoc, learner } from './helpers.js';

const INJECTED_NAME = 'Eve <script>document.title="pwned"</script>';
const INJECTED_MESSAGE = `returned "<img src=x onerror=alert(1)>" and '</td></tr><script>alert(2)</script>`;

describe('escaping', () => {
  it('escapes the five characters that matter in text and attributes', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });

  it('escapes every value interpolated into the html template, except markup the kit built', () => {
    const name = '<b>bold</b>';
    expect(html`<p title="${name}">${name}${raw('<i>kit</i>')}${[name, html`<br>`]}</p>`.markup).toBe(
      '<p title="&lt;b&gt;bold&lt;/b&gt;">&lt;b&gt;bold&lt;/b&gt;<i>kit</i>&lt;b&gt;bold&lt;/b&gt;<br></p>',
    );
  });

  it('leaves no markup from a results file in the page: names and messages in cells, titles, failures and charts', () => {
    const doc = labDoc([check('05.01.string-read', 'fail', INJECTED_MESSAGE), check('05.01.string-stored', 'pass')]);
    doc.measurements = { cacheSpeedup: { comparisons: [{ label: '<svg onload=alert(3)>', database: { p50: 10 }, cache: { p50: 1 }, speedup: 10 }] } };
    const page = renderReport(
      { learners: [learner('eve', [doc], INJECTED_NAME)], leftOut: [{ file: '<img src=y>.json', reason: 'is not JSON.' }] },
      { labs: findLab },
    );
    expect(page).not.toMatch(/<script/i);
    expect(page).not.toMatch(/<img/i);
    expect(page).not.toMatch(/<svg onload/i);
    expect(page).toContain('Eve &lt;script&gt;document.title=&quot;pwned&quot;&lt;/script&gt;');
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(page).toContain('&lt;/td&gt;&lt;/tr&gt;&lt;script&gt;alert(2)&lt;/script&gt;');
  });
});

describe('the page', () => {
  const data = readClassFiles(classFiles());
  const page = renderReport(data, { builtAt: new Date('2026-11-20T16:00:00Z'), labs: findLab });

  it('is self-contained: no script, no stylesheet link, no font or image fetched from anywhere', () => {
    expect(page.startsWith('<!doctype html>')).toBe(true);
    expect(page).not.toMatch(/<script|<link|<img|<iframe|@import|url\(/i);
    const addresses = [...page.matchAll(/(?:src|href)="([^"]*)"/g)].map((m) => m[1]);
    expect(addresses.every((a) => a.startsWith('#'))).toBe(true);
    expect([...page.matchAll(/https?:\/\/[^"\s]+/g)].map((m) => m[0])).toEqual(expect.arrayContaining(['http://www.w3.org/2000/svg']));
    expect([...new Set([...page.matchAll(/https?:\/\/[^"\s]+/g)].map((m) => m[0]))]).toEqual(['http://www.w3.org/2000/svg']);
  });

  it('has the sections, the legend with every glyph, and every learner in the matrix', () => {
    for (const id of ['completion', 'matrix', 'failures', 'figures', 'left-out']) expect(page).toContain(`<section id="${id}"`);
    for (const glyph of ['✔', '✘', '!', '○', '–']) expect(page).toContain(`<b>${glyph}</b>`);
    for (const l of data.learners) expect(page).toContain(`data-learner="${l.id}"`);
    expect(page).toContain('built 2026-11-20 16:00 UTC from 13 files');
  });

  it('says so when nobody failed and nothing was measured', () => {
    const calm = renderReport({ learners: [learner('a', [labDoc([check('05.01.a', 'pass')])])], leftOut: [] }, { labs: findLab });
    expect(calm).toContain('No learner has a failing check or an error.');
    expect(calm).toContain('No measured figures in these files yet');
    expect(calm).not.toContain('id="left-out"');
    const empty = renderReport({ learners: [learner('a', [])], leftOut: [] }, { labs: findLab });
    expect(empty).toContain('These files hold no checks yet');
  });
});

describe('measured figures', () => {
  it('extracts the cache speed-up at p50 per comparison, and ignores anything malformed', () => {
    const measurement = {
      comparisons: [
        { label: 'aggregate', database: { p50: 60 }, cache: { p50: 0.5 }, speedup: 999 },
        { label: 'pk', speedup: 3 },
        { label: 'broken', database: { p50: 'slow' }, cache: {} },
        'nonsense',
      ],
    };
    expect(cacheSpeedupMetric.extract(measurement)).toEqual([
      { series: 'aggregate', value: 120 },
      { series: 'pk', value: 3 },
    ]);
    for (const junk of [undefined, null, 42, 'x', [], { comparisons: 'x' }]) expect(cacheSpeedupMetric.extract(junk)).toEqual([]);
    expect(failoverGapMetric.extract({ secondsWithoutService: 8.4 })).toEqual([{ series: '', value: 8.4 }]);
    expect(failoverGapMetric.extract({ secondsWithoutService: 'long' })).toEqual([]);
  });

  it('gives one series per comparison label with a point per measured learner, and names those without one', () => {
    const figures = classFigures(readClassFiles(classFiles()).learners);
    expect(figures.map((f) => [f.metric.key, f.series, f.points.length])).toEqual([
      ['cacheSpeedup', 'revenue by country (aggregate over 100k orders)', 3],
      ['cacheSpeedup', 'one user by primary key', 3],
      ['failoverDrill', '', 1],
    ]);
    expect(figures[0].points.map((p) => p.learner)).toEqual(['Ada Lovelace', 'Grace Hopper', 'Hedy Lamarr']);
    expect(figures[0].missing).toContain('Linus Torvalds');
    expect(figures[1].points[0].value).toBeCloseTo(0.3538 / 0.0993, 5);
  });

  it('computes medians and round axis scales', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(niceScale(307)).toEqual({ max: 400, step: 100 });
    expect(niceScale(3.56)).toEqual({ max: 4, step: 1 });
    expect(niceScale(8.4)).toEqual({ max: 10, step: 2 });
    expect(niceScale(0)).toEqual({ max: 1, step: 0.2 });
  });

  it('draws one bar per value, an axis label, ticks and the median', () => {
    const svg = barChart({
      title: 'Speed-up',
      axisLabel: 'times faster',
      bars: [
        { label: 'Ada', value: 300, valueText: '300×' },
        { label: 'Grace', value: 100, valueText: '100×' },
      ],
      median: { value: 200, text: '200×' },
    }).markup;
    expect(svg.match(/<rect /g)).toHaveLength(2);
    expect(svg).toContain('>times faster</text>');
    expect(svg).toContain('median 200×');
    expect(svg.match(/class="tick"/g)?.length).toBeGreaterThanOrEqual(3);
  });
});

describe('what the class report says (issue 10)', () => {
  const todo = (id: string) =>
    check(id, 'fail', `fn is not written yet: it still throws the starting TODO (at labs/05-elasticache-redis/exercises/01.ts:${id.length})`);

  it('names each lab once in a figure’s caption (no "Lab 6. Lab 6:")', () => {
    const lab6 = labDoc([check('06.01.top', 'pass', 'ok', '01-top-sql')], {
      lab: 6,
      slug: 'performance-insights',
      measurements: { topSqlFix: { rowsExaminedFactor: 120 } },
    });
    const lab4 = labDoc([check('04.01.step', 'pass', 'ok', '01-load-step')], {
      lab: 4,
      slug: 'aurora-serverless',
      measurements: { loadRamp: { steps: [{ opsPerSecond: 900 }] } },
    });
    const page = renderReport({ learners: [learner('a', [lab4, lab6])], leftOut: [] }, { labs: findLab });
    expect(page).toContain('<figure class="chart" data-metric="topSqlFix"');
    expect(page).toContain('<figure class="chart" data-metric="loadRamp"');
    expect(page).not.toMatch(/Lab (\d+)\. Lab \1\b/);
  });

  it('ranks real failures first and shows the starting TODOs apart', () => {
    const learners = ['a', 'b', 'c', 'd'].map((id, i) =>
      learner(id, [
        labDoc([todo('05.01.string-stored'), todo('05.01.string-read'), check('05.02.ttl-bounded', i < 2 ? 'fail' : 'pass', `user:${i} has no TTL`)]),
      ]),
    );
    const page = renderReport({ learners, leftOut: [] }, { labs: findLab });
    const top = /<table class="failures top">([\s\S]*?)<\/table>/.exec(page)?.[1] ?? '';
    const todos = /<table class="failures todos">([\s\S]*?)<\/table>/.exec(page)?.[1] ?? '';
    expect([...top.matchAll(/data-check="([^"]+)"/g)].map((m) => m[1])).toEqual(['05.02.ttl-bounded']);
    expect([...todos.matchAll(/data-check="([^"]+)"/g)].map((m) => m[1]).sort()).toEqual(['05.01.string-read', '05.01.string-stored']);
    expect(top).not.toContain('not written yet');
  });

  it('says "not run" for a group no learner ran (AWS checks of a class that stayed local), not 0%', () => {
    const local = labDoc([check('05.01.a', 'pass'), check('05.aws.resources', 'skipped')]);
    const page = renderReport({ learners: [learner('a', [local]), learner('b', [local])], leftOut: [] }, { labs: findLab });
    const aws = /<tr class="not-run"><th scope="row">AWS resources<\/th>(.*?)<\/tr>/.exec(page)?.[1];
    expect(aws).toContain('not run');
    expect(page).not.toMatch(/AWS resources<\/th>\s*<td><div class="meter/);
    expect(page).toContain('<td class="rate not-run first" title="05.aws.resources: not run by any learner">–</td>');
  });

  it('links every failed or errored cell to the place its message is written', () => {
    const data = readClassFiles(classFiles());
    const page = renderReport(data, { labs: findLab });
    const links = [...page.matchAll(/<td class="c s-(fail|error)[^"]*"><a href="#(f\d+)">/g)].map((m) => m[2]);
    const failed = data.learners.flatMap((l) => l.labs.flatMap((d) => d.checks)).filter((c) => c.status === 'fail' || c.status === 'error');
    expect(failed.length).toBeGreaterThan(30);
    expect(links.length).toBe(failed.length);
    for (const id of new Set(links)) expect(page).toContain(`id="${id}"`);
  });
});
