/**
 * A class of 1,000 learners: the page must stay small and open quickly in
 * Chromium (it was 15 MB with a tooltip on every cell and took about 9 s to
 * open). The open time is printed; its bound is deliberately generous so a
 * busy machine does not fail the test - the figure is what matters.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { LEARNERS_PER_BLOCK, renderReport } from '../../report/render.js';
import { syntheticClass } from './synthetic-class.js';

const CHROMIUM = process.env.DTL_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'];
const CLASS_SIZE = 1_000;

/** Runs in Chromium (the kit compiles without the DOM library). */
declare function requestAnimationFrame(callback: () => void): number;

describe(`the class report for ${CLASS_SIZE} learners`, () => {
  const page = renderReport(syntheticClass(CLASS_SIZE));
  const bytes = Buffer.byteLength(page);

  it('is under 5 MB', () => {
    console.log(`class report for ${CLASS_SIZE} learners: ${(bytes / 1e6).toFixed(2)} MB`);
    expect(bytes).toBeLessThan(5_000_000);
  });

  it('opens in Chromium with every learner in the matrix, the first block of learners unfolded', async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium is missing at ${CHROMIUM}: install it with \`apt-get install chromium\`.`);
    const file = join(mkdtempSync(join(tmpdir(), 'dtl-report-large-')), 'class-report.html');
    writeFileSync(file, page);
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    try {
      const tab = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
      const started = Date.now();
      await tab.goto(pathToFileURL(file).href, { waitUntil: 'load' });
      await tab.evaluate(() => new Promise<void>((done) => requestAnimationFrame(() => requestAnimationFrame(() => done()))));
      const openMs = Date.now() - started;
      console.log(`opened in Chromium in ${(openMs / 1000).toFixed(1)} s`);
      expect(openMs).toBeLessThan(20_000);
      const learners = await tab.$$eval('table.matrix tbody tr[data-learner]', (rows) => new Set(rows.map((r) => r.getAttribute('data-learner'))).size);
      expect(learners).toBe(CLASS_SIZE);
      const blocks = await tab.$$eval('details.learners', (ds) => ds.map((d) => d.hasAttribute('open')));
      expect(blocks).toHaveLength(CLASS_SIZE / LEARNERS_PER_BLOCK);
      expect(blocks.filter(Boolean)).toHaveLength(1);
      expect(blocks[0]).toBe(true);
    } finally {
      await browser.close();
    }
  });
});
