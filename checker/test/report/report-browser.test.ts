/**
 * End to end: build the fixture class's report with the CLI, open it from
 * disk in headless Chromium, and check what an instructor would see. Saves a
 * screenshot to __screenshots__/class-report.png (git-ignored).
 *
 * Chromium is required, not optional: without it this test fails and says how
 * to install it (CI installs it).
 */
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classFiles, runReport } from './helpers.js';

/** Debian's Chromium, as CI installs it; DTL_CHROMIUM points elsewhere (another machine's browser). */
const CHROMIUM = process.env.DTL_CHROMIUM ?? '/usr/bin/chromium';
const SCREENSHOTS = fileURLToPath(new URL('./__screenshots__/', import.meta.url));
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let browser: Browser | undefined;
let page: Page;
let pageUrl: string;
const requests: string[] = [];

/** The few DOM members the page callbacks use (the kit compiles without the DOM library; they run in Chromium). */
interface DomElement {
  getAttribute(name: string): string | null;
  innerText: string;
  scrollWidth: number;
  clientWidth: number;
}
declare const document: { documentElement: DomElement };
declare function getComputedStyle(element: unknown): { backgroundColor: string };
const consoleErrors: string[] = [];

const MISSING = `Chromium is missing at ${CHROMIUM}: the class report's browser test needs it. Install it with \`apt-get install chromium\` (CI installs it).`;

/** Every test fails (none is skipped) when the browser is not there. */
function needsChromium(): void {
  if (!existsSync(CHROMIUM)) throw new Error(MISSING);
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) return;
  const dir = mkdtempSync(join(tmpdir(), 'dtl-report-browser-'));
  const out = join(dir, 'class-report.html');
  const run = await runReport([...classFiles(), '--out', out]);
  if (run.code !== 0) throw new Error(`npm run report exited ${run.code}: ${run.stderr}`);
  pageUrl = pathToFileURL(out).href;

  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
  page = await context.newPage();
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  await page.goto(pageUrl, { waitUntil: 'load' });
});

afterAll(async () => {
  await browser?.close();
});

/** Statuses of a learner's cells (by their s-<status> class), counted over every matrix table. */
async function statusCounts(learnerId: string): Promise<Record<string, number>> {
  return page.$$eval(`tr[data-learner="${learnerId}"] td.c`, (cells) => {
    const counts: Record<string, number> = {};
    for (const c of cells) {
      const s = /\bs-(\w+)/.exec((c as DomElement).getAttribute('class') ?? '')?.[1] ?? '?';
      counts[s] = (counts[s] ?? 0) + 1;
    }
    return counts;
  });
}

/** A learner's cell for one check: the column is found by its heading. */
async function cellOf(learnerId: string, checkId: string) {
  const table = page.locator('table.matrix', { has: page.locator(`th[data-check="${checkId}"]`) });
  const index = await table
    .locator('thead th.check')
    .evaluateAll((ths, id) => ths.findIndex((th) => (th as DomElement).getAttribute('data-check') === id), checkId);
  expect(index, `no column for ${checkId}`).toBeGreaterThanOrEqual(0);
  return table.locator(`tr[data-learner="${learnerId}"] td.c`).nth(index);
}

