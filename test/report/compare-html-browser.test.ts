// The comparison page in headless Chromium: the verdict first, the table of changes,
// both spectra overlaid and both runs over time drawn; no console errors, no requests.
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareBench } from '../../src/judge/compare/compare-bench.js';
import { compareConform } from '../../src/judge/compare/compare-conform.js';
import { renderCompareHtml } from '../../src/report/compare/html-compare.js';
import { syntheticRun, uniformModel } from '../judge/synthetic-run.js';
import { HOSTILE, sampleConform } from '../support/sample-results.js';
import { drawnCharts, hasChromium, launchChromium, openHtml, REPORTS } from './chromium.js';

const files = { baseline: `base-${HOSTILE}.json`, current: 'current.json' };
const CHARTS = [
  'compare-spectrum-ack_latency',
  'compare-spectrum-staleness',
  'compare-ack-latency',
  'compare-staleness',
  'compare-rate',
];

describe.skipIf(!hasChromium)('comparison page in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  for (const dark of [false, true]) {
    const scheme = dark ? 'dark' : 'light';
    it(`bench comparison (${scheme}): verdict first, every chart drew, no errors, no requests`, async () => {
      const base = uniformModel(3);
      const baseline = syntheticRun(base);
      const current = syntheticRun({ ...base, seed: 4, ackMs: (u) => base.ackMs(u) + 5 });
      const c = compareBench({
        baseline,
        current,
        files,
        bootstrap: { replicates: 200, confidence: 0.95, seed: 1 },
      });
      const html = renderCompareHtml(c, baseline, current);
      const { page, url, requests, problems } = await openHtml(
        browser,
        `browser-compare-${scheme}`,
        html,
        dark,
      );
      expect(await page.textContent('main > section:first-child .verdict-word')).toContain('REGRESSED');
      expect(
        await page.$$eval('tr[data-verdict="REGRESSED"] code', (x) => x.map((e) => e.textContent)),
      ).toContain('ack_latency.p50');
      const charts = await drawnCharts(page, 'path.series');
      expect(charts.map((x) => x.id)).toEqual(CHARTS);
      // Both runs on every chart: at least one line each.
      for (const x of charts) expect(x.drawn, `chart ${x.id}`).toBeGreaterThanOrEqual(2);
      expect(problems).toEqual([]);
      expect(requests).toEqual([url]);
      await page.screenshot({ path: join(REPORTS, `browser-compare-${scheme}.png`), fullPage: true });
      await page.close();
    });
  }

  it('conform comparison: newly failing first, hostile text escaped, no errors, no requests', async () => {
    const baseline = sampleConform();
    const current = {
      ...baseline,
      cases: baseline.cases.map((x) =>
        x.id === 'SEQ-1'
          ? { ...x, outcome: 'FAIL' as const, actual: HOSTILE }
          : x.id === 'SEQ-2'
            ? { ...x, outcome: 'PASS' as const }
            : x,
      ),
    };
    const c = compareConform(baseline, current, files);
    const { page, url, requests, problems } = await openHtml(
      browser,
      'browser-compare-conform',
      renderCompareHtml(c, baseline, current),
      false,
    );
    expect(await page.$$eval('tr[data-verdict] code', (x) => x.map((e) => e.textContent))).toEqual([
      'SEQ-1',
      'SEQ-2',
    ]);
    expect(await page.$$('script')).toHaveLength(0);
    expect(problems).toEqual([]);
    expect(requests).toEqual([url]);
    await page.close();
  });
});
