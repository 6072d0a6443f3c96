// The browser client of examples/ in headless Chromium (Debian's /usr/bin/chromium through
// playwright-core) against `serve --http-port --auth-tokens`: the JSON dialect with the
// token in the subprotocol, 1,000 observations, 1,000 ACCEPTED acks and the final
// INDEXED ack, then the last one found by HTTP recall.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedServer, startEmbeddedServer } from '../../src/endpoint/embedded-server.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium)
  console.warn(`browser test skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);

const PAGE = pathToFileURL(resolve('examples/browser-client.html')).href;
const TOKEN = 'tok-browser-5e1d7a9c3b2f4e60';

describe.skipIf(!hasChromium)('a browser streams over WebSocket', () => {
  let browser: Browser;
  let server: EmbeddedServer;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'engram-browser-'));
    writeFileSync(join(dir, 'tokens.txt'), `${TOKEN} browser-space\n`);
    server = await startEmbeddedServer({
      args: [
        '--dim',
        '16',
        '--index-workers',
        '1',
        '--http-port',
        '0',
        '--auth-tokens',
        join(dir, 'tokens.txt'),
      ],
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('1,000 observations: 1,000 ACCEPTED acks, the final INDEXED ack, the last one recalled', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    const query = new URLSearchParams({
      server: `ws://${server.httpAddress}/v1/stream`,
      token: TOKEN,
      space: 'browser-space',
      count: '1000',
      autostart: '1',
    });
    await page.goto(`${PAGE}?${query}`);
    // A string runs in the page (this file is compiled without the DOM's types).
    await page.waitForFunction("document.getElementById('status').dataset.state !== 'running'", undefined, {
      timeout: 60_000,
    });
    const read = (id: string) => page.locator(`#${id}`).textContent();
    expect([await page.locator('#status').getAttribute('data-state'), await read('log')]).toEqual([
      'done',
      expect.stringMatching(/^session [0-9a-f-]{36}, 16-d embeddings\n$/),
    ]);
    expect(await read('accepted')).toBe('1000');
    expect(await read('rejected')).toBe('0');
    expect(await read('indexed')).toBe('1000');
    expect(await read('recalled')).toMatch(
      /^browser-1000 "observation 1000 from a browser" \(activation 1\.000\)$/,
    );
    expect(problems).toEqual([]);
    await page.close();
  }, 90_000);
});
