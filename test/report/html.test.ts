import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/report/html.js';
import { sampleBench, sampleConform } from '../support/sample-results.js';
import { BENCH_CHARTS } from './chart-ids.js';

describe('renderHtml', () => {
  it('bench: verdict first, thresholds, every chart, findings, run details', () => {
    const html = renderHtml(sampleBench());
    const verdictAt = html.indexOf('id="verdict"');
    expect(verdictAt).toBeGreaterThan(0);
    expect(verdictAt).toBeLessThan(html.indexOf('id="thresholds"'));
    expect(html).toContain('FAILED');
    for (const id of BENCH_CHARTS)
      expect(html).toMatch(new RegExp(`data-chart="${id}"[^>]*>.*?<path [^>]*d="M`));
    expect(html).toContain('bound: staleness.p99 &lt; 20ms');
    expect(html).toContain('id="findings"');
    expect(html).toContain('session s-1 seq 42');
    expect(html).toContain('Test CPU');
  });

  it('conform: counts, one table row and one folded details per case, transcripts', () => {
    const r = sampleConform();
    const html = renderHtml(r);
    expect(html.match(/<tr data-outcome="/g)).toHaveLength(r.cases.length);
    expect(html.match(/<details class="case"/g)).toHaveLength(r.cases.length);
    expect(html.match(/<details class="transcript">/g)).toHaveLength(r.cases.length);
    expect(html).not.toMatch(/<details[^>]* open/);
    expect(html).toContain('(12 more entries left out to keep the file small)');
    for (const o of ['PASS', 'NON-STRICT', 'FAIL', 'SKIP', 'INCONCLUSIVE', 'ERROR']) {
      expect(html).toContain(`data-filter="${o}"`);
    }
  });

  it('escapes server-provided text and forbids network requests by policy', () => {
    for (const html of [renderHtml(sampleBench()), renderHtml(sampleConform())]) {
      expect(html).not.toContain('<script>alert');
      expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
      expect(html).toContain("default-src 'none'");
      expect(html).not.toMatch(/\b(src|href)="(https?:)?\/\//);
    }
  });

  it('stays under 1 MB for a 10-minute run', () => {
    const html = renderHtml(sampleBench(600));
    expect(Buffer.byteLength(html)).toBeLessThan(1_000_000);
  });
});

describe('renderHtml of sparse results', () => {
  it('a run without staleness or series says why instead of drawing empty charts', () => {
    const r = sampleBench(5);
    for (const p of r.series) delete p.staleness;
    r.unavailable = [{ metric: 'staleness', why: 'the server sends no INDEXED acks' }];
    const html = renderHtml(r);
    expect(html).toContain(
      'No staleness from INDEXED acknowledgements was measured: the server sends no INDEXED acks.',
    );
    expect(html).not.toContain('data-chart="staleness-over-time"');
    const broken = {
      ...sampleBench(0),
      verdict: 'error' as const,
      histograms: {},
      thresholds: [],
      markers: [],
    };
    const brokenHtml = renderHtml(broken);
    expect(brokenHtml).toContain('ERROR');
    expect(brokenHtml).toContain('The run recorded no per-second series');
    expect(brokenHtml).toContain('No latency or staleness samples were recorded.');
  });
});
