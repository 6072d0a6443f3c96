// `bench --dashboard` during a real run against the embedded server, watched in headless
// Chromium: the charts grow, the fault marker appears after the fault, a reload mid-run
// restores the series from the start, and at the end the verdict and a link to the very
// report --html writes; no console errors and no request beyond the dashboard's origin,
// in the light and the dark scheme. Waits are on conditions, generous for a busy machine.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERDICT_EXIT } from '../../src/cli/exit-codes.js';
import type { BenchResults } from '../../src/results/results.js';
import { hasChromium, launchChromium, openUrl, REPORTS } from './chromium.js';

const WAIT_MS = 60_000;

// 12 s of light load; the gap fault at 6 s lands well after the first moments we look at.
const SCENARIO = `name: dashboard-watch
description: light load with one gap fault half way, watched live
memorySpaces: [dashboard-watch]
dim: 16
embeddings: { kind: random, seed: 3 }
sessions: 2
indexAcks: true
phases:
  - { name: warm, duration: 3s, shape: constant, rate: 40 }
  - { name: steady, duration: 9s, shape: constant, rate: 60 }
faults:
  - { at: 6s, kind: gap, share: 1, count: 1 }
thresholds:
  - silent_drops == 0
close: { drain: true }
`;

function pointsDrawn(page: Page): Promise<number> {
  // Points of the "sent" line of the rate chart: one path command per second.
  return page.$$eval('svg[data-chart="rate"] path.series', (paths) =>
    Math.max(0, ...paths.map((p) => (p.getAttribute('d')?.match(/[ML]/g) ?? []).length)),
  );
}

/** Connects to the event stream (optionally with Last-Event-ID) and reads `count` events. */
function readEvents(
  url: string,
  lastEventId: string | undefined,
  count: number,
): Promise<{ retry: number | undefined; events: EventSourceMessage[] }> {
  return new Promise((resolve, reject) => {
    const out: { retry: number | undefined; events: EventSourceMessage[] } = { retry: undefined, events: [] };
    const req = get(
      new URL('events', url),
      { headers: lastEventId ? { 'last-event-id': lastEventId } : {} },
      (res) => {
        const parser = createParser({
          onRetry: (ms) => {
            out.retry = ms;
          },
          onEvent: (e) => {
            out.events.push(e);
            if (out.events.length === count) {
              req.destroy();
              resolve(out);
            }
          },
        });
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => parser.feed(chunk));
      },
    );
    req.on('error', (err) => {
      if (out.events.length < count) reject(err);
    });
    req.setTimeout(WAIT_MS, () => req.destroy(new Error('no event in time')));
  });
}

/** Where the first point of the rate chart's first line sits: the run's first second. */
function firstPointX(data: string): string | undefined {
  const charts = (JSON.parse(data) as { charts: string }).charts;
  return /<svg[^>]*data-chart="rate"[\s\S]*?<path class="series" d="M([\d.]+)/.exec(charts)?.[1];
}

