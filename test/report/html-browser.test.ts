// Opens each kind of report in headless Chromium (Debian's /usr/bin/chromium through
// playwright-core): every chart drew, no console errors, no network requests.
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergeResults } from '../../src/judge/merge/merge-results.js';
import { renderHtml } from '../../src/report/html.js';
import { readResults } from '../../src/report/run-report.js';
import type { Results } from '../../src/results/results.js';
import { BENCH_CHARTS } from './chart-ids.js';
import { drawnCharts, hasChromium, launchChromium, openHtml, REPORTS } from './chromium.js';
import { benchFixture, conformFixture, SHARDS } from './fixtures.js';

function openReport(browser: Browser, name: string, results: Results, dark: boolean) {
  return openHtml(browser, name, renderHtml(results), dark);
}

describe.skipIf(!hasChromium)('HTML reports in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  for (const dark of [false, true]) {
    const scheme = dark ? 'dark' : 'light';

    it(`bench report (${scheme}): every chart drew, no errors, no requests`, async () => {
      const { page, url, requests, problems } = await openReport(
        browser,
        `browser-bench-${scheme}`,
        dark ? mergeResults(SHARDS.map(readResults), SHARDS) : benchFixture(),
        dark,
      );
      const charts = await drawnCharts(page);
      expect(charts.map((c) => c.id)).toEqual(BENCH_CHARTS);
      for (const c of charts) expect(c.drawn, `chart ${c.id}`).toBeGreaterThan(0);
      expect(problems).toEqual([]);
      expect(requests).toEqual([url]);
      await page.screenshot({ path: join(REPORTS, `browser-bench-${scheme}.png`), fullPage: true });
      await page.close();
    });

    it(`conform report (${scheme}): filter by outcome, transcripts fold, no errors, no requests`, async () => {
      const r = conformFixture();
      const { page, url, requests, problems } = await openReport(
        browser,
        `browser-conform-${scheme}`,
        r,
        dark,
      );
      const visibleRows = () =>
        page.$$eval('tr[data-outcome]', (rows) => rows.filter((x) => !x.hidden).length);
      expect(await visibleRows()).toBe(r.cases.length);
      await page.click('button[data-filter="FAIL"]');
      expect(await visibleRows()).toBe(r.counts.FAIL);
      await page.click('button[data-filter="ALL"]');
      expect(await visibleRows()).toBe(r.cases.length);
      expect(await page.isVisible('details.case pre')).toBe(false);
      const link = 'tr[data-outcome="FAIL"] a';
      const target = (await page.getAttribute(link, 'href')) as string;
      await page.click(link);
      expect(await page.$eval(target, (d) => d.hasAttribute('open'))).toBe(true);
      await page.click(`${target} details.transcript > summary`);
      expect(await page.isVisible(`${target} pre`)).toBe(true);
      expect(problems).toEqual([]);
      expect(requests).toEqual([url]);
      await page.screenshot({ path: join(REPORTS, `browser-conform-${scheme}.png`), fullPage: true });
      await page.close();
    });
  }
});