/** The failure group a failed cell links to: where its message is written. */
async function messageOf(learnerId: string, checkId: string): Promise<string> {
  const href = await (await cellOf(learnerId, checkId)).locator('a').getAttribute('href');
  expect(href).toMatch(/^#f\d+$/);
  return page.locator(href as string).innerText();
}

describe('the class report in Chromium, opened from disk', () => {
  it('loads with no console error and no request but the file itself', () => {
    needsChromium();
    expect(consoleErrors).toEqual([]);
    expect(requests).toEqual([pageUrl]);
  });

  it('shows a learner x check matrix: one row per learner and a cell for every check', async () => {
    needsChromium();
    const tables = page.locator('table.matrix');
    expect(await tables.count()).toBe(2); // the exercises, then the AWS checks: each fits the screen
    const learners = await tables
      .first()
      .locator('tbody tr')
      .evaluateAll((rows) => rows.map((r) => (r as DomElement).getAttribute('data-learner')));
    expect(learners).toEqual(['ada', 'alan', 'bobby', 'grace', 'hedy', 'katherine', 'linus', 'margaret']);
    expect(await statusCounts('ada')).toEqual({ pass: 29, skipped: 1, none: 18 });
    expect(await statusCounts('linus')).toEqual({ pass: 22, fail: 7, skipped: 1, none: 18 });
    expect(await statusCounts('katherine')).toEqual({ pass: 22, fail: 7, skipped: 1, none: 18 });
    expect(await statusCounts('alan')).toEqual({ pass: 22, fail: 7, skipped: 1, none: 18 });
    expect(await statusCounts('margaret')).toEqual({ pass: 19, error: 10, skipped: 1, none: 18 });
    expect(await statusCounts('grace')).toEqual({ pass: 43, skipped: 4, none: 1 });
  });

  it('shows status by glyph and colour; a failed cell links to the checker’s message', async () => {
    needsChromium();
    const fail = await cellOf('linus', '05.02.ttl-bounded');
    expect(await fail.innerText()).toMatch(/^✘/);
    expect(await messageOf('linus', '05.02.ttl-bounded')).toContain("user:1 has no TTL, so it would live forever: pass 'EX', ctx.ttlSeconds to SET");
    expect(await (await cellOf('ada', '05.02.ttl-bounded')).innerText()).toMatch(/^✔/);
    expect(await (await cellOf('margaret', '05.04.no-stale-read')).innerText()).toMatch(/^!/);
    expect(await (await cellOf('ada', '05.aws.resources')).innerText()).toMatch(/^○/);
    const colours = await Promise.all(
      [
        ['ada', '05.02.ttl-bounded'],
        ['linus', '05.02.ttl-bounded'],
        ['margaret', '05.04.no-stale-read'],
        ['ada', '05.aws.resources'],
      ].map(async ([l, c]) => (await cellOf(l, c)).evaluate((el) => getComputedStyle(el).backgroundColor)),
    );
    expect(new Set(colours).size).toBe(4);
  });

  it('has a legend with every glyph', async () => {
    needsChromium();
    const items = await page.$$eval('ul.legend li', (lis) => lis.map((li) => (li as DomElement).innerText.trim()));
    expect(items.map((t) => t[0])).toEqual(['✔', '✘', '!', '○', '–']);
  });

  it('shows completion per lab and per exercise', async () => {
    needsChromium();
    expect(await page.locator('p.headline[data-lab="5"]').innerText()).toMatch(/38%\s*passed the lab: 3 of 8 learners/);
    const rows = await page.$$eval('table.completion tbody tr', (trs) => trs.map((tr) => (tr as DomElement).innerText.replace(/\s+/g, ' ').trim()));
    expect(rows).toEqual([
      '01 Redis basics: strings, hashes and TTLs 75% · 6 of 8',
      '02 Cache-aside (lazy loading) 50% · 4 of 8',
      '03 Write-through 88% · 7 of 8',
      '04 Invalidation on update 63% · 5 of 8',
      '05 Sliding sessions and an expiring leaderboard 75% · 6 of 8',
      'AWS resources 0% · 0 of 8',
    ]);
  });

  it('ranks the common failures, most learners first', async () => {
    needsChromium();
    const ranked = await page.$$eval('tr.failure', (trs) =>
      trs.map((tr) => [(tr as DomElement).getAttribute('data-check'), Number((tr as DomElement).getAttribute('data-count'))] as const),
    );
    expect(ranked.slice(0, 5)).toEqual([
      ['05.02.ttl-bounded', 3],
      ['05.02.unknown-id', 3],
      ['05.02.refill-after-expiry', 3],
      ['05.02.generic-helper', 3],
      ['05.04.no-stale-read', 2],
    ]);
    const counts = ranked.map(([, n]) => n);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    expect(await page.locator('tr.failure').first().innerText()).toContain(
      'Bobby <script>document.title="pwned"</script> Tables, Katherine Johnson, Linus Torvalds',
    );
  });

  it('charts the cache speed-up per learner for each comparison, with axis labels, and the failover gap', async () => {
    needsChromium();
    const charts = await page.$$eval('figure.chart', (figs) =>
      figs.map((f) => ({
        metric: (f as DomElement).getAttribute('data-metric'),
        series: (f as DomElement).getAttribute('data-series'),
        bars: f.querySelectorAll('svg g.bar rect').length,
        labels: [...f.querySelectorAll('svg text.label')].map((t) => t.textContent),
        axis: f.querySelector('svg text.axis-label')?.textContent,
      })),
    );
    expect(charts).toEqual([
      {
        metric: 'cacheSpeedup',
        series: 'revenue by country (aggregate over 100k orders)',
        bars: 3,
        labels: ['Ada Lovelace', 'Grace Hopper', 'Hedy Lamarr'],
        axis: 'times faster (database p50 ÷ cache-hit p50)',
      },
      {
        metric: 'cacheSpeedup',
        series: 'one user by primary key',
        bars: 3,
        labels: ['Ada Lovelace', 'Grace Hopper', 'Hedy Lamarr'],
        axis: 'times faster (database p50 ÷ cache-hit p50)',
      },
      { metric: 'failoverDrill', series: '', bars: 1, labels: ['Grace Hopper'], axis: 'seconds the probe got no answer' },
    ]);
    const box = await page.locator('figure.chart svg').first().boundingBox();
    expect(box?.width).toBeGreaterThan(400);
  });

  it('keeps injected markup inert: no script element, the title untouched, the name shown as text', async () => {
    needsChromium();
    expect(await page.locator('script').count()).toBe(0);
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.title()).toBe('Class report · Data Tier Labs');
    expect(await page.locator('tr[data-learner="bobby"] th .who').first().innerText()).toBe('Bobby <script>document.title="pwned"</script> Tables');
    expect(await messageOf('bobby', '05.01.string-read')).toContain(`"<img src=x onerror=\\"document.title='pwned'\\">"`);
  });

  it('lists the files left out, by name', async () => {
    needsChromium();
    const items = await page.$$eval('ul.left-out li code', (codes) => codes.map((c) => c.textContent?.split('/').pop()));
    expect(items.sort()).toEqual(['future-version.json', 'linus-old.json', 'malformed.json', 'truncated.json', 'wrong-schema.json']);
  });

  it('fits the page width (no sideways scrolling) and saves a screenshot', async () => {
    needsChromium();
    const { scrollWidth, clientWidth } = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      clientWidth: document.documentElement.clientWidth,
    }));
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
    const overflowing = await page.$$eval('.scroll', (els) => els.filter((e) => e.scrollWidth > e.clientWidth + 1).length);
    expect(overflowing).toBe(0);
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, 'class-report.png'), fullPage: true });
    expect(existsSync(join(SCREENSHOTS, 'class-report.png'))).toBe(true);
  });
});
