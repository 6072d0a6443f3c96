// Debian's Chromium through playwright-core, for the browser tests of the HTML pages:
// a page opened from a file, with its console problems and network requests recorded.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
if (!hasChromium)
  console.warn(`browser test skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);

export const REPORTS = resolve('reports');

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

/** Writes `html` to reports/NAME.html and opens it. */
export async function openHtml(browser: Browser, name: string, html: string, dark: boolean) {
  mkdirSync(REPORTS, { recursive: true });
  const file = join(REPORTS, `${name}.html`);
  writeFileSync(file, html);
  return openUrl(browser, pathToFileURL(file).href, dark);
}

/** Opens a page, recording every request and every console complaint. */
export async function openUrl(browser: Browser, url: string, dark: boolean) {
  const page = await browser.newPage({
    viewport: { width: 1100, height: 900 },
    colorScheme: dark ? 'dark' : 'light',
  });
  const requests: string[] = [];
  const problems: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(url, { waitUntil: 'load' });
  return { page, url, requests, problems };
}

/** Each chart's id and how many of its lines drew something visible. */
export function drawnCharts(page: Page, lines = 'path'): Promise<{ id: string | null; drawn: number }[]> {
  return page.$$eval(
    'svg.chart',
    (svgs, selector) =>
      svgs.map((s) => ({
        id: s.getAttribute('data-chart'),
        drawn: [...s.querySelectorAll(selector)].filter(
          (p) =>
            (p.getAttribute('d') ?? '').length > 10 &&
            (p as unknown as { getBBox(): { width: number } }).getBBox().width > 0,
        ).length,
      })),
    lines,
  );
}