/** Polls the page until the condition holds; generous for a busy machine. */
async function until(what: string, condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe.skipIf(!hasChromium)('bench --dashboard in Chromium', () => {
  let browser: Browser;
  let bench: ChildProcess;
  let url = '';
  let dir = '';
  let stdout = '';
  let exited: Promise<number | null>;

  beforeAll(async () => {
    browser = await launchChromium();
    dir = mkdtempSync(join(tmpdir(), 'dashboard-'));
    writeFileSync(join(dir, 'watch.yaml'), SCENARIO);
    bench = spawn(
      process.execPath,
      [
        'bin/engram-stream.js',
        'bench',
        join(dir, 'watch.yaml'),
        '--quiet',
        '--dashboard',
        '0',
        '--dashboard-linger',
        '2m',
        '--json',
        join(dir, 'r.json'),
        '--html',
        join(dir, 'r.html'),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    exited = new Promise((r) => bench.on('exit', (code) => r(code)));
    bench.stdout?.setEncoding('utf8');
    url = await new Promise<string>((res, rej) => {
      bench.stdout?.on('data', (chunk: string) => {
        stdout += chunk;
        const m = /^dashboard at (http:\/\/\S+)$/m.exec(stdout);
        if (m) res(m[1] as string);
      });
      bench.on('exit', () => rej(new Error(`bench exited before serving the dashboard: ${stdout}`)));
    });
    mkdirSync(REPORTS, { recursive: true });
  }, WAIT_MS);

  afterAll(async () => {
    await browser?.close();
    if (bench && bench.exitCode === null) {
      bench.kill('SIGINT');
      await exited;
    }
  });

  it(
    'shows the run growing, the fault, survives a reload, and ends with the verdict and the report',
    async () => {
      const origin = new URL(url).origin;
      const { page, requests, problems } = await openUrl(browser, url, false);
      await until('the first second drawn', async () => (await pointsDrawn(page)) > 0);
      const early = await pointsDrawn(page);
      await until('two more seconds drawn', async () => (await pointsDrawn(page)) >= early + 2);
      expect(await page.$$('svg[data-chart="rate"] g.marker-fault')).toHaveLength(0);

      // The event stream itself, read by a standard parser: retry, numbered updates; back with
      // Last-Event-ID, a viewer gets no repeat of what it saw, and the next picture it gets
      // still starts at the run's first second.
      const first = await readEvents(url, undefined, 1);
      expect(first.retry).toBe(1000);
      const seen = first.events[0] as EventSourceMessage;
      expect(seen.event).toBe('update');
      const back = await readEvents(url, seen.id, 1);
      const next = back.events[0] as EventSourceMessage;
      expect(Number(next.id)).toBeGreaterThan(Number(seen.id));
      expect(firstPointX(next.data)).toBe(firstPointX(seen.data));
      await page.screenshot({ path: join(REPORTS, 'dashboard-live-light.png'), fullPage: true });

      // The fault marker comes once the run has passed 6 s.
      await page.waitForSelector('svg[data-chart="rate"] g.marker-fault', { timeout: WAIT_MS });
      const beforeReload = await pointsDrawn(page);
      expect(beforeReload).toBeGreaterThan(early);
      await page.reload({ waitUntil: 'load' });
      await page.waitForSelector('svg[data-chart="rate"] path.series', { timeout: WAIT_MS });
      // Restored from the run's start in the first event, not only what came after the reload.
      expect(await pointsDrawn(page)).toBeGreaterThanOrEqual(beforeReload);
      expect(await page.$$('svg[data-chart="rate"] g.marker-fault')).toHaveLength(1);

      await page.waitForSelector('#verdict .verdict', { timeout: WAIT_MS });
      const link = await page.getAttribute('#report-link', 'href');
      expect(link).toBe('report.html');
      const verdictWord = await page.textContent('#verdict .verdict-word');
      // Whatever the verdict (a busy machine can make the generator the bottleneck), the
      // page says the one the results record.
      const results = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as BenchResults;
      expect(verdictWord).toContain(results.verdict.toUpperCase());
      const report = await (await fetch(new URL('report.html', url))).text();
      expect(report).toBe(readFileSync(join(dir, 'r.html'), 'utf8'));
      await page.screenshot({ path: join(REPORTS, 'dashboard-end-light.png'), fullPage: true });

      expect(problems).toEqual([]);
      expect(requests.filter((r) => new URL(r).origin !== origin)).toEqual([]);
      await page.close();
    },
    4 * WAIT_MS,
  );

  it(
    'dark scheme after the run: the final charts, verdict and link, no errors, no outside requests',
    async () => {
      const { page, requests, problems } = await openUrl(browser, url, true);
      await page.waitForSelector('#verdict .verdict', { timeout: WAIT_MS });
      expect(await page.$$('svg.chart')).toHaveLength(6);
      expect(await page.$$('svg[data-chart="rate"] g.marker-fault')).toHaveLength(1);
      const background = await page.evaluate('getComputedStyle(document.body).backgroundColor');
      expect(background).toBe('rgb(23, 23, 26)');
      await page.screenshot({ path: join(REPORTS, 'dashboard-end-dark.png'), fullPage: true });
      expect(problems).toEqual([]);
      expect(requests.filter((r) => new URL(r).origin !== new URL(url).origin)).toEqual([]);
      await page.close();
      // Ctrl-C ends the linger; the exit code is the verdict's, as without a dashboard.
      bench.kill('SIGINT');
      const results = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as BenchResults;
      expect(await exited).toBe(VERDICT_EXIT[results.verdict]);
    },
    2 * WAIT_MS,
  );
});
